import datetime

from celery import shared_task
from django.utils import timezone

from accounts.background import RETRY_ON_DATABASE_LOSS
from opportunities.offers.run import offer_chunk_execute

from .analytics.warmup import report_scope_warm as report_scope_warm_service
from .nightly import nightly_run_trigger


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, **RETRY_ON_DATABASE_LOSS)
def nightly_run(self, run_date: str | None = None) -> str:
    """The nightly batch for `run_date` (ISO date; today in Tokyo by default).

    Safe to deliver twice: only the first trigger of a date runs, a redelivery of that same
    message (or its retry after the database went away) resumes after the last finished
    step, and a run whose worker died is taken over by the next trigger.
    """
    day = datetime.date.fromisoformat(run_date) if run_date else timezone.localdate()
    return nightly_run_trigger(run_date=day, task_id=self.request.id or "in-process")


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_ON_DATABASE_LOSS)
def report_scope_warm(today: str, user_id: int, team_id: int | None, claim: str) -> bool:
    """Warm the reports of one scope for `today` (ISO date); a no-op when another process
    holds its claim (crm.analytics.warmup)."""
    return report_scope_warm_service(
        today=datetime.date.fromisoformat(today), user_id=user_id, team_id=team_id, claim=claim
    )


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_ON_DATABASE_LOSS)
def offer_chunk(run_date: str, lo: int, hi: int) -> int | None:
    """Write the offer cards of accounts lo..hi for the night of `run_date` (ISO date); a
    no-op when the chunk is done already. Returns the number of cards."""
    counts = offer_chunk_execute(run_date=datetime.date.fromisoformat(run_date), lo=lo, hi=hi)
    return None if counts is None else counts["cards"]
