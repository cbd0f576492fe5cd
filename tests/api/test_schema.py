"""The committed OpenAPI schema matches the code; the schema and its docs need a login."""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def test_the_committed_schema_is_up_to_date():
    generated = io.StringIO()
    call_command("spectacular", "--lang", "en", "--validate", "--fail-on-warn", stdout=generated)
    assert generated.getvalue() == COMMITTED.read_text(), "run `make openapi` and commit it"


def test_anonymous_callers_get_no_schema_nor_docs(client, db):
    for name in ("api:schema", "api:docs", "api:redoc"):
        assert client.get(reverse(name)).status_code in (401, 403), name


def test_logged_in_users_read_the_schema_and_docs(client, rep):
    client.force_login(rep)
    for name in ("api:schema", "api:docs", "api:redoc"):
        assert client.get(reverse(name)).status_code == 200, name
