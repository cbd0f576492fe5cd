import datetime

from celery import shared_task
from django.utils import timezone

from .nightly import nightly_run_claim, nightly_run_execute


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def nightly_run(self, run_date: str | None = None) -> str:
    """The nightly batch for `run_date` (ISO date; today in Tokyo by default).

    Safe to deliver twice: only the first trigger of a date runs, and a redelivery of that
    same message resumes after the last finished step.
    """
    day = datetime.date.fromisoformat(run_date) if run_date else timezone.localdate()
    run = nightly_run_claim(run_date=day, task_id=self.request.id or "in-process")
    if run is None:
        return "skipped"
    nightly_run_execute(run=run)
    return "done"
