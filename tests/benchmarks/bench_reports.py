"""Benchmark of the report pages on a seeded PostgreSQL database (not a test).

Times each report page through Django's test client, as an administrator (every account),
a manager (their team's) and a rep (their book): first uncached (the cache cleared, so the
day's computation runs), then cached (the same day again), with the queries each made.
Run against a database seeded with `seed_demo --accounts 100000 --score-months 12` and
scored by `run_nightly`:

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python -m tests.benchmarks.bench_reports
"""

import os
import statistics
import time

RUNS = 3


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Account
    from crm.analytics.reports import REPORTS
    from crm.users.models import User

    print(f"{connection.vendor}, {Account.objects.count():,} accounts")
    client = Client(HTTP_HOST="127.0.0.1")
    print("| user | report | uncached median | uncached max | queries | cached median | queries |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for email in ("admin@example.com", "manager1@example.com", "rep1@example.com"):
        client.force_login(User.objects.get(email=email))
        for report in REPORTS:
            url = reverse(report.url_name)
            uncached, cached = [], []
            for _ in range(RUNS):
                cache.clear()
                for times in (uncached, cached):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        response = client.get(url)
                        times.append((time.perf_counter() - started, len(queries)))
                    assert response.status_code == 200, (url, response.status_code)
            print(
                f"| {email.split('@')[0]} | {report.slug} "
                f"| {statistics.median(t for t, _ in uncached) * 1000:,.0f} ms "
                f"| {max(t for t, _ in uncached) * 1000:,.0f} ms | {uncached[0][1]} "
                f"| {statistics.median(t for t, _ in cached) * 1000:,.0f} ms | {cached[0][1]} |"
            )


if __name__ == "__main__":
    main()
