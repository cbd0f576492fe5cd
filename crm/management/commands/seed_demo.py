import datetime
import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Account
from accounts.scoring.run import scoring_run_execute
from crm.demo.accounts import demo_staff, seed_accounts
from crm.demo.campaigns import seed_campaigns
from crm.demo.catalogue import seed_catalogue
from crm.demo.history import seed_history
from crm.demo.offers import seed_offer_history
from crm.demo.opportunities import seed_opportunities
from crm.demo.qbr import seed_qbrs
from crm.demo.users import DEMO_PASSWORD, PEOPLE, TEAMS, seed_users

DEFAULT_ACCOUNTS = 500


class Command(BaseCommand):
    help = (
        "Load deterministic demo data: users, the product catalogue, and customer accounts with "
        "contacts, subscriptions, a year of daily usage, two years of orders, NPS answers and "
        "activities. Dates are relative to today (timezone.localdate()), so the data looks "
        "current whenever it is loaded: the same --seed gives the same data on the same day. "
        "Accounts are keyed DEMO-000001…: those already present are skipped with everything "
        "under them, so running it again changes nothing and a larger --accounts adds the rest."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="random seed for generated data")
        parser.add_argument(
            "--accounts",
            type=int,
            default=DEFAULT_ACCOUNTS,
            help=(
                f"how many demo accounts (default {DEFAULT_ACCOUNTS}). Up to 7,000 every metered "
                "subscription gets daily usage; beyond, a shrinking share does, keeping about 50 "
                "rows per account (≈5M rows at 100,000) for benchmarks."
            ),
        )
        parser.add_argument(
            "--score-months",
            type=int,
            default=0,
            help=(
                "also score every account as of each of the last N month ends, so that the "
                "loyalty report shows how tiers moved (make demo uses 12; at 100,000 accounts "
                "each month takes about half a minute on PostgreSQL)"
            ),
        )

    def handle(self, *args, seed: int, accounts: int, score_months: int, **options):
        started = time.monotonic()
        with transaction.atomic():
            users = seed_users()
            catalogue = seed_catalogue()
        east_team, west_team = TEAMS
        counts = seed_accounts(
            seed=seed,
            count=accounts,
            today=timezone.localdate(),
            catalogue=catalogue,
            staff=demo_staff(users, east_team=east_team, west_team=west_team),
        )
        if counts.accounts and connection.vendor == "postgresql":
            # Statistics for the rows just loaded in bulk: without them the planner picks nested
            # loops for the campaign segments frozen below (100k accounts: 20+ min instead of
            # seconds, measured by `make bench`).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        with transaction.atomic():
            # The pipeline needs only a handful of accounts to show every stage and type.
            seed_opportunities(
                rng=random.Random(seed),  # noqa: S311  reproducible demo data, not a secret
                accounts=list(Account.objects.filter(owner__isnull=False).order_by("pk")[:30]),
                users=users,
            )
            seed_qbrs(
                accounts=list(Account.objects.filter(cs_owner__isnull=False).order_by("pk")[:20])
            )
            # Answered cards of the last two months, for the first accounts like the pipeline.
            seed_offer_history(
                accounts=list(Account.objects.filter(owner__isnull=False).order_by("pk")[:60]),
                today=timezone.localdate(),
                products={p.pk: p for p in catalogue.products.values()},
            )
        with transaction.atomic():
            seed_campaigns(users=users, catalogue=catalogue, today=timezone.localdate())
        # A year of answered cards and won deals, for the reports (after the pipeline above,
        # which takes the first accounts only while they have no deal).
        history = seed_history(seed=seed, today=timezone.localdate(), catalogue=catalogue)
        for month_end in _month_ends(timezone.localdate(), months=score_months):
            scoring_run_execute(as_of=month_end)
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready (seed {seed}): {counts.accounts:,} new accounts, "
                f"{counts.rows:,} new rows in {elapsed:.1f} s."
            )
        )
        if counts.accounts:
            self.stdout.write(
                f"  contacts {counts.contacts:,}, subscriptions {counts.subscriptions:,}, "
                f"usage {counts.usage_records:,}, orders {counts.orders:,} "
                f"({counts.order_lines:,} lines), NPS {counts.nps_responses:,}, "
                f"activities {counts.activities:,}"
            )
        if history.cards or history.deals:
            self.stdout.write(
                f"  history: {history.cards:,} answered offer cards, {history.deals:,} closed deals"
            )
        if score_months:
            self.stdout.write(f"  loyalty scored at the last {score_months} month ends")
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for person in PEOPLE:
            self.stdout.write(f"  {person.role.label:<18} {person.email}")


def _month_ends(today: datetime.date, *, months: int) -> list[datetime.date]:
    """The last days of the `months` months before today's, oldest first."""
    ends, day = [], today.replace(day=1)
    for _month in range(months):
        day -= datetime.timedelta(days=1)
        ends.append(day)
        day = day.replace(day=1)
    return ends[::-1]
