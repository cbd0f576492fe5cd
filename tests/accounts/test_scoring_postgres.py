"""The PostgreSQL write path: a chunk's day deleted and written again with one COPY."""

import datetime

import pytest
from django.db import connection
from django.utils import translation

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


def test_a_rescore_replaces_the_days_rows_with_one_copy(monkeypatch):
    def no_bulk_create(*args, **kwargs):
        raise AssertionError("PostgreSQL must write with COPY")

    monkeypatch.setattr(writer, "bulk_replace", no_bulk_create)
    accounts = [AccountFactory() for _ in range(3)]
    for account in accounts:
        SubscriptionFactory(account=account, started_on=datetime.date(2025, 1, 1))

    scoring_run_execute(as_of=D, chunk_size=2)
    before = LoyaltyScore.objects.get(account=accounts[0])
    OrderFactory(account=accounts[0], ordered_on=D, total=3_000_000)
    scoring_run_execute(as_of=D, rescore=True)

    after = LoyaltyScore.objects.get(account=accounts[0])
    assert after.score > before.score
    assert after.spend == 3_000_000 + 12 * 10_000
    assert after.components["monetary"]["value"] == 3_000_000 + 12 * 10_000
    with translation.override("ja"):
        assert after.sentences()  # explained from what COPY stored, in Japanese
    assert LoyaltyScore.objects.count() == 3  # replaced, not added to


def test_a_rerun_removes_the_score_of_an_account_that_is_no_longer_a_customer():
    kept, gone = AccountFactory(), AccountFactory()
    SubscriptionFactory(account=kept, started_on=datetime.date(2025, 1, 1))
    subscription = SubscriptionFactory(account=gone, started_on=datetime.date(2025, 1, 1))
    scoring_run_execute(as_of=D)
    assert set(LoyaltyScore.objects.values_list("account_id", flat=True)) == {kept.pk, gone.pk}

    subscription.delete()
    scoring_run_execute(as_of=D, rescore=True)

    assert list(LoyaltyScore.objects.values_list("account_id", flat=True)) == [kept.pk]
