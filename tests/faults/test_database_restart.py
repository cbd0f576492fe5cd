"""Drill: PostgreSQL restarts while a worker is writing the night's scores.

The shared cluster on port 5432 is never touched: the drill starts a private cluster of its
own (initdb in a temporary folder, on a free port), copies the test database into it, runs
a real worker on it and restarts that cluster under the worker. The task must retry (Celery
autoretry on a lost connection, a fresh connection for the retry) and finish the night with
exactly the rows of a clean run.
"""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

from crm.tasks import nightly_run
from tests.conftest import require

from .conftest import (
    NIGHT_ISO,
    chunks_lay_out,
    night_done,
    night_outputs,
    night_reference,
    night_status,
    score_writes_held,
    wait_until,
    worker_logs,
)

pytestmark = pytest.mark.services

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateCluster:
    """A throwaway PostgreSQL cluster: no fsync, trust auth, 127.0.0.1 on a port of its own."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="crm-faults-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        # initdb refuses to run as root: the cluster then belongs to the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.root, "postgres")

    def pg(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_user, str(PG_BIN / tool), *args],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        self.pg("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.pg("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options,
                "-w", "start")  # fmt: skip

    def restart(self) -> float:
        started = time.monotonic()
        # -l: the new postmaster must not inherit (and hold open) our captured output
        self.pg("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-m", "fast", "-w",
                "restart")  # fmt: skip
        return time.monotonic() - started

    def stop(self) -> None:
        try:
            self.pg("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def dsn(self, dbname: str = "crm") -> str:
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def url(self, dbname: str = "crm") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def copy_in(self, settings_dict: dict) -> None:
        """Schema and rows of the (committed) test database, into a database "crm" here."""
        source = [
            "pg_dump",
            "--no-owner",
            "--no-privileges",
            "-h",
            settings_dict["HOST"] or "127.0.0.1",
            "-p",
            str(settings_dict["PORT"] or 5432),
            "-U",
            settings_dict["USER"],
            settings_dict["NAME"],
        ]
        env = {**os.environ, "PGPASSWORD": settings_dict["PASSWORD"] or ""}
        subprocess.run(
            ["psql", "-q", "-d", self.dsn("postgres"), "-c", "CREATE DATABASE crm"], check=True
        )
        dump = subprocess.run(source, check=True, capture_output=True, env=env, timeout=120)
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.dsn()],
            input=dump.stdout,
            check=True,
            capture_output=True,
            timeout=120,
        )


@pytest.fixture
def private_cluster():
    require((PG_BIN / "initdb").exists(), f"needs PostgreSQL's initdb in {PG_BIN} (PG_BIN)")
    require(shutil.which("pg_dump") is not None, "needs pg_dump and psql")
    cluster = PrivateCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


def test_the_night_retries_through_a_database_restart_and_completes(
    start_worker, private_cluster, seeded, test_dsn
):
    chunks_lay_out()
    private_cluster.copy_in(connection.settings_dict)  # the data and its ledger, no outputs yet
    worker = start_worker(database_url=private_cluster.url(), loglevel="INFO")
    logs = worker_logs([worker])
    reference = night_reference(test_dsn)  # in-process, on the test database
    private = private_cluster.dsn()

    with score_writes_held(private) as held:
        nightly_run.delay(NIGHT_ISO)
        held.writer_waiting(log=logs)
        restart_seconds = private_cluster.restart()  # drops every session, the held one too

    wait_until(night_done(private), timeout=90, what="the night after the restart", log=logs)
    assert night_outputs(private) == reference
    log = worker.log()
    assert re.search(r"nightly_run\[[^]]+\] retry: Retry in 5s", log), log  # failed, retried
    assert restart_seconds < 10
    assert night_status(private) == "done"
