"""Celery tasks of the accounts app: thin, taking ids and dates."""

import datetime
from contextlib import suppress

from celery import shared_task

from accounts.background import DATABASE_LOSS, RETRY_ON_DATABASE_LOSS
from accounts.imports.services import import_job_abandon
from accounts.imports.services import import_job_run as import_job_run_service
from accounts.scoring.run import scoring_chunk_execute


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, **RETRY_ON_DATABASE_LOSS)
def import_job_run(self, job_id: int) -> None:
    """Imports one uploaded file in the background; a redelivery finds it claimed and stops,
    a retry after a lost database connection takes it up again."""
    try:
        import_job_run_service(job_id=job_id, retrying=self.request.retries > 0)
    except DATABASE_LOSS:
        if self.request.retries >= self.max_retries:
            with suppress(*DATABASE_LOSS):  # still away: the log is all that can be told
                import_job_abandon(job_id=job_id)
        raise


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_ON_DATABASE_LOSS)
def score_chunk(as_of: str, lo: int, hi: int) -> int | None:
    """Score accounts lo..hi as of `as_of` (ISO date); a no-op when the chunk is done already."""
    return scoring_chunk_execute(as_of=datetime.date.fromisoformat(as_of), lo=lo, hi=hi)
