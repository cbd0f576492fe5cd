"""schemathesis against the committed schema, through the WSGI app: valid and invalid data
for every operation, all of schemathesis's response checks (server errors, schema and status
conformance, negative-data rejection...), and object-level authorization with two identities:
whatever the owning rep reads by id, a rep of another team must get 404."""

from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.generation.modes import GenerationMode

schema = schemathesis.openapi.from_path(Path(settings.BASE_DIR) / "docs" / "openapi.yaml")
schema.app = get_wsgi_application()
schema.config.generation.update(modes=list(GenerationMode))

# Fuzzed examples per operation and generation mode. Measured over the 50 operations on
# SQLite (CPU time; a shared 2-core machine stretches the wall time 2 to 2.5 times): the
# coverage phase, which max_examples does not touch (boundary values, every enum, unexpected
# methods: ~7,000 requests), costs ~60 s on its own; fuzzing adds ~20 s at 10 and ~25 s at 15.
EXAMPLES = 10


def token_header(user) -> dict[str, str]:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """schemathesis calls the WSGI app itself, not through Django's test client, so the end of
    each request would close the database connection (and, on PostgreSQL, the test's
    transaction with it). Disconnect that handler as the test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def identities(world):
    return token_header(world.people["owning_rep"]), token_header(world.people["other_team_rep"])


@pytest.mark.django_db(transaction=False)
# The schema view is drf-spectacular's own, not ours.
@schema.exclude(path="/api/v1/schema/").parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api(case, identities):
    owner, other = identities
    response = case.call_and_validate(
        headers=owner,
        # Random ids name no object of the test database, so a valid-looking body is rightly
        # refused ("does not exist"); every other check runs.
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
    if case.method == "GET" and "{id}" in case.path and response.status_code == 200:
        replay = case.call(headers=other)
        assert replay.status_code == 404, (
            f"another team's rep read {case.formatted_path}: {replay.status_code}"
        )
