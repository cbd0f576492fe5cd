"""List filters accept every value the schema documents and refuse what it excludes; both
were found by schemathesis (tests/api/test_schemathesis.py)."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from tests.permission_matrix import client_for


@pytest.mark.parametrize(
    ("value", "listed"),
    [
        # RFC 3339 allows offsets up to ±23:59; PostgreSQL took only ±15:59 (a 500 before).
        ("1107-04-03T18:27:18.598763-16:42", True),
        ("2020-01-01T00:00:00+23:59", True),
        # Hours from the calendar's ends, where UTC falls outside it.
        ("0001-01-01T00:00:00+09:00", True),
        ("9999-12-31T23:59:59-23:59", False),
    ],
)
def test_updated_after_takes_any_offset(world, value, listed):
    response = client_for(world, "owning_rep", api=True).get(
        reverse("api:account-list"), {"updated_after": value}
    )

    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert (world.rows["account"].pk in ids) is listed


def list_parameters(path: str) -> dict[str, dict]:
    schema = yaml.safe_load((Path(settings.BASE_DIR) / "docs" / "openapi.yaml").read_text())
    return {p["name"]: p["schema"] for p in schema["paths"][path]["get"]["parameters"]}


@pytest.mark.parametrize(
    ("parameter", "refused", "documented"),
    [
        ("page_size", "501", {"minimum": 1, "maximum": 500}),
        ("page", "0", {"minimum": 1}),
        ("external_id", "", {"minLength": 1}),
        ("owner", "-1", {"minimum": 0}),
        ("q", "", {"minLength": 1}),
    ],
)
def test_the_schema_states_the_bounds_the_api_enforces(world, parameter, refused, documented):
    schema = list_parameters("/api/v1/accounts/")[parameter]
    response = client_for(world, "owning_rep", api=True).get(
        reverse("api:account-list"), {parameter: refused}
    )

    assert documented.items() <= schema.items()
    assert response.status_code in (400, 404)  # 404: DRF's answer to a page out of range
