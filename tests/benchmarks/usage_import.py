"""A usage file of N rows (1M by default) through the real import path, timed (not a test).

Writes a CSV in /tmp the way a billing system exports it (subscription external id, date,
quantity) for subscriptions the importing manager can see, over the last days up to
yesterday, so some rows replace existing days and others add new ones. Then it does what an
upload does: stores the file as an ImportJob and runs import_job_run, the body of the Celery
task (read, check every row, write all-or-nothing). Run in a process of its own so that its
peak memory (ru_maxrss) is the import's.

    python -m tests.benchmarks.usage_import 1000000
"""

import csv
import datetime
import json
import math
import resource
import sys
import tempfile
import time
from pathlib import Path

IMPORTER = "manager1@example.com"


def usage_csv(path: Path, *, rows: int, today: datetime.date) -> dict:
    from accounts.models import Subscription
    from crm.users.models import User

    user = User.objects.get(email=IMPORTER)
    subscriptions = (
        Subscription.objects.visible_to(user).exclude(external_id="").order_by("pk").distinct()
    )
    available = subscriptions.count()
    days = min(365, max(1, math.ceil(rows / available)))
    ids = list(subscriptions.values_list("external_id", flat=True)[: math.ceil(rows / days)])
    written = 0
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(["subscription_external_id", "date", "quantity"])
        for offset in range(days, 0, -1):
            day = (today - datetime.timedelta(days=offset)).isoformat()
            for n, external_id in enumerate(ids):
                if written == rows:
                    break
                out.writerow([external_id, day, f"{(n * 7 + offset * 13) % 500 + 0.5:.1f}"])
                written += 1
    return {"rows": written, "subscriptions": len(ids), "days": days}


def import_run(rows: int) -> dict:
    from django.core.files import File
    from django.utils import timezone

    from accounts.imports.services import import_job_run
    from accounts.models import ImportJob
    from crm.users.models import User

    with tempfile.TemporaryDirectory(prefix="crm-bench-") as folder:
        path = Path(folder) / "usage.csv"
        started = time.perf_counter()
        made = usage_csv(path, rows=rows, today=timezone.localdate())
        made["csv_seconds"] = round(time.perf_counter() - started, 1)
        made["csv_mb"] = round(path.stat().st_size / 1e6, 1)
        with path.open("rb") as upload:
            job = ImportJob.objects.create(
                kind="usage",
                file=File(upload, name="usage.csv"),
                file_name="usage.csv",
                created_by=User.objects.get(email=IMPORTER),
                row_count=rows,
            )
        started = time.perf_counter()
        import_job_run(job_id=job.pk)
        seconds = time.perf_counter() - started
        job.refresh_from_db()
        job.file.delete(save=False)
    return {
        **made,
        "seconds": round(seconds, 1),
        "status": job.status,
        "errors": job.errors[:3],
        "created": job.created_count,
        "updated": job.updated_count,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(import_run(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)))
