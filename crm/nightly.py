"""The nightly batch: claim the date, then run each step in order, recording progress.

Later steps (score accounts → generate offers → publish cards) join NIGHTLY_STEPS; each
step must be idempotent for its date, because a redelivered run starts it again.
"""

import datetime
import logging
from collections.abc import Callable

from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.scoring.run import scoring_run_execute
from opportunities.offers.engine import offers_generate
from opportunities.offers.publish import offers_publish
from opportunities.services import watch_conditions_evaluate

from .models import NightlyRun

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

    The chunks go to the workers as a Celery group (in-process when tasks are eager) and this
    step waits on the run ledger until all are done, scoring chunks itself meanwhile; see
    accounts.scoring.run.scoring_run_execute.
    """
    scoring_run_execute(as_of=run_date - datetime.timedelta(days=1), dispatch=True)


def offer_cards_generate(*, run_date: datetime.date) -> None:
    """Turn the night's scores, usage and met goals into next-best-offer cards."""
    logger.info("offers %s: %s", run_date, offers_generate(run_date=run_date))


def offer_cards_publish(*, run_date: datetime.date) -> None:
    """Wake snoozed cards that are due; expire stale ones and those now not to be offered."""
    logger.info("publish %s: %s", run_date, offers_publish(run_date=run_date))


NIGHTLY_STEPS: list[tuple[str, Callable[..., None]]] = [
    ("sessions", sessions_purge_expired),
    ("login_attempts", login_attempts_purge_expired),
    ("score", loyalty_scores_nightly),
    ("watch_conditions", watch_conditions_check),
    ("offers", offer_cards_generate),
    ("publish", offer_cards_publish),
]


def nightly_run_claim(*, run_date: datetime.date, task_id: str) -> NightlyRun | None:
    """Claim `run_date` for `task_id`; None when another trigger holds it or it is done."""
    try:
        with transaction.atomic():
            return NightlyRun.objects.create(
                run_date=run_date, task_id=task_id, status=NightlyRun.Status.RUNNING
            )
    except IntegrityError:
        run = NightlyRun.objects.get(run_date=run_date)
    if run.task_id == task_id and run.status != NightlyRun.Status.DONE:
        return run  # the same message redelivered after its worker died: carry on
    # A failed run may be taken over by a new trigger; the filtered update lets only one win.
    taken = NightlyRun.objects.filter(pk=run.pk, status=NightlyRun.Status.FAILED).update(
        task_id=task_id, status=NightlyRun.Status.RUNNING, error=""
    )
    if taken:
        run.refresh_from_db()
        return run
    return None


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
        run.save(update_fields=["status", "error"])
        raise
    run.status = NightlyRun.Status.DONE
    run.error = ""
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    logger.info("nightly run %s done: %s", run.run_date, ", ".join(run.steps_done))
    return run
