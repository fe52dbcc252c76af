"""What the interactive chart costs: the grid's cells with and without interaction.

``python -m benchmarks.bench_interactive``: ``app.py`` at 0.5 s on a few cells of the
page-cost grid, once as it ships (zoom, legend, hover: ``FEED_INTERACTIVE=1``) and once
without (``FEED_INTERACTIVE=0``), beside the empty fragment (the floor), ``rounds`` rounds
interleaved, each a fresh server and browser (``benchmarks/bench_e2e.py`` measures). Per
cell: ticks achieved, server CPU and page main-thread time per tick with their ratios to the
floor's, and websocket bytes per tick. Writes ``results/INTERACTIVE.md`` and
``results/interactive.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from benchmarks import bench_e2e
from benchmarks.report import table, write_page
from benchmarks.server import PROJECT

RESULTS = PROJECT / "benchmarks" / "results"
CELLS = ((1_000_000, 2), (10_000, 16), (1_000_000, 16))
MODES = {"interactive": "1", "static": "0"}


def configs() -> list[bench_e2e.Config]:
    """The floor, then each cell in each mode."""
    cells = [
        bench_e2e.Config(
            f"{bench_e2e.grid_config(window, series).name}-{mode}",
            PROJECT / "app.py",
            "postScriptGC = false",
            env={**bench_e2e.grid_config(window, series).env, "FEED_INTERACTIVE": flag},
            window=window,
            series=series,
        )
        for window, series in CELLS
        for mode, flag in MODES.items()
    ]
    return [bench_e2e.by_name()[bench_e2e.FLOOR], *cells]


def measure(rounds: int, warmup_s: float, window_s: float) -> list[dict[str, Any]]:
    """Every configuration, ``rounds`` times, the order rotating each round."""
    from playwright.sync_api import sync_playwright

    plan = bench_e2e.Plan(intervals=(0.5,), rounds=rounds, warmup_s=warmup_s, window_s=window_s)
    chosen = configs()
    windows: dict[str, list[dict[str, Any]]] = {c.name: [] for c in chosen}
    with sync_playwright() as playwright:
        for round_ in range(rounds):
            shift = round_ % len(chosen)
            for config in chosen[shift:] + chosen[:shift]:
                window = bench_e2e.measure_retrying(playwright, config, 0.5, plan, None, print)
                windows[config.name].append(window)
                print(bench_e2e.describe(bench_e2e.figures(config, 0.5, [window])), flush=True)
    return [bench_e2e.figures(c, 0.5, windows[c.name]) for c in chosen]


def write(results: list[dict[str, Any]], out: Path) -> Path:
    floor = results[0]
    header = ["cell", "mode", "ticks", "server ms/tick (x floor)", "page ms/tick (x floor)",
              "kB/tick"]  # fmt: skip
    rows = []
    for r in results:
        server, page = r["server_cpu_ms_per_tick"], r["browser_task_ms_per_tick"]
        rows.append([
            "floor" if r is floor else f"{r['window_points']:,} x {r['series']}",
            "" if r is floor else r["config"].rsplit("-", 1)[1],
            f"{r['achieved_pct']:.0f}%",
            f"{server:.1f} ({server / floor['server_cpu_ms_per_tick']:.1f}x)",
            f"{page:.1f} ({page / floor['browser_task_ms_per_tick']:.1f}x)",
            f"{r['ws_bytes_per_tick'] / 1e3:.0f}",
        ])  # fmt: skip
    rounds = f"Rounds: {floor['rounds']}, pooled: totals over total ticks.\n\n"
    slim = [{k: v for k, v in r.items() if k != "windows"} for r in results]
    title = "The interactive chart's cost: with and without interaction"
    names = ("interactive.json", "INTERACTIVE.md")
    return write_page(slim, out, names, title, __doc__, rounds + table(header, rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_interactive", description=__doc__
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup-s", type=float, default=3.0)
    parser.add_argument("--window-s", type=float, default=12.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results = measure(args.rounds, args.warmup_s, args.window_s)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"wrote {write(results, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
