import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.scoring.run import CHUNK_SIZE, scoring_run_execute


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = (
        "Score every account's loyalty as of a day, from data dated up to that day. A rerun "
        "resumes the chunks not yet done; --rescore recomputes a finished day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=iso_date, help="YYYY-MM-DD; yesterday by default")
        parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)
        parser.add_argument("--rescore", action="store_true", help="recompute a day already scored")
        parser.add_argument(
            "--workers",
            action="store_true",
            help="send the chunks to the Celery workers as a group (default: in this process)",
        )

    def handle(self, *, as_of, chunk_size, rescore, workers, **options):
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        as_of = as_of or timezone.localdate() - datetime.timedelta(days=1)
        run = scoring_run_execute(
            as_of=as_of, chunk_size=chunk_size, rescore=rescore, dispatch=workers
        )
        seconds = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(
            f"Scored {run.accounts_scored} accounts as of {as_of} "
            f"in {run.chunks.count()} chunks ({seconds:.1f} s since the run started)."
        )
