import datetime

from django.core.management.base import BaseCommand

from crm.tasks import nightly_run


class Command(BaseCommand):
    help = "Run the nightly batch for a date now (in-process unless a broker is configured)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD; today"
        )

    def handle(self, *args, date: datetime.date | None, **options):
        result = nightly_run.delay(date.isoformat() if date else None)
        self.stdout.write(f"nightly run: {result.get() if result.ready() else 'queued'}")
