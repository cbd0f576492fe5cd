"""Benchmark of the campaign segment builder on a seeded PostgreSQL database (not a test).

Times what one htmx preview does (the sample of 20 with its qualifying values, and the
count) for a few typical segments, as an administrator (every account) and as a manager
(their teams' accounts). Run against a database seeded with `seed_demo --accounts 100000`
and scored with `run_nightly`:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench \\
        .venv/bin/python -m tests.benchmarks.bench_segment
"""

import os
import statistics
import time
from decimal import Decimal

SEGMENTS = {
    "no filter": {},
    "loyal promoters": {"tiers": ["high"], "nps_categories": ["promoter"]},
    "score 60-90, utilisation ≥ 80 %": {
        "score_min": Decimal(60),
        "score_max": Decimal(90),
        "utilisation_min": Decimal(80),
    },
    "renewal in 90 days, growth stage": {
        "renewal_within_days": 90,
        "growth_stages": ["growth"],
        "tiers": ["high", "medium"],
    },
}
RUNS = 5


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Account, Product
    from campaigns.models import Campaign
    from campaigns.segments import SegmentCriteria
    from campaigns.selectors import segment_preview
    from crm.users.models import User

    today = timezone.localdate()
    product = Product.objects.filter(kind="plan").order_by("-tier_rank").first()
    campaign = Campaign(product=product, pk=0)
    print(f"{connection.vendor}, {Account.objects.count():,} accounts")
    for email in ("admin@example.com", "manager1@example.com"):
        user = User.objects.get(email=email)
        for name, criteria in SEGMENTS.items():
            times = []
            for _ in range(RUNS):
                started = time.perf_counter()
                preview = segment_preview(
                    user=user, campaign=campaign, criteria=SegmentCriteria(**criteria), today=today
                )
                times.append(time.perf_counter() - started)
            print(
                f"{email:<22} {name:<36} {preview.count:>7,} accounts  "
                f"median {statistics.median(times) * 1000:6.0f} ms  max {max(times) * 1000:6.0f} ms"
            )


if __name__ == "__main__":
    main()
