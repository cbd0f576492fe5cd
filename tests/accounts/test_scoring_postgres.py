"""The PostgreSQL write path: the chunk as one JSON array, upserted and pruned in one statement."""

import datetime

import pytest
from django.db import connection

from accounts.models import LoyaltyScore
from accounts.scoring import writer
from accounts.scoring.run import scoring_run_execute
from tests.accounts.factories import AccountFactory, OrderFactory, SubscriptionFactory
from tests.conftest import require

pytestmark = pytest.mark.django_db

D = datetime.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def on_postgresql():
    require(connection.vendor == "postgresql", "needs DATABASE_URL on PostgreSQL")


def test_json_upsert_inserts_then_updates_in_place(monkeypatch):
    def no_bulk_create(rows):
        raise AssertionError("PostgreSQL must write with one JSON statement")

    monkeypatch.setattr(writer, "bulk_upsert", no_bulk_create)
    accounts = [AccountFactory() for _ in range(3)]
    for account in accounts:
        SubscriptionFactory(account=account, started_on=datetime.date(2025, 1, 1))

    scoring_run_execute(as_of=D, chunk_size=2)
    first = dict(LoyaltyScore.objects.values_list("account_id", "id"))
    before = LoyaltyScore.objects.get(account=accounts[0])
    OrderFactory(account=accounts[0], ordered_on=D, total=3_000_000)
    scoring_run_execute(as_of=D, rescore=True)

    after = LoyaltyScore.objects.get(account=accounts[0])
    assert dict(LoyaltyScore.objects.values_list("account_id", "id")) == first  # updated in place
    assert after.score > before.score
    assert after.components["monetary"]["value"] == 3_000_000 + 12 * 10_000
    assert after.reason_sentences["ja"]  # JSON survived the trip with Japanese text intact
    assert LoyaltyScore.objects.count() == 3


def test_a_rerun_removes_the_score_of_an_account_that_is_no_longer_a_customer():
    kept, gone = AccountFactory(), AccountFactory()
    SubscriptionFactory(account=kept, started_on=datetime.date(2025, 1, 1))
    subscription = SubscriptionFactory(account=gone, started_on=datetime.date(2025, 1, 1))
    scoring_run_execute(as_of=D)
    assert set(LoyaltyScore.objects.values_list("account_id", flat=True)) == {kept.pk, gone.pk}

    subscription.delete()
    scoring_run_execute(as_of=D, rescore=True)

    assert list(LoyaltyScore.objects.values_list("account_id", flat=True)) == [kept.pk]
