"""Benchmark of the nightly warm-up of the reports' cache (not a test).

Runs the warm-up for today (every report's default view for each scope warmed) in this one
process and then, with `--workers N`, as the night does: one task per scope sent to a Celery
worker pool of N processes while this process warms scopes too. Then it times the first
visit of the day to each report as an administrator, a manager and a rep: what a user meets
the morning after. Run against a database seeded as for bench_reports; `--workers` needs a
Redis broker, whose next database is then the cache that the workers and this process share:

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python -m tests.benchmarks.bench_warmup --workers 2
"""

import argparse
import os
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=0, help="Celery worker processes")
    args = parser.parse_args()
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

    from .chain import worker_start

    print(f"{connection.vendor}, {Account.objects.count():,} accounts")
    cache.clear()
    result = reports_warm(today=timezone.localdate())
    print(
        f"warm-up in one process: {result.scopes} scopes, {result.entries} entries"
        f" in {result.seconds:.1f} s ({os.getloadavg()[0]:.1f} load)"
    )
    if args.workers:
        broker = os.environ["CELERY_BROKER_URL"]
        worker = worker_start(os.environ["DATABASE_URL"], concurrency=args.workers, broker=broker)
        try:
            cache.clear()
            result = reports_warm(today=timezone.localdate(), dispatch=True)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        print(
            f"warm-up with {args.workers} worker processes and this one: {result.scopes} scopes"
            f" in {result.seconds:.1f} s, {result.here} of them here"
            f" ({os.getloadavg()[0]:.1f} load)"
        )
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
