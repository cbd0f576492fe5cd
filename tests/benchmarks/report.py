"""Markdown tables of a `make bench` / `make loadtest` results file, for docs/benchmarks.md.

    python -m tests.benchmarks.report docs/benchmarks/results-100000.json \\
        docs/benchmarks/loadtest-100000.json
"""

import json
import sys
from pathlib import Path


def machine_lines(machine: dict) -> list[str]:
    return [
        f"- CPU: {machine['cpu']}, `nproc` {machine['nproc']}, {machine['memory_gib']} GiB",
        f"- PostgreSQL {machine['postgresql']} on the same machine, Python {machine['python']}",
        f"- load average at the start: {', '.join(map(str, machine['load_average_at_start']))}",
    ]


def bench_tables(results: dict) -> list[str]:
    lines = [f"`{results['command']}` — {results['started_at']} to {results['finished_at']}", ""]
    lines += machine_lines(results["machine"])
    lines += [
        "- rows: " + ", ".join(f"{table} {n:,}" for table, n in results["rows"].items()),
        "",
    ]
    ratios = results.get("ratios", {})
    floor = results.get("floor")
    if results.get("chain"):
        lines += [
            "| nightly chain | total | score | offers | other steps | accounts | cards "
            "| peak RSS (all processes) | load average after |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for workers, chain in results["chain"].items():
            steps = chain["steps"]
            other = chain["seconds"] - steps["score"] - steps["offers"]
            where = "one process" if workers == "0" else f"beside {workers} Celery workers"
            peaks = (
                f"{chain['peak_rss_mb']:.0f} MB"
                if workers == "0"
                else f"{chain['peak_rss_mb']:.0f} + "
                + " + ".join(f"{p:.0f}" for p in chain["worker_peak_rss_mb"])
                + f" = {chain['peak_rss_mb_all_processes']:.0f} MB"
            )
            load = results["load_average"].get(f"chain_{workers}", [])
            lines.append(
                f"| {where} | {chain['seconds']:.1f} s | {steps['score']:.1f} s "
                f"| {steps['offers']:.1f} s | {other:.1f} s | {chain['accounts_scored']:,} "
                f"| {chain['offer_cards']:,} | {peaks} | {', '.join(map(str, load))} |"
            )
        lines.append("")
    if floor:
        compare = floor["compare"]
        seconds = floor["seconds"]
        lines += [
            f"Floor: {floor['accounts']:,} accounts in {seconds['total']:.1f} s (aggregates "
            f"{seconds['aggregate']:.1f} s, numpy {seconds['score']:.2f} s, COPY "
            f"{seconds['write']:.2f} s), peak {floor['peak_rss_mb']:.0f} MB; "
            f"{compare['identical']:,} of {compare['both']:,} scores, tiers and flags "
            f"identical to ours, none on one side only. Our scoring step is "
            f"**{ratios.get('scoring_step_to_floor')}×** the floor, the whole chain "
            f"{ratios.get('chain_to_floor')}× (in one process).",
            "",
        ]
    naive = results.get("naive")
    if naive:
        lines += [
            f"Naive loop: {naive['accounts']} accounts in {naive['seconds']:.1f} s "
            f"({naive['ms_per_account']:.0f} ms each, "
            f"{'same scores' if naive['same_scores'] else 'SCORES DIFFER'}): our scoring step "
            f"is **{ratios.get('naive_to_scoring_step_per_account')}×** faster per account, "
            f"the whole chain {ratios.get('naive_to_whole_chain_per_account')}×.",
            "",
        ]
    if results.get("pages"):
        lines += [
            "| page (user) | p50 | p99 | max | queries | bytes |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, page in results["pages"].items():
            lines.append(
                f"| {name} | {page['p50_ms']:.0f} ms | {page['p99_ms']:.0f} ms "
                f"| {page['max_ms']:.0f} ms | {page['queries']} | {page['bytes']:,} |"
            )
        first = next(iter(results["pages"].values()))
        load = results["load_average"].get("pages", [])
        lines += [
            "",
            f"{first['runs']} requests per page after {first.get('warm', 2)} warm-up requests, "
            "one at a time; load average "
            f"after: {', '.join(map(str, load))}.",
            "",
        ]
    usage = results.get("import")
    if usage:
        lines += [
            f"Usage import: {usage['rows']:,} rows ({usage['csv_mb']} MB CSV, "
            f"{usage['subscriptions']:,} subscriptions × {usage['days']} days; "
            f"{usage['created']:,} new, {usage['updated']:,} replaced) in "
            f"**{usage['seconds']:.0f} s**, status {usage['status']}, peak "
            f"{usage['peak_rss_mb']:.0f} MB; load average after "
            f"{', '.join(map(str, results['load_average'].get('import', [])))}.",
            "",
        ]
    return lines


def loadtest_tables(result: dict) -> list[str]:
    lines = [
        f"`{result['command']}` — {result['started_at']}: {result['users']} users arriving "
        f"{result['spawn_rate']:g} a second, then {result['loop_seconds_with_every_user']} s "
        f"with all of them ({result['run_seconds']} s in all), gunicorn with "
        f"{result['gunicorn_workers']} sync workers; load average before "
        f"{', '.join(map(str, result['load_average_before']))}, after "
        f"{', '.join(map(str, result['load_average_after']))}.",
        "",
        "| request | count | failed | p50 | p95 | p99 | req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in [*result["requests"].items(), ("**all**", result["total"])]:
        lines.append(
            f"| {name} | {row['requests']:,} | {row['failures']} | {row['p50_ms']:.0f} ms "
            f"| {row['p95_ms']:.0f} ms | {row['p99_ms']:.0f} ms | {row['rps']} |"
        )
    return [*lines, ""]


def main() -> None:
    for path in sys.argv[1:]:
        data = json.loads(Path(path).read_text())
        lines = loadtest_tables(data) if "requests" in data else bench_tables(data)
        print("\n".join(lines))


if __name__ == "__main__":
    main()
