"""The benchmark tooling itself, at a tiny scale, so that `make bench` does not rot.

60 demo accounts in the test database: the nightly chain run and timed by the bench's own
runner (a process of its own), the floor script giving the very same scores, the naive loop
writing the same scores, and gunicorn started, timed and stopped with production settings.
The figures themselves are `make bench`'s business (docs/benchmarks.md), not this test's.
"""

import datetime

import pytest
import requests
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from crm.users.models import User
from tests.benchmarks import chain, floor_scoring, pages, server
from tests.conftest import require
from tests.opportunities.factories import ensure_default_checklist

pytestmark = pytest.mark.django_db(transaction=True)


def database_url() -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}"
        f":{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.fixture
def demo_world():
    require(connection.vendor == "postgresql", "needs DATABASE_URL on PostgreSQL")
    ensure_default_checklist()  # the demo hearings need it; an earlier flush may have taken it
    call_command("seed_demo", accounts=60, stdout=None)
    return database_url()


def test_the_chain_its_floor_and_naive_loop_agree_and_gunicorn_serves(demo_world):
    run_date = timezone.localdate()
    as_of = run_date - datetime.timedelta(days=1)

    result = chain.chain_run(demo_world, run_date=run_date)

    assert set(result["steps"]) == {
        "sessions",
        "login_attempts",
        "score",
        "watch_conditions",
        "offers",
        "publish",
        "statistics",
        "reports",
    }
    assert result["accounts_scored"] == result["scores"] > 40
    assert result["peak_rss_mb"] > 0

    floor = floor_scoring.floor_run(demo_world, as_of)
    compared = floor_scoring.floor_compare(demo_world, as_of)
    assert floor["accounts"] == result["scores"]
    # the same scores to the last digit, tiers and flags: the floor does the same work
    assert compared["identical"] == compared["both"] == result["scores"]
    assert compared["same"]

    naive = chain.naive_run(sample=5, as_of=as_of)
    assert naive["accounts"] == 5
    assert naive["same_scores"]

    gunicorn_serves_the_bench_pages_and_stops(demo_world)


def gunicorn_serves_the_bench_pages_and_stops(demo_world):
    # in the same test: a transactional test's flush takes the migrations' data (the hearing
    # checklist) with it, and the demo data cannot be seeded again without it
    user = User.objects.get(email=pages.ADMIN)
    token = Token.objects.create(user=user)
    api_lists = [
        pages.Page("API accounts (admin)", pages.ADMIN, "/api/v1/accounts/"),
        pages.Page("API loyalty scores (admin)", pages.ADMIN, "/api/v1/loyalty-scores/"),
    ]
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token.key}"

    with server.gunicorn(demo_world, workers=1) as base:
        timings = pages.pages_time(base, api_lists, runs=3, sessions={pages.ADMIN: session})
        assert requests.get(f"{base}/api/v1/accounts/", timeout=10).status_code == 401

    assert {name: row["runs"] for name, row in timings.items()} == {
        "API accounts (admin)": 3,
        "API loyalty scores (admin)": 3,
    }
    assert all(0 < row["p50_ms"] <= row["p99_ms"] for row in timings.values())
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base}/api/v1/accounts/", timeout=5)  # stopped
    counts = pages.pages_count_queries(api_lists)
    assert all(0 < count < 10 for count in counts.values())
