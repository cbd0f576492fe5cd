"""The nightly chain as production runs it, timed step by step, and its naive baseline.

`chain_run` starts `python -m tests.benchmarks.chain` in a process of its own on the bench
database: it clears what the night of `run_date` wrote (its NightlyRun, the scoring and
offers ledgers, the scores and the offer cards of that day), then claims and runs the night
through crm.nightly (every step of NIGHTLY_STEPS, each timed) and prints JSON. Its peak memory
is the process's own high-water mark (getrusage ru_maxrss). With `workers`, a Celery worker
pool of that many processes runs beside it on Redis and takes its share of the scoring and
offers chunks (the production path: each step dispatches a group and works through chunks
itself meanwhile); the workers' peaks are read from /proc/<pid>/status (VmHWM) of every worker
process before it is stopped.

`naive_loop` is the baseline: the same score, one account at a time through the ORM (six
queries and an update_or_create per account, the same maths), on a sample.
"""

import datetime
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from .database import PYTHON, ROOT, django_env


def day_clear(run_date: datetime.date) -> None:
    """Forget the night of `run_date`, so that running it again does the whole work."""
    from django.db import connection

    from accounts.models import LoyaltyScore, ScoringRun
    from crm.models import NightlyRun
    from crm.nightly import NIGHT_WRITTEN
    from opportunities.models import OfferCard, OfferRun

    as_of = run_date - datetime.timedelta(days=1)
    NightlyRun.objects.filter(run_date=run_date).delete()
    ScoringRun.objects.filter(as_of=as_of).delete()
    LoyaltyScore.objects.filter(as_of=as_of).delete()
    OfferRun.objects.filter(run_date=run_date).delete()
    OfferCard.objects.filter(generated_on=run_date).delete()
    # What autovacuum does between two nights, and it is off on the CI machines: the rerun
    # fills the space of the rows just deleted instead of growing the tables with every run
    # (after six runs of the 100k chain the cards took 290 MB for 110,000 rows, and every
    # page that scans them read five times the pages).
    with connection.cursor() as cursor:
        for model in NIGHT_WRITTEN:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def chain_execute(run_date: datetime.date) -> dict:
    """Run the night of `run_date` through crm.nightly with each step timed (in this process)."""
    from crm import nightly

    seconds: dict[str, float] = {}

    def timed(name, step):
        def run(*, run_date):
            started = time.perf_counter()
            step(run_date=run_date)
            seconds[name] = round(time.perf_counter() - started, 2)

        return run

    steps = list(nightly.NIGHTLY_STEPS)
    nightly.NIGHTLY_STEPS[:] = [(name, timed(name, step)) for name, step in steps]
    try:
        started = time.perf_counter()
        run = nightly.nightly_run_claim(run_date=run_date, task_id="bench")
        nightly.nightly_run_execute(run=run)
        total = time.perf_counter() - started
    finally:
        nightly.NIGHTLY_STEPS[:] = steps
    return {"seconds": round(total, 2), "steps": seconds}


def median(values: list) -> float | None:
    return sorted(values)[len(values) // 2] if values else None


def scoring_facts(as_of: datetime.date) -> dict:
    from accounts.models import LoyaltyScore, ScoringRun
    from opportunities.models import OfferCard, OfferRun

    run = ScoringRun.objects.get(as_of=as_of)
    chunks = list(run.chunks.values_list("seconds", flat=True))
    run_date = as_of + datetime.timedelta(days=1)
    offer_chunks = list(
        OfferRun.objects.get(run_date=run_date).chunks.values_list("seconds", flat=True)
    )
    return {
        "accounts_scored": run.accounts_scored,
        "scores": LoyaltyScore.objects.filter(as_of=as_of).count(),
        "chunks": len(chunks),
        "chunk_size": run.chunk_size,
        "chunk_seconds_median": median(chunks),
        "offer_cards": OfferCard.objects.filter(generated_on=run_date).count(),
        "offer_chunks": len(offer_chunks),
        "offer_chunk_seconds_median": median(offer_chunks),
    }


def child_main(run_date: datetime.date) -> None:
    import django

    django.setup()
    day_clear(run_date)
    result = chain_execute(run_date)
    result.update(scoring_facts(run_date - datetime.timedelta(days=1)))
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))


def process_peaks(pid: int) -> list[float]:
    """VmHWM (peak resident memory, MB) of `pid` and its children, read from /proc."""
    peaks = []
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for process in pids:
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except FileNotFoundError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(round(int(line.split()[1]) / 1024, 1))
    return peaks


def worker_start(url: str, *, concurrency: int, broker: str) -> subprocess.Popen:
    env = django_env(url, CELERY_BROKER_URL=broker)
    worker = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "crm",
            "worker",
            "--concurrency",
            str(concurrency),
            "--pool",
            "prefork",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"bench{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # ready when its pool processes exist (a few seconds)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the Celery worker stopped: {worker.stderr.read()[-2000:]}")
        if len(process_peaks(worker.pid)) > concurrency:
            time.sleep(1)
            return worker
        time.sleep(0.5)
    worker.terminate()
    raise RuntimeError("the Celery worker did not start in 60 s")


def chain_run(url: str, *, run_date: datetime.date, workers: int = 0, broker: str = "") -> dict:
    """The chain in a process of its own (and `workers` Celery processes); timings and peaks."""
    worker = None
    extra = {}
    if workers:
        # Messages left from an interrupted run are harmless: a chunk already done, or of a
        # ledger since cleared, is a no-op for the worker that gets it.
        worker = worker_start(url, concurrency=workers, broker=broker)
        extra["CELERY_BROKER_URL"] = broker
    try:
        done = subprocess.run(
            [PYTHON, "-m", "tests.benchmarks.chain", run_date.isoformat()],
            cwd=ROOT,
            env=django_env(url, **extra),
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["workers"] = workers
        if worker is not None:
            peaks = process_peaks(worker.pid)
            result["worker_peak_rss_mb"] = peaks
            result["peak_rss_mb_all_processes"] = round(result["peak_rss_mb"] + sum(peaks), 1)
        else:
            result["peak_rss_mb_all_processes"] = result["peak_rss_mb"]
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    return result


def naive_loop(account_ids: list[int], *, as_of: datetime.date) -> float:
    """The same score, one account at a time through the ORM: queries per account."""
    from accounts.models import LoyaltyScore, ScoringWeights
    from accounts.scoring.components import component_frame, score_inputs
    from accounts.scoring.sources import ChunkWindow, chunk_sources
    from accounts.scoring.writer import COLUMNS, score_values

    weights = ScoringWeights.load()
    started = time.perf_counter()
    for account_id in account_ids:
        window = ChunkWindow(lo=account_id, hi=account_id, as_of=as_of)
        inputs = score_inputs(chunk_sources(window))
        frame = component_frame(inputs, as_of=as_of, weights=weights)
        for values in score_values(frame, as_of=as_of):
            row = dict(zip(COLUMNS, values, strict=True))
            LoyaltyScore.objects.update_or_create(
                account_id=row.pop("account_id"), as_of=row.pop("as_of"), defaults=row
            )
    return time.perf_counter() - started


def naive_run(*, sample: int, as_of: datetime.date) -> dict:
    """The naive loop on a random sample of scored accounts; checks it writes the same scores."""
    from accounts.models import LoyaltyScore

    scored = LoyaltyScore.objects.filter(as_of=as_of)
    ids = list(scored.order_by("?").values_list("account_id", flat=True)[:sample])
    before = dict(scored.filter(account_id__in=ids).values_list("account_id", "score"))
    seconds = naive_loop(ids, as_of=as_of)
    after = dict(scored.filter(account_id__in=ids).values_list("account_id", "score"))
    return {
        "accounts": len(ids),
        "seconds": round(seconds, 2),
        "ms_per_account": round(seconds / max(len(ids), 1) * 1000, 2),
        "same_scores": before == after,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    child_main(datetime.date.fromisoformat(sys.argv[1]))
