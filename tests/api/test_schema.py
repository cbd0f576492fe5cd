"""The committed OpenAPI schema matches the code; the schema and its docs need a login."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def test_the_committed_schema_is_up_to_date():
    # As `make openapi` makes it: for PostgreSQL, whose integer bounds the schema states,
    # whatever database this run uses (no server is contacted to generate it).
    generated = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--lang",
            "en",
            "--validate",
            "--fail-on-warn",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": "postgres://schema@127.0.0.1:1/schema"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert generated.stdout == COMMITTED.read_text(), "run `make openapi` and commit it"


def test_anonymous_callers_get_no_schema_nor_docs(client, db):
    for name in ("api:schema", "api:docs", "api:redoc"):
        assert client.get(reverse(name)).status_code in (401, 403), name


def test_logged_in_users_read_the_schema_and_docs(client, rep):
    client.force_login(rep)
    for name in ("api:schema", "api:docs", "api:redoc"):
        assert client.get(reverse(name)).status_code == 200, name
