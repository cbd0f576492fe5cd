import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from crm.users.models import Role
from tests.permission_matrix import build_world
from tests.users.factories import TeamFactory, UserFactory

IN_CI = bool(os.environ.get("CI"))
ROOT = Path(__file__).resolve().parents[1]


def require(condition: bool, reason: str) -> None:
    """Skip when a real service or tool is missing locally; in CI its absence is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def team_a(db):
    return TeamFactory(name="Team A", manager=UserFactory(role=Role.MANAGER))


@pytest.fixture
def team_b(db):
    return TeamFactory(name="Team B", manager=UserFactory(role=Role.MANAGER))


@pytest.fixture
def rep(team_a):
    return UserFactory(role=Role.REP, team=team_a)


@pytest.fixture
def manager(team_a):
    return team_a.manager


@pytest.fixture
def cs_user(team_a):
    return UserFactory(role=Role.CUSTOMER_SUCCESS, team=team_a)


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def world(db):
    """The permission matrix's world (tests/permission_matrix.py); tests/opportunities and
    some modules have a smaller `world` of their own."""
    return build_world()


@dataclass
class RealWorker:
    """A Celery worker process started by the `real_worker` fixture."""

    queue: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def real_worker(transactional_db, tmp_path, settings):
    """A real Celery worker in its own process, over Redis, on the test database.

    It listens on a queue of its own, made the app's default while the test runs, so that no
    other worker on the broker takes the test's tasks and the code under test needs no change.
    Needs PostgreSQL (the worker must see the test's committed rows) and Redis.
    """
    from django.db import connection

    from crm.celery import app

    require(connection.vendor == "postgresql", "needs DATABASE_URL on PostgreSQL")
    require(
        os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
        "needs CELERY_BROKER_URL on Redis",
    )
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads this test makes, read by the worker
    worker = RealWorker(queue=f"test-{uuid.uuid4().hex[:8]}", log_path=tmp_path / "worker.log")
    with worker.log_path.open("w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "crm",
                "worker",
                "--pool",
                "solo",
                "--queues",
                worker.queue,
                "--loglevel",
                "WARNING",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DEBUG": "1",
                "DATABASE_URL": f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}",
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = worker.queue
    try:
        yield worker
    finally:
        app.conf.task_default_queue = default_queue
        process.terminate()
        process.wait(timeout=30)
