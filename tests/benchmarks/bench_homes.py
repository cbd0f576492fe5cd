"""Benchmark of the manager's and the CS home on a seeded PostgreSQL database (not a test).

Each page is loaded through Django's test client RUNS times after one warm-up request, with
the queries it made; the slowest of 20 stands for the p99 a user meets. Run against a
database seeded with `seed_demo --accounts 100000 --score-months 12` and scored by
`run_nightly`:

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python -m tests.benchmarks.bench_homes
"""

import os
import statistics
import time

RUNS = 20
PAGES = [("manager1@example.com", "home_manager"), ("cs1@example.com", "home_cs")]


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Account
    from crm.users.models import User

    print(f"{connection.vendor}, {Account.objects.count():,} accounts")
    client = Client(HTTP_HOST="127.0.0.1")
    print("| user | page | visible accounts | median | max of 20 | queries |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for email, name in PAGES:
        user = User.objects.get(email=email)
        client.force_login(user)
        url = reverse(name)
        assert client.get(url).status_code == 200
        times = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"| {email.split('@')[0]} | {name} "
            f"| {Account.objects.visible_to(user).count():,} "
            f"| {statistics.median(times) * 1000:,.0f} ms | {max(times) * 1000:,.0f} ms "
            f"| {len(queries)} |"
        )


if __name__ == "__main__":
    main()
