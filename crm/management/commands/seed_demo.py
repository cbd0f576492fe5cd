import random
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Account
from crm.demo.accounts import demo_staff, seed_accounts
from crm.demo.campaigns import seed_campaigns
from crm.demo.catalogue import seed_catalogue
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

    def handle(self, *args, seed: int, accounts: int, **options):
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
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for person in PEOPLE:
            self.stdout.write(f"  {person.role.label:<18} {person.email}")
