"""Benchmark of the whitespace grid on a seeded PostgreSQL database (not a test).

Times the page (50 accounts and the totals over every filtered account, rendered) and the
CSV and Excel exports of the whole filtered grid, as an administrator (every account) and as
a manager (their teams' accounts), through the test client: what a browser waits for, less
the network. Run against a database seeded with `seed_demo --accounts 100000` and scored
with `run_nightly`:

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python -m tests.benchmarks.bench_whitespace
"""

import os
import statistics
import time

FILTERS = {
    "no filter": {},
    "any eligible cell": {"state": "any_eligible"},
    "add-ons held back": {"family": "add_ons", "state": "held"},
}
RUNS = 3


def timed(call, runs: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times), result


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from accounts.models import Account
    from crm.users.models import User
    from opportunities.models import OfferRuleHit

    print(
        f"{connection.vendor}, {Account.objects.count():,} accounts, "
        f"{OfferRuleHit.objects.count():,} rule hits"
    )
    setup_test_environment()  # the responses carry their context
    client = Client(HTTP_HOST="localhost")
    for email in ("admin@example.com", "manager1@example.com"):
        client.force_login(User.objects.get(email=email))
        for name, query in FILTERS.items():

            def page(query=query):
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(reverse("opportunities:whitespace:grid"), query)
                assert response.status_code == 200
                return response.context["grid"].page.paginator.count, len(queries)

            median, worst, (count, queries) = timed(page, RUNS)
            print(
                f"{email:<22} {name:<20} page   {count:>7,} accounts  {queries} queries  "
                f"median {median * 1000:6.0f} ms  max {worst * 1000:6.0f} ms"
            )
            for fmt in ("csv", "xlsx"):

                def export(query=query, fmt=fmt):
                    url = reverse("opportunities:whitespace:export", args=[fmt])
                    with CaptureQueriesContext(connection) as queries:
                        response = client.get(url, query)
                        body = (
                            b"".join(response.streaming_content)
                            if response.streaming
                            else response.content
                        )
                    return len(body), len(queries)

                median, worst, (size, queries) = timed(export, 1)
                print(
                    f"{email:<22} {name:<20} {fmt:<6} {size / 1e6:7.1f} MB     {queries} queries  "
                    f"{median:6.1f} s"
                )


if __name__ == "__main__":
    main()
