"""Fault drills: real worker processes, real Redis and PostgreSQL, real failures.

The drills observe real state to decide when to strike (a worker blocked writing a chunk,
seen in pg_locks), never a sleep that hopes the worker got there.
"""

import datetime
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection

from accounts.models import LoyaltyScore, ScoringRun
from accounts.scoring.run import scoring_run_prepare
from crm.celery import app
from crm.demo.accounts import demo_staff, seed_accounts
from crm.demo.catalogue import seed_catalogue
from crm.demo.users import TEAMS, seed_users
from crm.models import NightlyRun
from opportunities.models import OfferCard
from tests.conftest import (
    conninfo,
    default_queue,
    require_worker_services,
    worker_database_url,
    worker_start,
)

NIGHT = datetime.date(2026, 11, 23)
AS_OF = NIGHT - datetime.timedelta(days=1)  # the night scores the last complete day
NIGHT_ISO = NIGHT.isoformat()
# 60 demo accounts (~25,000 rows under them, ~2 s to seed) in chunks of 10: six chunks, so
# that a killed chunk has pending neighbours for the other workers.
ACCOUNTS = 60
CHUNK = 10

# What the night writes, compared column by column (ids and creation times aside).
OUTPUT_COLUMNS = {
    LoyaltyScore._meta.db_table: [
        f.column for f in LoyaltyScore._meta.concrete_fields if f.name != "id"
    ],
    OfferCard._meta.db_table: [
        f.column for f in OfferCard._meta.concrete_fields if f.name not in ("id", "created_at")
    ],
}


def night_seed(*, accounts: int = ACCOUNTS) -> None:
    """The demo world (users, catalogue, accounts with a year of data) as of the night."""
    users = seed_users()
    catalogue = seed_catalogue()
    east, west = TEAMS
    seed_accounts(
        seed=7,
        count=accounts,
        today=AS_OF,
        catalogue=catalogue,
        staff=demo_staff(users, east_team=east, west_team=west),
    )


def night_outputs(dsn: str) -> dict[str, list[str]]:
    """Every score and offer card the night wrote, as sorted JSON rows (read in SQL, so that
    the drill's own PostgreSQL cluster compares the same way as the test database)."""
    outputs = {}
    with psycopg.connect(dsn) as conn:
        for table, columns in OUTPUT_COLUMNS.items():
            select = (
                f"SELECT row_to_json(t)::text FROM (SELECT {', '.join(columns)} FROM {table}) t"  # noqa: S608 (names are ours)
            )
            outputs[table] = sorted(row for (row,) in conn.execute(select))
    return outputs


def night_status(dsn: str) -> str | None:
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            f"SELECT status FROM {NightlyRun._meta.db_table} WHERE run_date = %s",  # noqa: S608
            [NIGHT],
        ).fetchone()
    return row and row[0]


def night_outputs_clear() -> None:
    OfferCard.objects.all().delete()
    LoyaltyScore.objects.all().delete()
    ScoringRun.objects.all().delete()
    NightlyRun.objects.all().delete()


@contextmanager
def tasks_in_process():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


def night_reference(dsn: str) -> dict[str, list[str]]:
    """A clean run of the night, in-process and undisturbed; its outputs are then removed so
    that the drill starts from the same data."""
    from crm.tasks import nightly_run

    with tasks_in_process():
        assert nightly_run.apply(args=[NIGHT_ISO]).get() == "done"
    reference = night_outputs(dsn)
    assert all(reference.values()), f"the reference night wrote no scores or cards: {reference}"
    night_outputs_clear()
    return reference


def chunks_lay_out() -> None:
    """Lay the night's scoring ledger out in small chunks (a real ledger, as a first attempt
    leaves it); the night then works through these."""
    scoring_run_prepare(as_of=AS_OF, chunk_size=CHUNK)


def wait_until(predicate: Callable[[], object], *, timeout: float, what: str, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{log() if log else ''}")


def night_done(dsn: str) -> Callable[[], bool]:
    return lambda: night_status(dsn) == NightlyRun.Status.DONE


class ScoreWritesHeld:
    """Holds a SHARE lock on the score table from a connection of its own: a chunk that has
    computed its scores then waits, mid-transaction, on its INSERT — a chunk in flight that a
    drill can see in pg_locks and strike at."""

    def __init__(self, dsn: str):
        self.dsn = dsn
        self.table = LoyaltyScore._meta.db_table
        self.conn = psycopg.connect(dsn)
        self.conn.execute(f"LOCK TABLE {self.table} IN SHARE MODE")  # opens the transaction

    def writer_waiting(self, *, timeout: float = 60, log=None) -> int:
        """The backend pid of the chunk blocked on the held table."""

        def blocked():
            with psycopg.connect(self.dsn, autocommit=True) as probe:
                row = probe.execute(
                    "SELECT pid FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                    [self.table],
                ).fetchone()
            return row and row[0]

        return wait_until(blocked, timeout=timeout, what="a chunk writing its scores", log=log)

    def release(self) -> None:
        try:
            self.conn.rollback()
            self.conn.close()
        except psycopg.Error:
            pass  # the server went away under the lock (the restart drill): so did the lock


@contextmanager
def score_writes_held(dsn: str):
    held = ScoreWritesHeld(dsn)
    try:
        yield held
    finally:
        held.release()


@pytest.fixture
def test_dsn(transactional_db) -> str:
    return conninfo(connection.settings_dict)


@pytest.fixture
def start_worker(transactional_db, tmp_path, settings):
    """Start real Celery workers, each in a process group of its own, all on one queue of
    this test's (made the app's default); every one is stopped or killed at the end."""
    require_worker_services()
    settings.MEDIA_ROOT = tmp_path / "media"
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    started = []

    def start(*, database_url: str | None = None, **options):
        worker = worker_start(
            queue=queue,
            log_path=tmp_path / f"worker-{len(started) + 1}.log",
            database_url=database_url or worker_database_url(connection.settings_dict),
            media_root=settings.MEDIA_ROOT,
            **options,
        )
        started.append(worker)
        return worker

    try:
        with default_queue(queue):
            yield start
    finally:
        for worker in started:  # all at once: each takes ~2 s to shut down
            if worker.process.poll() is None:
                worker.process.terminate()
        for worker in started:
            worker.stop()
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)


def worker_logs(workers) -> Callable[[], str]:
    return lambda: "\n".join(f"--- {w.log_path.name}\n{w.log()}" for w in workers)


@pytest.fixture
def seeded(transactional_db) -> None:
    night_seed()
