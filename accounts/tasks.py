"""Celery tasks of the accounts app: thin, taking ids and dates."""

import datetime

from celery import shared_task

from accounts.background import RETRY_ON_DATABASE_LOSS
from accounts.imports.services import import_job_run as import_job_run_service
from accounts.scoring.run import scoring_chunk_execute


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_ON_DATABASE_LOSS)
def import_job_run(job_id: int) -> None:
    """Imports one uploaded file in the background; a redelivery finds it claimed and stops."""
    import_job_run_service(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, **RETRY_ON_DATABASE_LOSS)
def score_chunk(as_of: str, lo: int, hi: int) -> int | None:
    """Score accounts lo..hi as of `as_of` (ISO date); a no-op when the chunk is done already."""
    return scoring_chunk_execute(as_of=datetime.date.fromisoformat(as_of), lo=lo, hi=hi)
