"""Benchmark of the nightly warm-up of the reports' cache (not a test).

Runs the warm-up for today (every report's default view for each scope warmed), then times
the first visit of the day to each report as an administrator, a manager and a rep: what a
user meets the morning after. Run against a database seeded as for bench_reports:

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python -m tests.benchmarks.bench_warmup
"""

import os
import time


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Account
    from crm.analytics.reports import REPORTS
    from crm.analytics.warmup import reports_warm
    from crm.users.models import User

    print(f"{connection.vendor}, {Account.objects.count():,} accounts")
    cache.clear()
    result = reports_warm(today=timezone.localdate())
    print(f"warm-up: {result.scopes} scopes, {result.entries} entries in {result.seconds:.1f} s")
    client = Client(HTTP_HOST="127.0.0.1")
    # the process's first page loads the templates and catalogues: not what a user waits for
    client.force_login(User.objects.get(email="rep2@example.com"))
    client.get(reverse(REPORTS[0].url_name))
    print("| user | report | first visit of the day | queries |")
    print("| --- | --- | ---: | ---: |")
    for email in ("admin@example.com", "manager1@example.com", "rep1@example.com"):
        client.force_login(User.objects.get(email=email))
        for report in REPORTS:
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(reverse(report.url_name))
                elapsed = time.perf_counter() - started
            assert response.status_code == 200
            print(
                f"| {email.split('@')[0]} | {report.slug} | {elapsed * 1000:,.0f} ms "
                f"| {len(queries)} |"
            )


if __name__ == "__main__":
    main()
