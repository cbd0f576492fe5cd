"""`make loadtest`: 50 simulated reps doing their daily loop against gunicorn: they log in one
a second, then all 50 loop for 60 s.

Runs on the bench database of `make bench` (seeded with `seed_demo --accounts N` if it is not
there yet) and the same production settings (server.py), with locust headless on loopback:
bounded in time (the ramp plus 60 s, then at most 10 s for the requests in flight) and users.
Reports p50 / p95 / p99 and requests per second per request kind and overall, fails when any
request failed, and writes docs/benchmarks/loadtest-<N>.json.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm make loadtest [SCALE=1000000]
"""

import argparse
import csv
import datetime
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

from . import database
from .database import PYTHON, ROOT, load_average
from .server import collectstatic, gunicorn

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    # One rep arriving a second: a login hashes the password on purpose slowly (PBKDF2, about
    # 0.4 s of CPU), and 50 at once would measure the hash, not the loop.
    parser.add_argument("--spawn-rate", type=float, default=1)
    parser.add_argument(
        "--loop-seconds", type=int, default=60, help="once every user is in; the run adds the ramp"
    )
    parser.add_argument("--gunicorn-workers", type=int, default=5, help="2 × cores + 1")
    parser.add_argument("--out", type=Path, default=None)
    return parser.parse_args(argv)


def stats_rows(path: Path) -> dict[str, dict]:
    figures = {}
    with path.open(newline="") as file:
        for row in csv.DictReader(file):
            figures[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "max_ms": float(row["Max Response Time"]),
                "rps": round(float(row["Requests/s"]), 1),
            }
    return figures


def loadtest_run(url: str, args) -> dict:
    collectstatic(url)
    run_time = math.ceil(args.users / args.spawn_rate) + args.loop_seconds
    with (
        gunicorn(url, workers=args.gunicorn_workers) as base,
        tempfile.TemporaryDirectory(prefix="crm-locust-") as folder,
    ):
        prefix = Path(folder) / "run"
        done = subprocess.run(
            [
                PYTHON,
                "-m",
                "locust",
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "--host",
                base,
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{run_time}s",
                "--stop-timeout",
                "10",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        figures = stats_rows(Path(f"{prefix}_stats.csv"))
        failures_file = Path(f"{prefix}_failures.csv")
        failures = failures_file.read_text() if failures_file.exists() else ""
    total = figures.pop("Aggregated")
    return {
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "run_seconds": run_time,
        "loop_seconds_with_every_user": args.loop_seconds,
        "gunicorn_workers": args.gunicorn_workers,
        "total": total,
        "requests": figures,
        "failures": failures.strip().splitlines()[1:],
        "locust_exit_code": done.returncode,
    }


def main(argv=None) -> None:
    args = parse_args(argv)
    url = database.bench_url(database.require_postgres_url(), args.accounts)
    database.database_prepare(url, accounts=args.accounts)
    started = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    before = load_average()
    result = loadtest_run(url, args)
    result.update(
        {
            "command": "make loadtest"
            + (f" SCALE={args.accounts}" if args.accounts != 100_000 else ""),
            "accounts": args.accounts,
            "started_at": started,
            "machine": database.machine(url),
            "load_average_before": before,
            "load_average_after": load_average(),
        }
    )
    out = args.out or ROOT / "docs" / "benchmarks" / f"loadtest-{args.accounts}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    total = result["total"]
    for name, row in [*result["requests"].items(), ("all requests", total)]:
        print(
            f"{name:<16} {row['requests']:>6} requests  {row['failures']} failed  "
            f"p50 {row['p50_ms']:>6.0f} ms  p95 {row['p95_ms']:>6.0f} ms  "
            f"p99 {row['p99_ms']:>6.0f} ms  {row['rps']:>5} req/s"
        )
    print(f"results written to {out}")
    if total["failures"] or result["locust_exit_code"]:
        print("\n".join(result["failures"][:20]))
        sys.exit("the load test had failed requests")


if __name__ == "__main__":
    main()
