import datetime
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from crm import nightly
from crm.models import NightlyRun
from crm.nightly import NIGHTLY_STEPS
from crm.tasks import nightly_run
from tests.campaigns.factories import LoyaltyScoreFactory
from tests.conftest import conninfo, require

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
def test_a_run_whose_worker_died_is_taken_over_by_the_next_trigger():
    require(connection.vendor == "postgresql", "the night's lock is PostgreSQL's")
    NightlyRun.objects.create(
        run_date=NIGHT, task_id="killed", status=NightlyRun.Status.RUNNING, steps_done=["sessions"]
    )  # nobody holds the night's lock: the worker behind this run is gone

    assert nightly_run.apply(args=[NIGHT], task_id="admin").get() == "done"

    run = NightlyRun.objects.get()
    assert (run.task_id, run.status) == ("admin", NightlyRun.Status.DONE)


@pytest.mark.django_db
def test_a_trigger_leaves_a_night_that_a_live_worker_holds(monkeypatch):
    require(connection.vendor == "postgresql", "the night's lock is PostgreSQL's")
    monkeypatch.setattr(nightly, "NIGHTLY_LOCK_WAIT_SECONDS", 0.3)
    NightlyRun.objects.create(run_date=NIGHT, task_id="live", status=NightlyRun.Status.RUNNING)
    key = [nightly.NIGHTLY_LOCK_NAMESPACE, datetime.date.fromisoformat(NIGHT).toordinal()]
    with psycopg.connect(conninfo(connection.settings_dict)) as live_worker:
        live_worker.execute("SELECT pg_advisory_lock(%s, %s)", key)

        assert nightly_run.apply(args=[NIGHT], task_id="second-beat").get() == "skipped"

    run = NightlyRun.objects.get()
    assert (run.task_id, run.status, run.steps_done) == ("live", NightlyRun.Status.RUNNING, [])


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


def planner_rows(table: str) -> int:
    """How many rows the planner believes `table` holds."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        else:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [table])
        row = cursor.fetchone()
    return int(float(str(row[0]).split()[0])) if row else -1


@pytest.mark.django_db
def test_the_night_refreshes_the_statistics_of_what_it_rewrote_before_the_warm_up():
    LoyaltyScoreFactory.create_batch(3)
    steps = [name for name, _step in NIGHTLY_STEPS]

    nightly.statistics_refresh(run_date=datetime.date(2026, 11, 20))

    assert planner_rows("accounts_loyaltyscore") == 3
    assert steps.index("offers") < steps.index("statistics") < steps.index("reports")


def test_beat_schedules_the_night_at_two_in_tokyo():
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-run"]

    assert entry["task"] == nightly_run.name
    assert entry["schedule"].hour == {2}
    assert entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "Asia/Tokyo"


@pytest.mark.services
def test_a_real_worker_runs_the_night_over_redis(real_worker):
    result = nightly_run.apply_async(args=[NIGHT], ignore_result=False)  # results are off

    assert result.get(timeout=60) == "done", real_worker.log()
    run = NightlyRun.objects.get(run_date=NIGHT)
    assert run.status == NightlyRun.Status.DONE
    assert run.task_id == result.id
