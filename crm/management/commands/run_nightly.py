import datetime

from django.core.management.base import BaseCommand, CommandError

from accounts.background import enqueue
from crm.tasks import nightly_run


class Command(BaseCommand):
    help = "Run the nightly batch for a date now (in-process unless a broker is configured)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD; today"
        )

    def handle(self, *args, date: datetime.date | None, **options):
        result = enqueue(nightly_run, date.isoformat() if date else None)
        if result is None:
            raise CommandError("The broker is unavailable: the nightly run was not queued.")
        self.stdout.write(f"nightly run: {result.get() if result.ready() else 'queued'}")
