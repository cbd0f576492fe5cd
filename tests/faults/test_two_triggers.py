"""Drill: two beat triggers for one night, taken by two worker processes at the same time."""

import pytest

from crm.models import NightlyRun
from crm.tasks import nightly_run

from .conftest import (
    NIGHT,
    NIGHT_ISO,
    chunks_lay_out,
    night_outputs,
    night_reference,
    score_writes_held,
    wait_until,
    worker_logs,
)

pytestmark = pytest.mark.services


def test_two_beats_on_two_workers_run_the_night_once(start_worker, seeded, test_dsn):
    workers = [start_worker(), start_worker()]
    reference = night_reference(test_dsn)
    chunks_lay_out()
    logs = worker_logs(workers)

    # Both beats fire together and each idle worker takes one. The winner's run is held
    # mid-chunk, so the loser is surely turned away while that run is going on.
    with score_writes_held(test_dsn) as held:
        beats = [nightly_run.apply_async(args=[NIGHT_ISO], ignore_result=False) for _ in "ab"]
        held.writer_waiting(log=logs)
        (loser,) = wait_until(
            lambda: [beat for beat in beats if beat.ready()],
            timeout=60,
            what="the second beat to give way",
            log=logs,
        )
        assert loser.get() == "skipped"
    (winner,) = (beat for beat in beats if beat is not loser)
    assert winner.get(timeout=60) == "done", logs()

    run = NightlyRun.objects.get()
    assert (run.run_date, run.task_id, run.status) == (NIGHT, winner.id, NightlyRun.Status.DONE)
    assert night_outputs(test_dsn) == reference
