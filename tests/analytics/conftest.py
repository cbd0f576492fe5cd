import datetime

import pytest
from django.core.cache import cache

from crm.analytics.scope import ReportScope

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Reports are cached per day in the shared cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def everything(admin_user) -> ReportScope:
    return ReportScope(user=admin_user)


def rows_by_label(table) -> dict:
    return {row["label"]: row for row in table.rows}


def page_table(response, slug: str):
    return next(table for table in response.context["tables"] if table.slug == slug)
