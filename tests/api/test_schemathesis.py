"""schemathesis against the committed schema, through the WSGI app, with all its checks.

Two identities (tests/api/schemathesis-auth.yaml, Web Fuzzing Commons): the permission
matrix's owning rep sends every request; a rep of another team is the peer who must not get
the rep's objects. Two tests:

- every operation with valid and invalid data, the coverage phase's boundary values and
  unexpected methods included: no server error, responses as documented, invalid data
  refused (negative_data_rejection), valid parameters accepted (positive_data_acceptance, for
  reads), credentials enforced (ignored_auth: each success is replayed without and with bad
  credentials), required headers, allowed methods;
- a stateful run along the links schemathesis infers (a list, then one of its rows, which it
  may then edit): object_level_authorization replays each of the rep's reads of an object
  as the other team's rep, who must not get it; ensure_resource_availability and
  use_after_free watch what a write created or deleted.

No replay of our own remains: what schemathesis cannot express is in the permission matrix
(tests/api/test_permission_matrix.py). Its object-level check replays reads only (a write
would change the owner's data), where the matrix sends each write as seven identities and
proves nothing changed for the refused; and a fuzzed run reaches the objects its links happen
to lead to (with the budget below: accounts, activities, orders), where the matrix reads
every row of every resource as each identity.
"""

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
from schemathesis.config import SchemathesisConfig

# The tokens tests/api/schemathesis-auth.yaml sends, made for the world's people.
TOKENS = {
    "owning_rep": "schemathesis-owning-rep-0000000000000000",
    "other_team_rep": "schemathesis-other-team-rep-000000000000",
}

config = SchemathesisConfig.from_dict(
    {
        "auth": {
            "wfc": {
                "path": str(Path(__file__).with_name("schemathesis-auth.yaml")),
                "user": "owning_rep",
                "peers": list(TOKENS),
            }
        },
        # Positive and negative data; PostgreSQL stores no NUL character, so Django refuses
        # one in any text with a 400, which the schema cannot say.
        "generation": {"mode": "all", "allow-x00": False},
        # The stateful run is for reaching objects: invalid data is the other test's.
        "phases": {"stateful": {"generation": {"mode": "positive"}}},
        "operations": [
            # A valid-looking body names ids of no object (or of one the rep may not see), or
            # breaks a rule the schema cannot say (a date after today...): rightly a 400.
            # Reads take only parameters, and any the schema allows must be accepted.
            {
                "include-method": ["POST", "PUT", "PATCH", "DELETE"],
                "checks": {"positive_data_acceptance": {"enabled": False}},
            },
            # The schema view is drf-spectacular's own, not ours.
            {"include-path": "/api/v1/schema/", "enabled": False},
        ],
    }
)
schema = schemathesis.openapi.from_path(
    Path(settings.BASE_DIR) / "docs" / "openapi.yaml", config=config
)
schema.app = get_wsgi_application()

# Fuzzed examples per operation and generation mode. Measured over the 50 operations on
# SQLite (CPU time; a shared 2-core machine stretches the wall time 2 to 2.5 times): the
# coverage phase, which max_examples does not touch (boundary values, every enum, unexpected
# methods: ~7,000 requests), costs ~60 s on its own; fuzzing adds ~20 s at 10 and ~25 s at 15.
EXAMPLES = 10
# Scenarios of up to 6 steps in the stateful run: ~190 requests, ~13 s. 60 scenarios of 10
# steps reach 8 of the 16 row resources in ~45 s; the matrix reads them all in less.
SCENARIOS, STEPS = 30, 6

SETTINGS = {"deadline": None, "suppress_health_check": list(HealthCheck), "derandomize": True}


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
    for who, key in TOKENS.items():
        Token.objects.create(user=world.people[who], key=key)


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, **SETTINGS)
def test_api(case, identities):
    case.call_and_validate()


def test_stateful_links(identities):
    schema.as_state_machine().run(
        settings=hypothesis_settings(max_examples=SCENARIOS, stateful_step_count=STEPS, **SETTINGS)
    )
