"""Benchmark of the manager's and the CS home, and the full at-risk list, on a seeded
PostgreSQL database (not a test).

In process (the default), each page is loaded through Django's test client: once with the
cache emptied (the day's first visit when the night's warm-up has not run), then RUNS times
after one warm-up request, with the queries it made; the slowest of RUNS stands for the p99 a
user meets. With --gunicorn, the same pages are asked of gunicorn with production settings,
as the pages phase of `make bench` does: p50 / p99 of RUNS requests, after 9 of each page
that warm every worker (set CACHE_URL to a Redis database so that the workers share the
cache, as in production). Pages a version of the code does not have (the at-risk list
before it existed) are left out, so that the same script measures before and after. Run
against a database seeded with `seed_demo --accounts 100000 --score-months 12` and scored by
`run_nightly`:

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python -m tests.benchmarks.bench_homes [--runs 20] [--gunicorn]
"""

import argparse
import os
import statistics
import time

MANAGER, CS = "manager1@example.com", "cs1@example.com"
PAGES = [
    (MANAGER, "home_manager"),
    (CS, "home_cs"),
    (MANAGER, "at_risk"),
    (CS, "at_risk"),
]


def pages_present() -> list[tuple[str, str, str]]:
    """(user, URL name, path) of the PAGES this version of the code has."""
    from django.urls import NoReverseMatch, reverse

    present = []
    for email, name in PAGES:
        try:
            present.append((email, name, reverse(name)))
        except NoReverseMatch:
            continue
    return present


def in_process(runs: int) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Account
    from crm.users.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    print(f"| user | page | visible accounts | first visit | median | max of {runs} | queries |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for email, name, url in pages_present():
        user = User.objects.get(email=email)
        client.force_login(user)
        cache.clear()
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        first = time.perf_counter() - started
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"| {email.split('@')[0]} | {name} "
            f"| {Account.objects.visible_to(user).count():,} | {first * 1000:,.0f} ms "
            f"| {statistics.median(times) * 1000:,.0f} ms | {max(times) * 1000:,.0f} ms "
            f"| {len(queries)} |"
        )


def through_gunicorn(runs: int) -> None:
    from .pages import Page, pages_time
    from .server import collectstatic, gunicorn, logged_in

    url = os.environ["DATABASE_URL"]
    pages = [
        Page(f"{name} ({email.split('@')[0]})", email, path)
        for email, name, path in pages_present()
    ]
    collectstatic(url)
    with gunicorn(url) as base:
        sessions = {email: logged_in(base, email) for email in {page.user for page in pages}}
        # Each of the 3 workers' first request loads templates and catalogues (~1 s on the
        # shared machine): answered here, so that it does not land in the first page timed.
        pages_time(base, pages, runs=9, sessions=sessions)
        results = pages_time(base, pages, runs=runs, sessions=sessions)
    print(f"| page | p50 | p99 of {runs} |")
    print("| --- | ---: | ---: |")
    for name, result in results.items():
        print(f"| {name} | {result['p50_ms']:,.0f} ms | {result['p99_ms']:,.0f} ms |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--gunicorn", action="store_true", help="time the pages through gunicorn")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from django.db import connection

    from accounts.models import Account

    print(f"{connection.vendor}, {Account.objects.count():,} accounts")
    if args.gunicorn:
        through_gunicorn(args.runs)
    else:
        in_process(args.runs)


if __name__ == "__main__":
    main()
