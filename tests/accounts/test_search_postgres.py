"""On PostgreSQL the account search is served by its trigram indexes (migration 0009): the
index expression must be the very one Django writes for icontains, or the planner silently
goes back to reading every account."""

import pytest
from django.db import connection, transaction

from accounts import selectors
from accounts.selectors import AccountFilters
from tests.accounts.factories import AccountFactory
from tests.conftest import require

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def on_postgresql():
    require(connection.vendor == "postgresql", "needs DATABASE_URL on PostgreSQL")


def test_the_search_reads_the_trigram_indexes(admin_user):
    AccountFactory(name="株式会社さくらファイナンス", name_kana="サクラファイナンス")
    AccountFactory(name="北斗物流株式会社", name_kana="ホクトブツリュウ")
    search = selectors.account_list(user=admin_user, filters=AccountFilters(q="ファイナンス"))
    # the paginator's count: the rows of the page come after it, in the list's order
    sql, params = search.order_by().values("pk").query.sql_with_params()

    with transaction.atomic(), connection.cursor() as cursor:
        # A handful of rows: without this the planner rightly prefers to read them all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "account_name_trigram" in plan
    assert "account_kana_trigram" in plan
    assert [account.name for account in search] == ["株式会社さくらファイナンス"]
