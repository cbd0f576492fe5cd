"""`make bench`: the nightly chain, its floor and naive baselines, pages through gunicorn and
a 1M-row usage import, on PostgreSQL at N accounts (100,000 by default; 1,000,000 with
`make bench SCALE=1000000`). Not a test: see docs/benchmarks.md for what each figure means.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm make bench [SCALE=1000000]

Everything runs on a database of its own (database.py), seeded with `seed_demo --accounts N`
and kept for the next run. The results go to docs/benchmarks/results-<N>.json (every figure,
the machine, the load average at each phase) and a summary is printed for docs/benchmarks.md.
"""

import argparse
import datetime
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from . import database
from .database import PYTHON, ROOT, load_average

PHASES = ("chain", "floor", "naive", "pages", "import")
MEDIA = str(Path(tempfile.gettempdir()) / "crm-bench-media")  # the imported files, deleted after


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--reseed", action="store_true", help="seed the bench database again")
    parser.add_argument(
        "--database",
        metavar="URL",
        default=None,
        help="run on this PostgreSQL database instead of <DATABASE_URL's db>_bench<N>: one "
        "already seeded (e.g. a copy made with CREATE DATABASE … TEMPLATE), which is migrated "
        "but never seeded or dropped; --accounts is then read from it",
    )
    parser.add_argument("--sample", type=int, default=500, help="accounts in the naive loop")
    parser.add_argument("--page-runs", type=int, default=50, help="requests per page")
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--workers",
        default="2,0",
        help="chain runs in this order: 0 = in one process, N = beside a Celery pool of N",
    )
    parser.add_argument("--only", default=",".join(PHASES), help="phases to run")
    parser.add_argument("--out", type=Path, default=None, help="results JSON file")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[{datetime.datetime.now(datetime.UTC):%H:%M:%S}] {message}", flush=True)


PAGE_WORKERS = 3  # gunicorn's sync workers for the pages phase


def broker_url() -> str:
    """The chain's workers use CELERY_BROKER_URL when it is set, else the local Redis."""
    return os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"


def floor_run(url: str, as_of: datetime.date) -> dict:
    done = subprocess.run(
        [PYTHON, "-m", "tests.benchmarks.floor_scoring", url, as_of.isoformat()],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def import_run(url: str, rows: int) -> dict:
    done = subprocess.run(
        [PYTHON, "-m", "tests.benchmarks.usage_import", str(rows)],
        cwd=ROOT,
        env=database.django_env(url, MEDIA_ROOT=MEDIA),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def ratios(results: dict) -> dict:
    out = {}
    chains = results.get("chain", {})
    one = chains.get("0")
    floor = results.get("floor")
    naive = results.get("naive")
    if one and floor:
        out["scoring_step_to_floor"] = round(one["steps"]["score"] / floor["seconds"]["total"], 2)
        out["chain_to_floor"] = round(one["seconds"] / floor["seconds"]["total"], 2)
        for workers, chain in chains.items():
            out[f"chain_{workers}_workers_to_floor"] = round(
                chain["seconds"] / floor["seconds"]["total"], 2
            )
    if one and naive:
        per_account = one["steps"]["score"] / one["accounts_scored"] * 1000
        out["naive_to_scoring_step_per_account"] = round(naive["ms_per_account"] / per_account)
        chain_per_account = one["seconds"] / one["accounts_scored"] * 1000
        out["naive_to_whole_chain_per_account"] = round(naive["ms_per_account"] / chain_per_account)
    return out


def main(argv=None) -> None:
    args = parse_args(argv)
    phases = set(args.only.split(","))
    if args.database:
        url = database.require_postgres_url(args.database)
        args.accounts = database.accounts_in(url)
        if not args.accounts:
            sys.exit(f"--database {args.database}: no accounts there (seed it first)")
    else:
        url = database.bench_url(database.require_postgres_url(), args.accounts)
    out = args.out or ROOT / "docs" / "benchmarks" / f"results-{args.accounts}.json"
    results: dict = {
        "command": "make bench" + (f" SCALE={args.accounts}" if args.accounts != 100_000 else ""),
        "argv": shlex.join(sys.argv[1:] if argv is None else argv),
        "accounts": args.accounts,
        "started_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "load_average": {},
    }
    if args.database:
        database.manage(url, "migrate", "--noinput")
        results["database"] = {"seeded": False, "given": database.database_name(url)}
    else:
        results["database"] = database.database_prepare(
            url, accounts=args.accounts, reseed=args.reseed, log=log
        )
    results["machine"] = database.machine(url)
    results["rows"] = database.row_counts(url)
    log("rows: " + ", ".join(f"{table} {n:,}" for table, n in results["rows"].items()))

    os.environ.update(database.django_env(url, MEDIA_ROOT=MEDIA))
    import django

    django.setup()
    from django.utils import timezone

    run_date = timezone.localdate()
    as_of = run_date - datetime.timedelta(days=1)

    if "chain" in phases:
        results["chain"] = {}
        for workers in (int(w) for w in args.workers.split(",")):
            log(f"nightly chain, {workers} worker processes…")
            chain = database_chain(url, run_date=run_date, workers=workers)
            results["chain"][str(workers)] = chain
            results["load_average"][f"chain_{workers}"] = load_average()
            log(
                f"  {chain['seconds']} s ({chain['steps']}), peak {chain['peak_rss_mb']} MB"
                + (f", workers {chain.get('worker_peak_rss_mb')}" if workers else "")
            )
        if "0" in results["chain"] and list(results["chain"])[-1] != "0":
            # the floor and the naive loop compare with the scores of the last run: its own
            log("nightly chain again in one process, for the scores compared below…")
            results["chain"]["0"] = database_chain(url, run_date=run_date, workers=0)
    if "floor" in phases:
        log("floor script…")
        results["floor"] = floor_run(url, as_of)
        results["load_average"]["floor"] = load_average()
        log(f"  {results['floor']}")
    if "naive" in phases:
        from .chain import naive_run

        log(f"naive per-account loop on {args.sample} accounts…")
        results["naive"] = naive_run(sample=args.sample, as_of=as_of)
        results["load_average"]["naive"] = load_average()
        log(f"  {results['naive']}")
    if "pages" in phases:
        from .pages import bench_pages, page_subjects, pages_count_queries, pages_time
        from .server import collectstatic, gunicorn

        collectstatic(url)
        pages = bench_pages(**page_subjects())
        log(f"pages through gunicorn, {args.page_runs} requests each…")
        with gunicorn(url, workers=PAGE_WORKERS, broker=broker_url()) as base:
            timings = pages_time(base, pages, runs=args.page_runs, warm=5 * PAGE_WORKERS)
        counts = pages_count_queries(pages)
        for name, timing in timings.items():
            timing["queries"] = counts[name]
            log(
                f"  {name:<50} p50 {timing['p50_ms']:>7} ms  p99 {timing['p99_ms']:>7} ms  "
                f"{timing['queries']:>3} queries"
            )
        results["pages"] = timings
        results["load_average"]["pages"] = load_average()
    if "import" in phases:
        log(f"usage import of {args.import_rows:,} rows…")
        results["import"] = import_run(url, args.import_rows)
        results["load_average"]["import"] = load_average()
        log(f"  {results['import']}")

    results["ratios"] = ratios(results)
    results["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    log(f"ratios: {results['ratios']}")
    log(f"results written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


def database_chain(url: str, *, run_date: datetime.date, workers: int) -> dict:
    from .chain import chain_run

    return chain_run(url, run_date=run_date, workers=workers, broker=broker_url())


if __name__ == "__main__":
    main()
