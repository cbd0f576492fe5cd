"""Drill: the broker is down (a closed port: every connection is really refused).

Every page that queues work answers at once with its normal page or redirect and tells the
user, in their language, that the work could not be started; nothing is left half-done; the
other pages do not notice. Runs anywhere: it needs no Redis, only a port nobody listens on.
"""

import socket
import time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from accounts.imports.services import BACKGROUND_ROW_THRESHOLD
from accounts.models import ImportJob, UsageRecord
from crm.celery import app
from crm.models import NightlyRun
from tests.accounts.factories import SubscriptionFactory
from tests.accounts.import_files import csv_file, usage_rows

NOT_QUEUED = {
    "ja": "バックグラウンド処理のサービスが利用できないため、開始できませんでした。",
    "en": "The background service is unavailable, so this could not be started.",
}
# Publishing gives up after ~0.6 s on a refused port (three tries, settings
# CELERY_TASK_PUBLISH_RETRY_POLICY); the import page spends ~1 s more reading the 10,000-row
# file, 3.5 s on a loaded machine. Before the fix the page waited 19 s on the result store
# and then failed with a 500.
FAST = 10.0


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: refused from now on


@pytest.fixture
def broker_down(settings, tmp_path, monkeypatch):
    """Point the app's broker at a closed port for the test, with real publishing (not the
    in-process mode) and no cached connection to the real broker."""
    settings.MEDIA_ROOT = tmp_path
    saved = {
        "broker_url": app.conf.broker_url,
        "task_always_eager": app.conf.task_always_eager,
    }
    pools = (app._pool, app.amqp._producer_pool)
    down = f"redis://127.0.0.1:{closed_port()}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", down)  # Celery reads it before its own setting
    app.conf.broker_url = down
    app.conf.task_always_eager = False
    app._pool = app.amqp._producer_pool = None
    try:
        yield
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.update(saved)
        app._pool, app.amqp._producer_pool = pools


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


@pytest.mark.django_db(transaction=True)  # the job is queued on commit, as on a real request
def test_a_large_import_is_not_queued_and_the_user_is_told(client, rep, broker_down):
    ids = [SubscriptionFactory(external_id=f"S-{n}", account__owner=rep).external_id for n in "ab"]
    rows = usage_rows(ids, BACKGROUND_ROW_THRESHOLD // 2 + 1)  # just over the threshold
    client.force_login(rep)

    response, seconds = timed(
        lambda: client.post(
            reverse("imports:index"), {"kind": "usage", "file": csv_file(rows, name="u.csv")}
        )
    )

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:detail", args=[job.pk])
    assert seconds < FAST
    assert (job.status, job.progress, job.created_count) == (ImportJob.Status.FAILED, 100, 0)
    assert job.errors == [{"row": None, "column": None, "code": "not_queued", "params": {}}]
    assert UsageRecord.objects.count() == 0  # nothing half-imported
    for language in ("ja", "en"):
        rep.preferred_language = language
        rep.save()
        page = client.get(response.url)
        assert page.status_code == 200
        assert NOT_QUEUED[language] in page.content.decode()


@pytest.mark.django_db
def test_run_selected_tasks_in_the_admin_answers_with_a_message(client, admin_user, broker_down):
    task = PeriodicTask.objects.create(
        name="nightly-run",
        task="crm.tasks.nightly_run",
        crontab=CrontabSchedule.objects.create(hour="2", minute="0"),
    )
    client.force_login(admin_user)
    changelist = reverse("admin:django_celery_beat_periodictask_changelist")

    response, seconds = timed(
        lambda: client.post(
            changelist, {"action": "run_tasks", "_selected_action": [task.pk]}, follow=True
        )
    )

    assert response.status_code == 200
    assert seconds < FAST
    assert NOT_QUEUED["ja"] in response.content.decode()
    assert not NightlyRun.objects.exists()


def test_run_nightly_says_the_broker_is_unavailable(broker_down):
    with pytest.raises(CommandError, match="broker is unavailable"):
        call_command("run_nightly", date=None)


@pytest.mark.django_db
def test_ordinary_pages_do_not_notice(client, admin_user, broker_down):
    client.force_login(admin_user)

    for url in (
        "home",
        "home_admin",
        "imports:index",
        "accounts:list",
        "admin:index",
        "admin:crm_nightlyrun_changelist",
        "admin:django_celery_beat_periodictask_changelist",
    ):
        response, seconds = timed(lambda url=url: client.get(reverse(url), follow=True))

        assert response.status_code == 200, url
        assert seconds < FAST, url
