"""Imports as a service: create a job for an uploaded file, and run it all-or-nothing."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from accounts.background import DATABASE_LOSS, enqueue
from accounts.models import ImportJob
from crm.users.models import User

from .errors import MAX_STORED_ERRORS, ErrorList
from .loaders import LOADERS
from .reading import UnreadableFile, check_header, count_rows, read_table
from .specs import SPECS, import_kinds_for

logger = logging.getLogger(__name__)

# Files of more rows than this are imported by a Celery worker while the page shows progress;
# smaller ones are imported within the upload request (≈ 2 s for 10,000 usage rows).
BACKGROUND_ROW_THRESHOLD = 10_000


def import_job_create(*, user: User, kind: str, upload: UploadedFile) -> ImportJob:
    """Stores the upload as a job and imports it: now when small, in the background when large."""
    if kind not in import_kinds_for(user):
        raise PermissionDenied
    rows = count_rows(upload, upload.name)
    job = ImportJob.objects.create(
        kind=kind, file=upload, file_name=upload.name[:255], created_by=user, row_count=rows
    )
    if rows > BACKGROUND_ROW_THRESHOLD:
        transaction.on_commit(lambda: import_job_queue(job=job))
    else:
        import_job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def import_job_queue(*, job: ImportJob) -> None:
    """Hand the job to a worker; when the broker cannot take it, the job fails at once and
    says so, rather than wait for ever for a worker that will never hear of it."""
    from accounts.tasks import import_job_run as import_job_run_task

    if enqueue(import_job_run_task, job.pk) is None:
        errors = ErrorList()
        errors.add("not_queued")
        _finish(job, errors=errors, counts=None)


def import_job_run(*, job_id: int, retrying: bool = False) -> None:
    """Reads, checks and writes one job's file; saves everything or nothing.

    Runs once: a job that is no longer waiting (a redelivered task) is left alone. A lost
    database connection is raised for the task to retry (`retrying`), which takes the job it
    had claimed up again: the write was one transaction, so nothing of it was kept.
    """
    claimable = [ImportJob.Status.PENDING]
    if retrying:
        claimable.append(ImportJob.Status.RUNNING)
    claimed = ImportJob.objects.filter(pk=job_id, status__in=claimable).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now(), progress=5
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        errors, counts = _import(job)
    except DATABASE_LOSS:
        raise
    except DatabaseError:
        # Two imports or an edit racing on the same keys: the transaction was rolled back.
        logger.warning("import job %s conflicted", job.pk, exc_info=True)
        errors, counts = ErrorList(), None
        errors.add("conflict")
    except Exception:
        logger.exception("import job %s failed", job.pk)
        errors, counts = ErrorList(), None
        errors.add("internal")
    _finish(job, errors=errors, counts=counts)


def import_job_abandon(*, job_id: int) -> None:
    """The job whose task gave up retrying (the database stayed away) fails and says so,
    rather than show "importing" for ever."""
    errors = ErrorList()
    errors.add("internal")
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).first()
    if job is not None:
        _finish(job, errors=errors, counts=None)


def _progress(job: ImportJob, percent: int) -> None:
    # Outside the write transaction, so the result page sees it while the worker goes on.
    ImportJob.objects.filter(pk=job.pk).update(progress=percent)


def _import(job: ImportJob):
    spec = SPECS[job.kind]
    errors = ErrorList()
    try:
        with job.file.open("rb") as file:
            raw = read_table(file, job.file_name)
    except UnreadableFile as unreadable:
        errors.add(unreadable.code, **unreadable.params)
        return errors, None
    ImportJob.objects.filter(pk=job.pk).update(row_count=len(raw), progress=20)

    errors = check_header(raw, known=spec.keys, required=spec.required)
    if errors:
        return errors, None

    present = {column for column in raw.columns if column in spec.keys}
    frame = raw[["_row"]].copy()
    for key in present:
        parsed = spec.column(key).parse(raw[key])
        frame[key] = parsed.values
        errors.add_rows(
            raw,
            parsed.errors.notna(),
            column=key,
            code=parsed.errors,
            value_from=key,
            **parsed.params,
        )
    _progress(job, 40)

    loader = LOADERS[job.kind](user=job.created_by, frame=frame, present=present, errors=errors)
    loader.check()
    if errors:
        return errors, None
    _progress(job, 60)

    with transaction.atomic():
        counts = loader.write()
    return errors, counts


def _finish(job: ImportJob, *, errors: ErrorList, counts) -> None:
    stored = [error.as_json() for error in errors.sorted()[:MAX_STORED_ERRORS]]
    failed = bool(errors)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.FAILED if failed else ImportJob.Status.SUCCEEDED,
        progress=100,
        errors=stored,
        error_count=len(errors),
        created_count=0 if failed else counts.created,
        updated_count=0 if failed else counts.updated,
        unchanged_count=0 if failed else counts.unchanged,
        finished_at=timezone.now(),
    )
