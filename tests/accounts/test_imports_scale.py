"""Imports at scale: large files go through the Celery task, and an import's query count does
not grow with its rows."""

import sqlite3
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError, connection
from django.urls import reverse

from accounts import tasks
from accounts.imports import services
from accounts.imports.services import BACKGROUND_ROW_THRESHOLD, import_job_run
from accounts.models import Account, ImportJob, UsageRecord
from crm.celery import app as celery_app
from crm.users.models import Role
from tests.accounts.factories import SubscriptionFactory
from tests.accounts.import_files import csv_file, usage_rows
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def real_sqlite_parameter_limit(monkeypatch):
    """Django 5.2 assumes SQLite's old limit of 999 parameters a statement and splits bulk
    writes into batches of a few hundred rows there; this SQLite takes 32,766 (the default
    since 3.32), so the batch sizes match what PostgreSQL runs."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        monkeypatch.setattr(connection.features, "max_query_params", limit)


def subscriptions(owner, count):
    return [
        SubscriptionFactory(external_id=f"S-{n}", account__owner=owner).external_id
        for n in range(count)
    ]


@pytest.fixture
def embedded_celery():
    """Tasks run in-process as they are queued, as in the embedded mode (no broker set)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def test_a_file_over_the_threshold_is_imported_by_the_celery_task(
    client, rep, django_capture_on_commit_callbacks, embedded_celery
):
    ids = subscriptions(rep, 28)
    rows = usage_rows(ids, 360)  # 10,080 rows
    assert len(rows) - 1 > BACKGROUND_ROW_THRESHOLD
    client.force_login(rep)

    with (
        mock.patch.object(
            tasks.import_job_run, "apply_async", wraps=tasks.import_job_run.apply_async
        ) as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("imports:index"), {"kind": "usage", "file": csv_file(rows, name="usage.csv")}
        )

    job = ImportJob.objects.get()
    assert response.url == reverse("imports:detail", args=[job.pk])
    queued.assert_called_once_with(args=(job.pk,), kwargs={})
    assert (job.status, job.row_count, job.created_count, job.progress) == (
        "succeeded",
        10_080,
        10_080,
        100,
    )
    assert UsageRecord.objects.count() == 10_080


def test_the_result_page_of_a_running_job_polls_its_progress_with_htmx(client, rep):
    job = ImportJob.objects.create(
        kind="usage",
        file=ContentFile(b"", name="big.csv"),
        file_name="big.csv",
        created_by=rep,
        status=ImportJob.Status.RUNNING,
        progress=40,
    )
    client.force_login(rep)

    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("imports:progress", args=[job.pk])}"' in page
    assert 'value="40"' in page
    assert 'hx-trigger="every 1s"' in page

    partial = client.get(reverse("imports:progress", args=[job.pk]))
    assert 'value="40"' in partial.content.decode()
    assert "<html" not in partial.content.decode()

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.SUCCEEDED, progress=100)
    done = client.get(reverse("imports:progress", args=[job.pk]))
    assert done["HX-Redirect"] == reverse("imports:detail", args=[job.pk])


def test_a_redelivered_task_does_not_import_the_file_twice(rep):
    job = ImportJob.objects.create(
        kind="usage",
        file=ContentFile(b"x", name="u.csv"),
        file_name="u.csv",
        created_by=rep,
        status=ImportJob.Status.SUCCEEDED,
    )

    tasks.import_job_run.apply(args=[job.pk])

    job.refresh_from_db()
    assert (job.status, job.started_at) == ("succeeded", None)


def usage_job(user, ids, days):
    data = csv_file(usage_rows(ids, days)).read()
    return ImportJob.objects.create(
        kind="usage",
        file=ContentFile(data, name="usage.csv"),
        file_name="usage.csv",
        created_by=user,
    )


def accounts_job(user, owner, count, prefix):
    rows = [["external_id", "name", "industry", "growth_stage", "owner_email"]]
    rows += [
        [f"{prefix}-{n}", f"株式会社{prefix}{n}", "retail", "growth", owner.email]
        for n in range(count)
    ]
    return ImportJob.objects.create(
        kind="accounts",
        file=ContentFile(csv_file(rows).read(), name="a.csv"),
        file_name="a.csv",
        created_by=user,
    )


def test_a_usage_import_runs_the_same_queries_for_100_and_2000_rows(
    rep, django_assert_num_queries, real_sqlite_parameter_limit
):
    ids = subscriptions(rep, 20)
    small, large = usage_job(rep, ids[:10], 10), usage_job(rep, ids[10:], 200)

    # the job: claim, reload with its user, row count + 3 progress steps, finish (6); reads:
    # the subscriptions visible to the rep (1); the write, inside a savepoint pair (2): usage
    # rows in the file's dates before (1), the upsert (1), and after, for the counts (1)
    for job, rows in ((small, 100), (large, 2_000)):
        with django_assert_num_queries(12):
            import_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert (job.status, job.created_count) == ("succeeded", rows), job.errors


def test_an_accounts_import_runs_the_same_queries_for_100_and_2000_rows(
    manager, rep, django_assert_num_queries, real_sqlite_parameter_limit
):
    small, large = accounts_job(manager, rep, 100, "S"), accounts_job(manager, rep, 2_000, "L")

    # the job: claim, reload with its user, row count + 3 progress steps, finish (6); reads:
    # existing accounts by external id (1; none, so no visibility query), owners by email
    # (1), the manager's team members (1); the write, inside a savepoint pair (2): insert the
    # accounts (1) and their history rows (1)
    for job, rows in ((small, 100), (large, 2_000)):
        with django_assert_num_queries(13):
            import_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert (job.status, job.created_count) == ("succeeded", rows), job.errors
    assert Account.objects.count() == 2_100
    assert Account.history.count() == 2_100


@pytest.mark.parametrize("jobs", [1, 20])
def test_the_import_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, jobs):
    user = UserFactory(role=Role.MANAGER)
    for n in range(jobs):
        ImportJob.objects.create(
            kind="nps",
            file=ContentFile(b"", name=f"{n}.csv"),
            file_name=f"{n}.csv",
            created_by=user,
        )
    client.force_login(user)

    # session, user, the recent jobs
    with django_assert_num_queries(3):
        assert client.get(reverse("imports:index")).status_code == 200


@pytest.mark.parametrize("errors", [1, 500])
def test_the_result_page_runs_a_fixed_number_of_queries(
    client, rep, django_assert_num_queries, errors
):
    job = ImportJob.objects.create(
        kind="nps",
        file=ContentFile(b"", name="n.csv"),
        file_name="n.csv",
        created_by=rep,
        status=ImportJob.Status.FAILED,
        error_count=errors,
        errors=[
            {"row": n + 2, "column": "score", "code": "range", "params": {"min": 0, "max": 10}}
            for n in range(errors)
        ],
    )
    client.force_login(rep)

    # session, user, the job
    with django_assert_num_queries(3):
        page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert page.count("0から10までの数値を入力してください") == errors


@pytest.mark.services
def test_a_real_worker_imports_a_large_file_over_redis(client, real_worker):
    rep = UserFactory(role=Role.REP)
    ids = subscriptions(rep, 30)
    client.force_login(rep)

    response = client.post(
        reverse("imports:index"), {"kind": "usage", "file": csv_file(usage_rows(ids, 350))}
    )

    job = ImportJob.objects.get()
    deadline = time.monotonic() + 120
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.5)
        job.refresh_from_db()
    assert response.url == reverse("imports:detail", args=[job.pk])
    assert (job.status, job.created_count) == ("succeeded", 10_500), (job.errors, real_worker.log())
    assert UsageRecord.objects.count() == 10_500


@pytest.fixture
def retries_like_a_worker(monkeypatch):
    """An eager run raises a retry to its caller; a worker, and this, runs it."""
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)


@pytest.mark.usefixtures("retries_like_a_worker")
def test_a_lost_database_connection_retries_the_import_which_then_completes(rep, monkeypatch):
    """The connection drops in the middle of the write: the task retries, takes up the job it
    had claimed, and the retry imports every row once (not "importing" for ever)."""
    ids = subscriptions(rep, 3)
    job = usage_job(rep, ids, 4)
    real_import = services._import
    calls = []

    def connection_lost_once(job):
        calls.append(job.pk)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_import(job)

    monkeypatch.setattr(services, "_import", connection_lost_once)
    tasks.import_job_run.apply(args=[job.pk])

    job.refresh_from_db()
    assert len(calls) == 2
    assert (job.status, job.created_count) == ("succeeded", 12), job.errors
    assert UsageRecord.objects.filter(subscription__account__owner=rep).count() == 12


@pytest.mark.usefixtures("retries_like_a_worker")
def test_an_import_whose_database_stays_away_fails_instead_of_importing_for_ever(rep, monkeypatch):
    job = usage_job(rep, subscriptions(rep, 1), 2)

    def connection_lost(job):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "_import", connection_lost)
    result = tasks.import_job_run.apply(args=[job.pk])

    assert isinstance(result.result, OperationalError)
    job.refresh_from_db()
    assert job.status == "failed"
    assert [error["code"] for error in job.errors] == ["internal"]
    assert not UsageRecord.objects.filter(subscription__account__owner=rep).exists()
