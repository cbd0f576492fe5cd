"""Reads for the import pages, scoped to the user who uploaded."""

from typing import Any

from django.db.models import QuerySet

from accounts.models import ImportJob
from crm.users.models import User

from .errors import error_message
from .specs import SPECS, import_kinds_for


def import_jobs_of(*, user: User) -> QuerySet[ImportJob]:
    """The user's own imports, newest first (a job's errors can quote other people's data)."""
    return ImportJob.objects.filter(created_by=user).defer("errors")


def import_job_errors(*, job: ImportJob) -> list[dict[str, Any]]:
    """The job's stored errors with their messages in the active language."""
    return [{**error, "message": error_message(error)} for error in job.errors]


def import_specs_for(*, user: User) -> list[dict[str, Any]]:
    """What the import page documents: each kind the user may import and its columns."""
    kinds = import_kinds_for(user)
    labels = dict(ImportJob.Kind.choices)
    return [{"kind": kind, "label": labels[kind], "spec": SPECS[kind]} for kind in kinds]
