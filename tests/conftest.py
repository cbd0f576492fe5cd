import os
import signal
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.cache import cache

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


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: the API's throttle counters, the reports' daily
    figures and the homes' at-risk lists are kept there per user and day, and on SQLite a
    rolled-back test gives its ids to the next one."""
    cache.clear()
    yield
    cache.clear()


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
    """A Celery worker process (and its pool children) in a process group of its own."""

    queue: str
    log_path: Path
    process: subprocess.Popen | None = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def pool_pids(self) -> list[int]:
        """The pool's child processes (prefork), read from /proc: these run the tasks."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill(self) -> None:
        """SIGKILL the whole worker at once, as when its machine or container dies."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_database_url(settings_dict: dict) -> str:
    """The DATABASE_URL of a database as Django's settings describe it (the test database)."""
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    return f"postgres://{settings_dict['USER']}{password}@{host}:{port}/{settings_dict['NAME']}"


def conninfo(settings_dict: dict) -> str:
    """A libpq connection string for a database as Django's settings describe it."""
    import psycopg

    return psycopg.conninfo.make_conninfo(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        dbname=settings_dict["NAME"],
    )


def worker_start(
    *,
    queue: str,
    log_path: Path,
    database_url: str,
    media_root: Path,
    pool: str = "solo",
    concurrency: int = 1,
    loglevel: str = "WARNING",
    env: dict[str, str] | None = None,
) -> RealWorker:
    """Start `celery worker` on `queue` in a new process group, so that a test may kill it
    whole without touching any other worker on the machine."""
    worker = RealWorker(queue=queue, log_path=log_path)
    with log_path.open("a") as log:
        worker.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "crm",
                "worker",
                "--pool",
                pool,
                "--concurrency",
                str(concurrency),
                "--queues",
                queue,
                "--loglevel",
                loglevel,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DEBUG": "1",
                "DATABASE_URL": database_url,
                "MEDIA_ROOT": str(media_root),
                "CELERY_QUEUE": queue,  # what its own tasks send (the night's chunks) stays here
                **(env or {}),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return worker


@contextmanager
def default_queue(queue: str):
    """Make `queue` the app's default queue while the block runs: tasks the code under test
    sends go to the test's own workers only, and the code needs no change."""
    from crm.celery import app

    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_default_queue = previous


def require_worker_services() -> None:
    from django.db import connection

    require(connection.vendor == "postgresql", "needs DATABASE_URL on PostgreSQL")
    require(
        os.environ.get("CELERY_BROKER_URL", "").startswith("redis"),
        "needs CELERY_BROKER_URL on Redis",
    )


@pytest.fixture
def real_worker(transactional_db, tmp_path, settings):
    """A real Celery worker in its own process, over Redis, on the test database.

    It listens on a queue of its own, made the app's default while the test runs, so that no
    other worker on the broker takes the test's tasks and the code under test needs no change.
    Needs PostgreSQL (the worker must see the test's committed rows) and Redis.
    """
    from django.db import connection

    require_worker_services()
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads this test makes, read by the worker
    worker = worker_start(
        queue=f"test-{uuid.uuid4().hex[:8]}",
        log_path=tmp_path / "worker.log",
        database_url=worker_database_url(connection.settings_dict),
        media_root=settings.MEDIA_ROOT,
    )
    try:
        with default_queue(worker.queue):
            yield worker
    finally:
        worker.stop()
