from celery import shared_task

from .imports.services import import_job_run as import_job_run_service


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_job_run(job_id: int) -> None:
    """Imports one uploaded file in the background; a redelivery finds it claimed and stops."""
    import_job_run_service(job_id=job_id)
