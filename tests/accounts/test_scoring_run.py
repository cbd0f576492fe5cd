"""The scoring run: as-of dates, idempotency, resuming a killed run, the nightly step."""

import datetime

import pytest

from accounts.models import Activity, LoyaltyScore, ScoringChunk, ScoringRun
from accounts.scoring import run as scoring_run
from accounts.scoring.run import scoring_run_execute
from accounts.scoring.writer import COLUMNS
from crm.celery import app as celery_app
from crm.models import NightlyRun
from crm.tasks import nightly_run
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    NPSResponseFactory,
    OrderFactory,
    SubscriptionFactory,
    UsageRecordFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date(2026, 11, 30)
LATER = D + datetime.timedelta(days=1)


def days_ago(days: int) -> datetime.date:
    return D - datetime.timedelta(days=days)


def rows(as_of=D) -> list[tuple]:
    return list(
        LoyaltyScore.objects.filter(as_of=as_of).order_by("account_id").values_list(*COLUMNS)
    )


@pytest.fixture
def customers():
    """Five customers with a little of everything, dated on or before D."""
    accounts = []
    for n in range(5):
        account = AccountFactory()
        subscription = SubscriptionFactory(account=account, started_on=days_ago(100 * (n + 1)))
        UsageRecordFactory(subscription=subscription, date=days_ago(n + 1))
        OrderFactory(account=account, ordered_on=days_ago(20 * n), total=1000 * n)
        if n % 2:
            NPSResponseFactory(account=account, answered_on=days_ago(30), score=n)
        ActivityFactory(account=account, occurred_on=days_ago(n))
        accounts.append(account)
    return accounts


def test_as_of_ignores_everything_dated_after_the_day(customers):
    scoring_run_execute(as_of=D)
    before = rows()
    first, second = customers[0], customers[1]
    OrderFactory(account=first, ordered_on=LATER, total=9_000_000)
    NPSResponseFactory(account=first, answered_on=LATER, score=0)
    ActivityFactory(account=first, kind=Activity.Kind.COMPLAINT, occurred_on=LATER)
    UsageRecordFactory(subscription=first.subscriptions.get(), date=LATER, quantity=100_000)
    SubscriptionFactory(account=first, started_on=LATER)
    second.subscriptions.update(cancelled_on=LATER + datetime.timedelta(days=2), status="cancelled")
    SubscriptionFactory(account=AccountFactory(), started_on=LATER)  # a customer only later

    scoring_run_execute(as_of=D, rescore=True)

    assert rows() == before


def test_running_a_day_twice_gives_identical_rows_and_no_duplicates(customers):
    first = scoring_run_execute(as_of=D, chunk_size=2)
    once = rows()
    scoring_run_execute(as_of=D, chunk_size=2)  # done already: nothing to do
    scoring_run_execute(as_of=D, chunk_size=2, rescore=True)  # recomputed and upserted

    assert rows() == once
    assert len(once) == LoyaltyScore.objects.count() == 5
    run = ScoringRun.objects.get()
    assert (run.pk, run.status, run.accounts_scored) == (first.pk, ScoringRun.Status.DONE, 5)
    assert list(run.chunks.values_list("accounts_scored", flat=True)) == [2, 2, 1]


def test_a_chunk_killed_midway_then_rerun_leaves_what_a_clean_run_leaves(customers, monkeypatch):
    scoring_run_execute(as_of=D, chunk_size=2)
    clean = rows()
    LoyaltyScore.objects.all().delete()
    ScoringRun.objects.all().delete()

    write = scoring_run.loyalty_scores_write
    killed_lo = customers[2].pk

    def write_then_die(*, frame, as_of, lo, hi):
        written = write(frame=frame, as_of=as_of, lo=lo, hi=hi)
        if lo == killed_lo:
            raise RuntimeError("worker killed while writing")
        return written

    monkeypatch.setattr(scoring_run, "loyalty_scores_write", write_then_die)
    with pytest.raises(RuntimeError):
        scoring_run_execute(as_of=D, chunk_size=2)

    run = ScoringRun.objects.get()
    assert run.status == ScoringRun.Status.FAILED
    assert [(chunk.lo, chunk.done_at is not None) for chunk in run.chunks.all()] == [
        (customers[0].pk, True),
        (customers[2].pk, False),  # its half-written rows went with its transaction
        (customers[4].pk, False),
    ]
    assert LoyaltyScore.objects.count() == 2

    monkeypatch.setattr(scoring_run, "loyalty_scores_write", write)
    scoring_run_execute(as_of=D, chunk_size=2)

    assert rows() == clean
    run.refresh_from_db()
    assert run.status == ScoringRun.Status.DONE
    assert not ScoringChunk.objects.filter(done_at__isnull=True).exists()


def test_a_rescore_removes_rows_of_accounts_no_longer_customers_that_day(customers):
    scoring_run_execute(as_of=D)
    customers[0].subscriptions.update(started_on=LATER)
    customers[0].orders.all().delete()

    scoring_run_execute(as_of=D, rescore=True)

    assert not LoyaltyScore.objects.filter(account=customers[0]).exists()
    assert LoyaltyScore.objects.count() == 4


def test_the_nightly_run_scores_the_last_complete_day(customers, monkeypatch):
    # The chunks go out as a group; eager here, so no message is left behind on a real broker.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)

    assert nightly_run.apply(args=[LATER.isoformat()], task_id="beat").get() == "done"

    assert "score" in NightlyRun.objects.get().steps_done
    assert ScoringRun.objects.get().as_of == D
    assert LoyaltyScore.objects.filter(as_of=D).count() == 5


def test_the_command_scores_a_day_and_says_how_many(customers, capsys):
    from django.core.management import call_command

    call_command("score_accounts", "--as-of", D.isoformat(), "--chunk-size", "3")

    assert "Scored 5 accounts as of 2026-11-30 in 2 chunks" in capsys.readouterr().out
    assert LoyaltyScore.objects.filter(as_of=D).count() == 5
