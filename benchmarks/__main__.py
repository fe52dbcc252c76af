"""``python -m benchmarks``: run the in-process then the end-to-end benchmark, write results.

Full results go to ``benchmarks/results/`` (committed); ``--quick`` runs tiny sizes into
``benchmarks/results/tmp/quick/`` (git-ignored) so a smoke run never overwrites them.
``--only`` runs one benchmark and keeps the other's previous results from the same directory.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import bench_e2e, bench_tick, machine, report, targets
from benchmarks.progress import progress
from benchmarks.server import PROJECT, shown
from feed.cli import FAILURE, CommandParser, fail, program_name

RESULTS = PROJECT / "benchmarks" / "results"
QUICK_RESULTS = RESULTS / "tmp" / "quick"
LOGS = RESULTS / "tmp" / "logs"  # server logs; with --out, in OUT/logs


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, write: 0 on success, 2 for a bad command line, 1 when a
    benchmark cannot go on (said in one line on stderr; the server logs hold the rest)."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        return fail(parser, "interrupted; nothing written", FAILURE)
    except Exception as exc:  # a benchmark that cannot go on: one line, no traceback
        return fail(parser, f"{type(exc).__name__}: {exc}", FAILURE)


def _run(args: argparse.Namespace) -> int:
    """Run what ``args`` ask for and write the results."""
    quick = args.quick
    out = args.out or (QUICK_RESULTS if quick else RESULTS)
    started = time.monotonic()
    results: dict[str, Any] = {"mode": "quick" if quick else "full", **machine.describe()}
    previous = report.load(out) if args.only else None
    for part in ("inprocess", "e2e"):
        if args.only in (None, part):
            results[part] = _run_part(part, quick, logs=(args.out or LOGS.parent) / "logs")
        elif previous and previous.get("mode") == results["mode"]:
            results[part] = previous.get(part)  # kept from an earlier run; it has its own date
    results["duration_s"] = time.monotonic() - started
    inprocess = results.get("inprocess") or {}
    results["targets"] = targets.check(
        inprocess.get("cells", []),
        (results.get("e2e") or {}).get("runs", []),
        inprocess.get("alone", []),
    )
    for path in report.write(results, out):
        progress(f"wrote {shown(path)}")
    for target in results["targets"]:
        progress(f"target {target['status']:>12}: {target['target']} ({target['detail']})")
    return 0


def _run_part(part: str, quick: bool, logs: Path) -> dict[str, Any]:
    """One benchmark, with its plan and date."""
    if part == "inprocess":
        plan = bench_tick.QUICK if quick else bench_tick.FULL
        cells_count = len(bench_tick.cells(plan))
        progress(f"in-process: {cells_count} cells x {len(plan.paths)} paths, "
                 f"up to {plan.rounds} ticks per path per cell")  # fmt: skip
        return {"date": machine.now_iso(), "plan": dataclasses.asdict(plan),
                "cells": bench_tick.run(plan, progress),
                "alone": bench_tick.run_alone(plan, progress)}  # fmt: skip
    plan = bench_e2e.QUICK if quick else bench_e2e.FULL
    count, minutes = len(bench_e2e.measurements(plan)), bench_e2e.estimated_s(plan) / 60
    progress(f"end to end: {count} measurements ({len(plan.configs)} configurations, "
             f"{len(plan.intervals)} intervals, {plan.rounds} rounds), {plan.warmup_s:g} s "
             f"warm-up + {plan.window_s:g} s window each: about {minutes:.0f} min")  # fmt: skip
    logs.mkdir(parents=True, exist_ok=True)
    return {"date": machine.now_iso(), "plan": dataclasses.asdict(plan),
            "runs": bench_e2e.run(plan, progress, log_dir=logs)}  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = CommandParser(prog=program_name("benchmarks", "feed-bench"), description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    parser.add_argument("--only", choices=("inprocess", "e2e"), help="run one benchmark")
    parser.add_argument("--out", type=Path, help="results directory (default: by mode)")
    return parser


if __name__ == "__main__":
    sys.exit(main())
