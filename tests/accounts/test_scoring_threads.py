"""One process scoring several chunks at once, each in a thread on its own connection."""

import datetime
import itertools
import threading

import pytest
from django.db import connection

from accounts.models import LoyaltyScore, ScoringRun
from accounts.scoring import run as scoring_run
from accounts.scoring.run import scoring_run_execute
from accounts.scoring.writer import COLUMNS
from crm.celery import app as celery_app
from tests.accounts.factories import (
    AccountFactory,
    ActivityFactory,
    NPSResponseFactory,
    OrderFactory,
    SubscriptionFactory,
)
from tests.conftest import require

# The threads' connections only see committed rows.
pytestmark = pytest.mark.django_db(transaction=True)

D = datetime.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def on_postgresql():
    require(connection.vendor == "postgresql", "needs DATABASE_URL on PostgreSQL")


def days_ago(days: int) -> datetime.date:
    return D - datetime.timedelta(days=days)


@pytest.fixture
def customers():
    for n in range(8):
        account = AccountFactory()
        SubscriptionFactory(account=account, started_on=days_ago(90 * (n + 1)))
        OrderFactory(account=account, ordered_on=days_ago(7 * n), total=n * 1000)
        if n % 3:
            NPSResponseFactory(account=account, answered_on=days_ago(10), score=n)
        ActivityFactory(account=account, occurred_on=days_ago(n))


def rows() -> list[tuple]:
    return list(LoyaltyScore.objects.filter(as_of=D).order_by("account_id").values_list(*COLUMNS))


def chunks_meet(monkeypatch) -> set[int]:
    """From now on the first two chunks wait for each other, so a run gets past them only if
    two chunks are scored at the same time (one thread alone would wait until the barrier
    breaks); returns the threads that scored chunks."""
    barrier = threading.Barrier(2, timeout=30)
    calls = itertools.count()
    threads = set()
    execute = scoring_run.scoring_chunk_execute

    def meeting(**chunk):
        threads.add(threading.get_ident())
        if next(calls) < 2:
            barrier.wait()
        return execute(**chunk)

    monkeypatch.setattr(scoring_run, "scoring_chunk_execute", meeting)
    return threads


def test_two_threads_score_what_one_does(customers, settings, monkeypatch):
    settings.NIGHTLY_THREADS = 1
    scoring_run_execute(as_of=D, chunk_size=2)
    alone = rows()

    settings.NIGHTLY_THREADS = 2
    threads = chunks_meet(monkeypatch)
    scoring_run_execute(as_of=D, chunk_size=2, rescore=True)

    assert len(threads) == 2
    assert rows() == alone
    assert len(alone) == 8
    assert ScoringRun.objects.get(as_of=D).accounts_scored == 8


def test_without_a_broker_the_chunks_go_to_threads_not_to_eager_tasks(
    customers, settings, monkeypatch
):
    # Eager tasks would score the group's chunks one after the other, in this thread.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    settings.NIGHTLY_THREADS = 2
    threads = chunks_meet(monkeypatch)

    scoring_run_execute(as_of=D, chunk_size=2, dispatch=True)

    assert len(threads) == 2
    assert LoyaltyScore.objects.filter(as_of=D).count() == 8
