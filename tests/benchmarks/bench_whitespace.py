"""Benchmark of the whitespace grid on a seeded PostgreSQL database (not a test).

What a user waits for, less the network, through Django's test client:

- the page (50 accounts, their cells and the totals over every filtered account, rendered)
  for an administrator (every account), a manager (their teams' accounts) and a rep (their
  book), with and without filters: RUNS loads after one warm-up, median and slowest, and the
  queries it made (counted in a separate load, so that counting costs nothing in the times).
  Where the page asks for its totals row apart (hx-get), that request is timed as well, and
  "page + totals" is the median of the two one after the other, as the browser asks them;
- the CSV and Excel exports of the whole filtered grid: the time to the first row (a CSV
  is streamed: the browser starts saving it then) and to the last, the size and the queries.

Run against a database seeded with `seed_demo --accounts 100000 --score-months 12` and
scored with `run_nightly`:

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python -m tests.benchmarks.bench_whitespace [--runs 10] [--only page,export]

It reads only URLs, so the same file measures an older checkout of the code too (run it with
PYTHONPATH pointing at that checkout).
"""

import argparse
import html
import os
import re
import statistics
import time

USERS = ("admin@example.com", "manager1@example.com", "rep1@example.com")
FILTERS = {
    "no filter": {},
    "page 3": {"page": "3"},
    "low loyalty": {"tier": "low"},
    "any eligible cell": {"state": "any_eligible"},
    "declined": {"state": "declined"},
    "add-ons held back": {"family": "add_ons", "state": "held"},
}
# The exports of the whole grid, and of a state filter's rows (before: 26 s and 54 s each).
EXPORTS = ("no filter", "any eligible cell")
COUNT = re.compile(rb'data-testid="grid-count">\s*([\d,]+)')
TOTALS = re.compile(rb'data-testid="grid-totals"[^>]*hx-get="([^"]+)"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="page loads per filter")
    parser.add_argument("--only", default="page,export", help="page, export or both")
    parser.add_argument("--users", default=",".join(USERS))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    import crm
    from accounts.models import Account
    from crm.users.models import User
    from opportunities.models import OfferRuleHit

    print(
        f"{connection.vendor}, {Account.objects.count():,} accounts, "
        f"{OfferRuleHit.objects.count():,} rule hits, code in {os.path.dirname(crm.__path__[0])}"
    )
    load = os.getloadavg()
    print(f"load average {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}")
    client = Client(HTTP_HOST="localhost")
    grid = reverse("opportunities:whitespace:grid")
    only = set(args.only.split(","))
    if "page" in only:
        print(
            "| user | filter | accounts | page p50 | slowest | queries | totals apart p50 "
            "| slowest | page + totals p50 |"
        )
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for email in args.users.split(","):
        client.force_login(User.objects.get(email=email))
        who = email.split("@")[0]
        for name, query in FILTERS.items():
            if "page" not in only:
                break
            response = client.get(grid, query)  # warm-up
            assert response.status_code == 200, response.status_code
            apart = TOTALS.search(response.content)
            totals_url = html.unescape(apart.group(1).decode()) if apart else None
            times, totals_times, both = [], [], []
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.get(grid, query)
                times.append(time.perf_counter() - started)
                if totals_url:
                    asked = time.perf_counter()
                    assert client.get(totals_url).status_code == 200
                    totals_times.append(time.perf_counter() - asked)
                both.append(time.perf_counter() - started)
            with CaptureQueriesContext(connection) as queries:
                client.get(grid, query)
            count = COUNT.search(response.content).group(1).decode()
            totals = (
                f"{statistics.median(totals_times) * 1000:,.0f} ms "
                f"| {max(totals_times) * 1000:,.0f} ms"
                if totals_times
                else "— | —"
            )
            print(
                f"| {who} | {name} | {count} | {statistics.median(times) * 1000:,.0f} ms "
                f"| {max(times) * 1000:,.0f} ms | {len(queries)} | {totals} "
                f"| {statistics.median(both) * 1000:,.0f} ms |"
            )
        for name in EXPORTS:
            if "export" not in only:
                break
            for fmt in ("csv", "xlsx"):
                url = reverse("opportunities:whitespace:export", args=[fmt])
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url, FILTERS[name])
                    if response.streaming:
                        size, lines, first = 0, 0, None
                        for chunk in response.streaming_content:
                            size += len(chunk)
                            lines += chunk.count(b"\n")
                            if first is None and lines >= 2:  # the header and a first row
                                first = time.perf_counter() - started
                    else:
                        size = len(response.content)
                        first = time.perf_counter() - started
                    total = time.perf_counter() - started
                print(
                    f"| {who} | export {fmt} ({name}) | {size / 1e6:.1f} MB "
                    f"| first row {first:.2f} s | all {total:.1f} s | {len(queries)} |"
                )


if __name__ == "__main__":
    main()
