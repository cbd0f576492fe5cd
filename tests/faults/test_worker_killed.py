"""Drill: SIGKILL a worker while it is writing a chunk of the night's scores.

Either way the night completes, and its scores and offer cards are exactly those of a clean
run on the same data: nothing missing, nothing twice.
"""

import os
import signal

import pytest
from django.core.management import call_command

from crm.models import NightlyRun
from crm.tasks import nightly_run

from .conftest import (
    NIGHT,
    NIGHT_ISO,
    chunks_lay_out,
    night_done,
    night_outputs,
    night_reference,
    score_writes_held,
    wait_until,
    worker_logs,
)

pytestmark = pytest.mark.services


def test_a_pool_process_killed_mid_chunk_hands_the_night_back_and_it_completes(
    start_worker, seeded, test_dsn
):
    """The OOM killer's case: the pool process dies, the worker lives. acks_late and
    reject_on_worker_lost put the message back at once; the redelivery resumes the night."""
    worker = start_worker(pool="prefork", concurrency=1)  # starts while the reference runs
    reference = night_reference(test_dsn)
    chunks_lay_out()
    logs = worker_logs([worker])

    with score_writes_held(test_dsn) as held:
        nightly_run.delay(NIGHT_ISO)
        held.writer_waiting(log=logs)
        (pool_process,) = worker.pool_pids()
        os.kill(pool_process, signal.SIGKILL)

    wait_until(night_done(test_dsn), timeout=90, what="the redelivered night", log=logs)
    assert night_outputs(test_dsn) == reference
    assert "WorkerLostError" in worker.log()  # it was really killed mid-task
    run = NightlyRun.objects.get(run_date=NIGHT)
    assert run.error == ""


def test_a_whole_worker_killed_mid_chunk_leaves_a_night_the_next_trigger_takes_over(
    start_worker, seeded, test_dsn
):
    """The lost machine's case: worker and pool die together and the broker keeps the message
    for the visibility timeout (two hours). A new worker does the queued chunks, and the next
    trigger of the night (`manage.py run_nightly`) takes the dead run over at once: the dead
    worker's connection, and with it the night's lock, is gone."""
    first = start_worker()
    reference = night_reference(test_dsn)
    chunks_lay_out()

    with score_writes_held(test_dsn) as held:
        nightly_run.delay(NIGHT_ISO)
        held.writer_waiting(log=worker_logs([first]))
        first.kill()

    assert NightlyRun.objects.get(run_date=NIGHT).status == NightlyRun.Status.RUNNING
    second = start_worker()
    call_command("run_nightly", date=NIGHT)

    wait_until(
        night_done(test_dsn), timeout=90, what="the night taken over", log=worker_logs([second])
    )
    assert night_outputs(test_dsn) == reference
    assert "Traceback" not in second.log()
