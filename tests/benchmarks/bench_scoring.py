"""Benchmark of the nightly loyalty score on PostgreSQL (`make bench`; not a timed test).

Seeds N synthetic accounts (usage, orders, NPS answers, activities, subscriptions; about 47
source rows per account) straight in SQL with generate_series, times the chunked scoring run
as the nightly step runs it, reports peak memory, then times a naive per-account ORM loop
computing the same score on a sample and prints the ratio. Runs in a database of its own
(the test database of DATABASE_URL, "test_<name>"), never in the one DATABASE_URL names.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm make bench ACCOUNTS=100000

--keep keeps the seeded database for the next run (seeding 100k accounts takes a minute).
"""

import argparse
import datetime
import os
import resource
import sys
import time

AS_OF = datetime.date(2026, 6, 30)  # data spans three years before it and 90 days after


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000, help="accounts in the naive loop")
    parser.add_argument("--chunk-size", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the seeded database")
    return parser.parse_args()


SEED_SQL = [
    # A latent "health" per account drives NPS, usage, buying and complaints, so that the
    # backtest has something to find; everything else is noise.
    """
    INSERT INTO accounts_account (name, name_kana, corporate_number, industry, revenue_band,
        growth_stage, region, do_not_contact, created_at, updated_at)
    SELECT 'Bench ' || g, '', '', 'it_software', '', 'growth', '13', false, now(), now()
    FROM generate_series(1, %(accounts)s) g
    """,
    """
    CREATE TEMPORARY TABLE bench_health AS
    SELECT id AS account_id, random() AS h FROM accounts_account
    """,
    # One subscription each (tier 1-3), a second one for a third of the accounts;
    # one in ten of the second ones cancelled in the last year.
    """
    INSERT INTO accounts_subscription (account_id, product_id, quantity, monthly_amount,
        billing_model, status, started_on, renewal_on, cancelled_on)
    SELECT b.account_id, p.id, 10, p.monthly_price, 'flat', 'active',
        %(as_of)s::date - (30 + floor(random() * 1500))::int, %(as_of)s::date + 200, NULL
    FROM bench_health b
    -- the tier from the account's own random draw: random() in a join condition is evaluated
    -- once per row pair or once per row depending on the plan, and once matched nothing
    JOIN accounts_product p ON p.code = 'bench-' || (1 + floor(b.h * 3))::int
    """,
    """
    INSERT INTO accounts_subscription (account_id, product_id, quantity, monthly_amount,
        billing_model, status, started_on, renewal_on, cancelled_on)
    SELECT b.account_id, p.id, 5, p.monthly_price / 2, 'flat',
        CASE WHEN random() < 0.1 THEN 'cancelled' ELSE 'active' END,
        %(as_of)s::date - floor(random() * 700)::int, %(as_of)s::date + 200, NULL
    FROM bench_health b JOIN accounts_product p ON p.code = 'bench-addon'
    WHERE random() < 0.33
    """,
    """
    UPDATE accounts_subscription SET cancelled_on = %(as_of)s::date - floor(random() * 300)::int
    WHERE status = 'cancelled'
    """,
    """
    UPDATE accounts_subscription SET cancelled_on = started_on WHERE cancelled_on < started_on
    """,
    # Daily usage over the last 60 days for half of the accounts' metered plans: ~3M rows.
    """
    INSERT INTO accounts_usagerecord (account_id, subscription_id, date, quantity)
    SELECT s.account_id, s.id, %(as_of)s::date - d,
        round((p.included_usage / 30 * (0.2 + b.h) * (0.5 + random()))::numeric, 2)
    FROM accounts_subscription s
    JOIN accounts_product p ON p.id = s.product_id AND p.included_usage IS NOT NULL
    JOIN bench_health b ON b.account_id = s.account_id
    CROSS JOIN generate_series(0, 59) d
    WHERE s.account_id %% 2 = 0
    """,
    # Orders: ~6 per account over three years and 90 days, more for healthier accounts.
    """
    INSERT INTO accounts_order (account_id, ordered_on, total)
    SELECT b.account_id, %(as_of)s::date + 90 - floor(random() * 1185)::int,
        (10000 + floor(random() * 500000))::int
    FROM bench_health b CROSS JOIN generate_series(1, 12) n
    WHERE random() < b.h
    """,
    # NPS: one answer in the last year for 80 % of the accounts, around 10 × health.
    """
    INSERT INTO accounts_npsresponse (account_id, score, comment, answered_on)
    SELECT b.account_id, least(10, greatest(0, round(b.h * 10 + random() * 4 - 2)))::int, '',
        %(as_of)s::date - floor(random() * 360)::int
    FROM bench_health b WHERE random() < 0.8
    """,
    # Activities: ~10 per account in the last 120 days; complaints more likely when unhealthy.
    """
    INSERT INTO accounts_activity (account_id, kind, occurred_on, summary, outcome,
        resolved_on, created_at)
    SELECT b.account_id,
        CASE WHEN random() < 0.15 * (1 - b.h) THEN 'complaint'
             ELSE (ARRAY['call', 'email', 'meeting', 'visit', 'hearing', 'qbr'])
                  [1 + floor(random() * 6)::int]
        END,
        %(as_of)s::date - floor(random() * 120)::int, 'bench', '',
        CASE WHEN random() < 0.5 THEN %(as_of)s::date - floor(random() * 10)::int END, now()
    FROM bench_health b CROSS JOIN generate_series(1, 10) n
    """,
    "DROP TABLE bench_health",
    "ANALYZE",
]


def seed(*, accounts: int) -> None:
    from django.db import connection

    from accounts.models import Product, ProductFamily

    family = ProductFamily.objects.create(code="bench", name="Bench")
    for rank, price, included in [(1, 30_000, 1_000), (2, 80_000, 5_000), (3, 200_000, 20_000)]:
        Product.objects.create(
            code=f"bench-{rank}",
            name=f"Bench {rank}",
            family=family,
            tier_rank=rank,
            monthly_price=price,
            included_usage=included,
        )
    Product.objects.create(
        code="bench-addon", name="Bench add-on", kind=Product.Kind.ADD_ON, monthly_price=20_000
    )
    with connection.cursor() as cursor:
        for statement in SEED_SQL:
            cursor.execute(statement, {"accounts": accounts, "as_of": AS_OF})


def source_rows() -> dict[str, int]:
    from accounts.models import Account, Activity, NPSResponse, Order, Subscription, UsageRecord

    return {
        model._meta.db_table: model.objects.count()
        for model in (Account, Subscription, UsageRecord, Order, NPSResponse, Activity)
    }


def naive_loop(account_ids: list[int]) -> float:
    """The same score, one account at a time through the ORM: queries per account."""
    from accounts.models import LoyaltyScore, ScoringWeights
    from accounts.scoring.components import component_frame
    from accounts.scoring.reasons import score_rows
    from accounts.scoring.sources import ChunkWindow, chunk_sources

    weights = ScoringWeights.load()
    started = time.perf_counter()
    for account_id in account_ids:
        window = ChunkWindow(lo=account_id, hi=account_id, as_of=AS_OF)
        frame = component_frame(chunk_sources(window), as_of=AS_OF, weights=weights)
        for row in score_rows(frame, as_of=AS_OF):
            LoyaltyScore.objects.update_or_create(
                account_id=row.pop("account_id"), as_of=row.pop("as_of"), defaults=row
            )
    return time.perf_counter() - started


def main() -> None:
    args = parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    from accounts.models import Account, LoyaltyScore
    from accounts.scoring.run import CHUNK_SIZE, scoring_run_execute

    # Django's test-database machinery gives the benchmark a database of its own.
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keep)
    try:
        if Account.objects.count() != args.accounts:
            # new, or kept from a run of another size (or an interrupted one): start afresh
            connection.creation.destroy_test_db(
                connection.settings_dict["NAME"], verbosity=0, keepdb=False
            )
            connection.creation.create_test_db(verbosity=0, autoclobber=True)
            started = time.perf_counter()
            seed(accounts=args.accounts)
            print(f"seeded in {time.perf_counter() - started:.1f} s")
        rows = source_rows()
        print("source rows:", ", ".join(f"{table} {n:,}" for table, n in rows.items()))
        print(f"  {sum(rows.values()) - rows['accounts_account']:,} in all")

        chunk_size = args.chunk_size or CHUNK_SIZE
        started = time.perf_counter()
        run = scoring_run_execute(as_of=AS_OF, chunk_size=chunk_size, rescore=True)
        chain = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        per_account = chain / run.accounts_scored
        print(
            f"chunked run: {run.accounts_scored:,} accounts in {chain:.1f} s "
            f"({run.chunks.count()} chunks of {chunk_size:,}); peak memory {peak_mb:,.0f} MB"
        )

        sample = list(Account.objects.order_by("?").values_list("pk", flat=True)[: args.sample])
        expected = dict(
            LoyaltyScore.objects.filter(as_of=AS_OF, account_id__in=sample).values_list(
                "account_id", "score"
            )
        )
        naive = naive_loop(sample)
        same = dict(
            LoyaltyScore.objects.filter(as_of=AS_OF, account_id__in=sample).values_list(
                "account_id", "score"
            )
        )
        naive_per_account = naive / len(sample)
        print(
            f"naive per-account loop: {len(sample):,} accounts in {naive:.1f} s "
            f"({naive_per_account * 1000:.1f} ms each; "
            f"{'same scores' if same == expected else 'SCORES DIFFER'})"
        )
        print(f"speed-up: {naive_per_account / per_account:.0f}× per account")

        from accounts.scoring.backtest import score_backtest

        result = score_backtest(as_of=AS_OF, horizon_days=90)
        print(
            f"backtest on the synthetic data (90 days): AUC {result.auc:.3f}, "
            f"top-decile lift {result.top_decile_lift:.2f}"
        )
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(
                connection.settings_dict["NAME"], verbosity=0, keepdb=False
            )


if __name__ == "__main__":
    main()
