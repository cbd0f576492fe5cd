import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from crm.models import NightlyRun
from crm.nightly import NIGHTLY_STEPS
from crm.tasks import nightly_run

ROOT = Path(__file__).resolve().parents[2]
NIGHT = "2026-11-20"


@pytest.mark.django_db
def test_two_triggers_for_one_night_run_it_once():
    first = nightly_run.apply(args=[NIGHT], task_id="beat-1").get()
    second = nightly_run.apply(args=[NIGHT], task_id="beat-2").get()

    assert (first, second) == ("done", "skipped")
    run = NightlyRun.objects.get()
    assert run.task_id == "beat-1"
    assert run.status == NightlyRun.Status.DONE
    assert run.steps_done == [name for name, _step in NIGHTLY_STEPS]


@pytest.mark.django_db
def test_a_redelivered_run_resumes_after_the_last_finished_step():
    NightlyRun.objects.create(
        run_date=NIGHT, task_id="killed", status=NightlyRun.Status.RUNNING, steps_done=["sessions"]
    )

    assert nightly_run.apply(args=[NIGHT], task_id="killed").get() == "done"

    run = NightlyRun.objects.get()
    assert run.steps_done == [name for name, _step in NIGHTLY_STEPS]
    assert run.status == NightlyRun.Status.DONE


@pytest.mark.django_db
def test_a_failed_run_can_be_taken_over_by_a_new_trigger():
    NightlyRun.objects.create(
        run_date=NIGHT, task_id="old", status=NightlyRun.Status.FAILED, error="boom"
    )

    assert nightly_run.apply(args=[NIGHT], task_id="retry").get() == "done"

    run = NightlyRun.objects.get()
    assert (run.task_id, run.status, run.error) == ("retry", NightlyRun.Status.DONE, "")


@pytest.mark.django_db
def test_the_night_purges_expired_sessions_only():
    now = timezone.now()
    Session.objects.create(
        session_key="old", session_data="", expire_date=now - datetime.timedelta(hours=1)
    )
    Session.objects.create(
        session_key="live", session_data="", expire_date=now + datetime.timedelta(hours=1)
    )

    nightly_run.apply(args=[NIGHT])

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def test_beat_schedules_the_night_at_two_in_tokyo():
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-run"]

    assert entry["task"] == nightly_run.name
    assert entry["schedule"].hour == {2}
    assert entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Asia/Tokyo"


@pytest.mark.services
def test_a_real_worker_runs_the_night_over_redis(real_worker):
    result = nightly_run.delay(NIGHT)

    assert result.get(timeout=60) == "done", real_worker.log()
    run = NightlyRun.objects.get(run_date=NIGHT)
    assert run.status == NightlyRun.Status.DONE
    assert run.task_id == result.id
