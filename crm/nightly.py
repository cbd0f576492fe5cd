"""The nightly batch: claim the date, then run each step in order, recording progress.

Later steps (score accounts → generate offers → publish cards) join NIGHTLY_STEPS; each
step must be idempotent for its date, because a redelivered run starts it again.
"""

import datetime
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib.sessions.models import Session
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import LoyaltyScore
from accounts.scoring.run import scoring_run_execute
from opportunities.models import OfferCard, OfferRuleHit
from opportunities.offers.publish import offers_publish
from opportunities.offers.run import offers_generate
from opportunities.services import watch_conditions_evaluate

from .analytics.warmup import reports_warm
from .models import NightlyRun
from .selectors import at_risk_warm

logger = logging.getLogger(__name__)


def sessions_purge_expired(*, run_date: datetime.date) -> None:
    """Drop sessions that have expired (a twelve-hour session table grows fast)."""
    Session.objects.filter(expire_date__lt=timezone.now()).delete()


def login_attempts_purge_expired(*, run_date: datetime.date) -> None:
    """Drop failed-login records older than the cool-off; they no longer lock anyone."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(attempt_time__lt=timezone.now() - get_cool_off()).delete()


def watch_conditions_check(*, run_date: datetime.date) -> None:
    """Turn intermediate goals met by `run_date` into opportunities; expire the overdue."""
    result = watch_conditions_evaluate(run_date=run_date)
    logger.info("watch conditions %s: %s", run_date, result)


def loyalty_scores_nightly(*, run_date: datetime.date) -> None:
    """Score every account as of the day before the run, the last complete day of data.

    The chunks go to the workers as a Celery group (unless tasks are eager) and this step
    waits on the run ledger until all are done, scoring chunks itself meanwhile; see
    accounts.scoring.run.scoring_run_execute.
    """
    scoring_run_execute(as_of=run_date - datetime.timedelta(days=1), dispatch=True)


def offer_chunks_send(run_date: datetime.date, chunks: list[tuple[int, int]]) -> None:
    """Send the offers step's chunks to the workers as a Celery group."""
    from celery import group

    from .tasks import offer_chunk

    group(offer_chunk.si(run_date.isoformat(), lo, hi) for lo, hi in chunks).apply_async()


def offer_cards_generate(*, run_date: datetime.date) -> None:
    """Turn the night's scores, usage and met goals into next-best-offer cards.

    Like the score step, in chunks of accounts that the workers share while this step writes
    chunks itself and waits on the ledger (opportunities.offers.run.offers_generate).
    """
    result = offers_generate(run_date=run_date, dispatch=offer_chunks_send)
    logger.info("offers %s: %s", run_date, result)


def offer_cards_publish(*, run_date: datetime.date) -> None:
    """Wake snoozed cards that are due; expire stale ones and those now not to be offered."""
    logger.info("publish %s: %s", run_date, offers_publish(run_date=run_date))


# The tables each night rewrites in bulk: a day of scores, the cards, the rules' hits.
NIGHT_WRITTEN = (LoyaltyScore, OfferCard, OfferRuleHit)


def statistics_refresh(*, run_date: datetime.date) -> None:
    """ANALYZE the tables the night has just rewritten, before the warm-up reads them.

    Autovacuum analyzes a table a minute or more after its rows change, and not at all where
    it is off; until then the planner plans with yesterday's row counts. After a first night
    it took the cards for empty and ran the whitespace totals as nested loops: 18 s a
    statement at 100,000 accounts where it takes 0.6 s (measured 2026-12-06, see
    docs/benchmarks.md)."""
    with connection.cursor() as cursor:
        for model in NIGHT_WRITTEN:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def reports_cache_warm(*, run_date: datetime.date) -> None:
    """Compute the reports' default views from the night's scores into the day's cache, so
    that nobody waits for the first computation of the day: one task per scope for the
    workers to share (in-process when tasks are eager), see crm.analytics.warmup; and the
    homes' at-risk lists likewise (crm.selectors.at_risk_warm)."""
    logger.info("reports %s: %s", run_date, reports_warm(today=run_date, dispatch=True))
    logger.info("at-risk lists %s: %s", run_date, at_risk_warm(today=run_date))


NIGHTLY_STEPS: list[tuple[str, Callable[..., None]]] = [
    ("sessions", sessions_purge_expired),
    ("login_attempts", login_attempts_purge_expired),
    ("score", loyalty_scores_nightly),
    ("watch_conditions", watch_conditions_check),
    ("offers", offer_cards_generate),
    ("publish", offer_cards_publish),
    ("statistics", statistics_refresh),
    ("reports", reports_cache_warm),
]


# The night's PostgreSQL advisory lock is (this namespace, the date's ordinal): held on the
# executing worker's connection for the whole run, it dies with that worker (a SIGKILL, an
# OOM kill, a lost machine), so "the lock is free" means "nobody alive is running the night".
NIGHTLY_LOCK_NAMESPACE = 0x4E52  # "NR"
# A redelivered run may reach a worker a moment before PostgreSQL has seen that the killed
# worker's connection is gone; waiting this long for the lock covers that. A second trigger
# of a live run waits as long and then leaves.
NIGHTLY_LOCK_WAIT_SECONDS = 5.0


@contextmanager
def nightly_run_lock(*, run_date: datetime.date) -> Iterator[bool | None]:
    """Hold the night's advisory lock while the block runs; yields whether it was got.

    None on SQLite, which has no such lock: there the embedded, in-process runs cannot tell
    a live run from a dead one, and only a redelivery of the same message or a failed run
    may carry on.
    """
    if connection.vendor != "postgresql":
        yield None
        return
    key = [NIGHTLY_LOCK_NAMESPACE, run_date.toordinal()]
    deadline = time.monotonic() + NIGHTLY_LOCK_WAIT_SECONDS
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
            got = cursor.fetchone()[0]
            if got or time.monotonic() >= deadline:
                break
            time.sleep(0.2)
    try:
        yield got
    finally:
        if got:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except DatabaseError:
                pass  # the connection is gone, and the lock went with it


def nightly_run_claim(
    *, run_date: datetime.date, task_id: str, alone: bool | None = None
) -> NightlyRun | None:
    """Claim `run_date` for `task_id`; None when it is done or someone else may be running it.

    `alone` says that this trigger holds the night's lock (see nightly_run_lock): whatever
    run it finds unfinished has nobody alive behind it and is taken over. Without the lock
    (None) only the same message redelivered, or a run that failed, may carry on.
    """
    try:
        with transaction.atomic():
            return NightlyRun.objects.create(
                run_date=run_date, task_id=task_id, status=NightlyRun.Status.RUNNING
            )
    except IntegrityError:
        run = NightlyRun.objects.get(run_date=run_date)
    if run.status == NightlyRun.Status.DONE:
        return None
    if not (alone or run.task_id == task_id or run.status == NightlyRun.Status.FAILED):
        return None
    # The filtered update lets only one of two racing triggers win.
    taken = NightlyRun.objects.filter(pk=run.pk, task_id=run.task_id, status=run.status).update(
        task_id=task_id, status=NightlyRun.Status.RUNNING, error=""
    )
    if not taken:
        return None
    run.refresh_from_db()
    return run


def nightly_run_trigger(*, run_date: datetime.date, task_id: str) -> str:
    """Run the night of `run_date` unless it is done or a live worker is on it: "done" or
    "skipped". Every trigger goes through here: beat, `manage.py run_nightly`, redeliveries.
    """
    with nightly_run_lock(run_date=run_date) as got:
        if got is False:
            return "skipped"  # a live worker holds the night
        run = nightly_run_claim(run_date=run_date, task_id=task_id, alone=got)
        if run is None:
            return "skipped"
        nightly_run_execute(run=run)
    return "done"


def nightly_run_execute(*, run: NightlyRun) -> NightlyRun:
    """Run the steps not yet done for the claimed `run`, saving progress after each."""
    try:
        for name, step in NIGHTLY_STEPS:
            if name in run.steps_done:
                continue
            step(run_date=run.run_date)
            run.steps_done.append(name)
            run.save(update_fields=["steps_done"])
    except Exception as exc:
        run.status = NightlyRun.Status.FAILED
        run.error = repr(exc)
        try:
            run.save(update_fields=["status", "error"])
        except DatabaseError:
            # The database itself went away (a restart): the task retries the run and the
            # original error is what counts, not this one.
            logger.warning("nightly run %s: could not record the failure", run.run_date)
        raise
    run.status = NightlyRun.Status.DONE
    run.error = ""
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    logger.info("nightly run %s done: %s", run.run_date, ", ".join(run.steps_done))
    return run
