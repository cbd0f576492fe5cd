import random

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Account
from crm.demo.opportunities import seed_opportunities
from crm.demo.users import DEMO_PASSWORD, PEOPLE, seed_users


class Command(BaseCommand):
    help = "Load deterministic demo data. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="random seed for generated data")

    @transaction.atomic
    def handle(self, *args, seed: int, **options):
        users = seed_users()
        seed_opportunities(
            rng=random.Random(seed),  # noqa: S311  reproducible demo data, not a secret
            accounts=list(Account.objects.order_by("pk")),
            users=users,
        )
        self.stdout.write(self.style.SUCCESS(f"Demo data ready (seed {seed})."))
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for person in PEOPLE:
            self.stdout.write(f"  {person.role.label:<18} {person.email}")
