"""The benchmark's own PostgreSQL database, seeded once per scale, and the machine it runs on.

The database is `<name of DATABASE_URL's database>_bench<N>` on the same server: kept between
runs because seeding is the slow part (100k accounts ≈ 3 min, 1M ≈ 30 min), seeded again when
it holds another number of accounts or `--reseed` is asked. DATABASE_URL's own database is
never touched.
"""

import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def require_postgres_url(url: str | None = None) -> str:
    """`url`, DATABASE_URL's by default, if it is PostgreSQL's; else say so and stop."""
    url = os.environ.get("DATABASE_URL", "") if url is None else url
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "The benchmarks run on PostgreSQL only: set DATABASE_URL=postgres://user@host:5432/db "
            "(a database of its own, <db>_bench<N>, is created beside it on the same server)."
        )
    return url


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def bench_url(url: str, accounts: int) -> str:
    return with_database(url, f"{database_name(url)}_bench{accounts}")


def server_dsn(url: str) -> str:
    """The maintenance database of the same server, to create and drop databases from."""
    return with_database(url, "postgres")


def django_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a manage.py / worker / gunicorn process on the bench database:
    production settings (DEBUG off), no HTTPS redirect on loopback, no broker unless given."""
    env = {key: value for key, value in os.environ.items() if key != "CELERY_BROKER_URL"}
    env.update(
        {
            "DATABASE_URL": url,
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-for-a-loopback-server-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "HTTPS": "0",  # plain HTTP on 127.0.0.1; with TLS in front it would be on
            "DJANGO_SETTINGS_MODULE": "crm.settings",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


def manage(url: str, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=django_env(url, **extra),
        check=True,
        capture_output=True,
        text=True,
    )


def accounts_in(url: str) -> int | None:
    """How many accounts the database holds; None when it does not exist or is not migrated."""
    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM accounts_account").fetchone()[0]
    except psycopg.Error:
        return None


def database_prepare(url: str, *, accounts: int, reseed: bool = False, log=print) -> dict:
    """Create, migrate and seed the bench database unless it already holds `accounts`."""
    found = accounts_in(url)
    if found == accounts and not reseed:
        log(f"bench database {database_name(url)}: {found:,} accounts, kept")
        manage(url, "migrate", "--noinput")  # the code may have moved on since it was seeded
        return {"seeded": False}
    name = database_name(url)
    with psycopg.connect(server_dsn(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    log(f"bench database {name}: migrating and seeding {accounts:,} accounts…")
    manage(url, "migrate", "--noinput")
    started = time.perf_counter()
    output = manage(url, "seed_demo", "--accounts", str(accounts)).stdout
    seconds = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")  # the planner needs statistics after a bulk load
    log(output.strip())
    return {
        "seeded": True,
        "seed_seconds": round(seconds, 1),
        "vacuum_analyze_seconds": round(time.perf_counter() - started - seconds, 1),
    }


def row_counts(url: str) -> dict[str, int]:
    tables = [
        "accounts_account",
        "accounts_subscription",
        "accounts_usagerecord",
        "accounts_order",
        "accounts_orderline",
        "accounts_npsresponse",
        "accounts_activity",
        "accounts_contact",
    ]
    with psycopg.connect(url) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in tables
        }


def load_average() -> list[float]:
    return [float(value) for value in Path("/proc/loadavg").read_text().split()[:3]]


def machine(url: str) -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with psycopg.connect(url) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "postgresql": postgres,
        "python": platform.python_version(),
        "load_average_at_start": load_average(),
    }
