"""In-process benchmark: the fragment body's cost per tick, inside a real script run.

Each cell (window rows x series) is one AppTest script run: a real ``ScriptRunContext``, so
every ``st.*`` call does its full work (bare mode would skip it). Inside that run the four
paths are set up over a full window (untimed), then ticked round-robin, in a rotating order,
so machine noise hits every path alike. The fake clock advances ``ADVANCE_S`` per round, so
each tick appends real rows (2 at the tutorial's 0.5 s sampling) before drawing.

How feed's tick grows with the window is measured again *alone* (feed and the floor, no
baseline in the process): the baseline's own tick over a big window (about 340 ms over
1M-row frames) evicts the caches, so whatever ticks after it in a big cell runs colder than
in a small one, for reasons that are not its own.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from benchmarks.paths import PATHS, Now, make_path
from benchmarks.progress import progress_bar
from benchmarks.stats import ratio, summary
from feed.sources.base import NS_PER_SECOND

ADVANCE_S = 1.0  # the slider's default interval: 2 new samples per tick
START_NS = 1_735_732_800 * NS_PER_SECOND  # 2025-01-01 12:00 UTC: a fixed, repeatable clock
SERIES_NAMES = tuple("ABCDEFGHIJKLMNOP")  # up to 16 series, as the app allows
ALONE_PATHS = ("feed", "floor")  # the floor shows whether every cell ran alike


@dataclass(frozen=True)
class Plan:
    """What to measure: the grid, a series sweep at one window size, and how many ticks per
    path in each cell. Sweep cells already in the grid are measured once."""

    rows: tuple[int, ...] = (100, 1_000, 10_000, 100_000, 1_000_000)
    series: tuple[int, ...] = (2, 8)
    sweep_rows: int = 100_000
    sweep_series: tuple[int, ...] = (1, 2, 4, 8, 16)
    rounds: int = 200  # timed ticks per path, at most
    warmup: int = 3  # untimed rounds first (imports, caches, first allocations)
    min_rounds: int = 5
    budget_s: float = 40.0  # per cell: fewer rounds for the big windows
    paths: tuple[str, ...] = PATHS
    alone_rows: tuple[int, ...] = (100, 1_000, 10_000, 100_000, 1_000_000)  # feed alone
    alone_series: int = 2


FULL = Plan()
QUICK = Plan(rows=(100, 1_000), series=(2,), sweep_rows=1_000, sweep_series=(1, 2, 16),
             rounds=15, warmup=2, min_rounds=3, budget_s=5.0, alone_rows=(100, 1_000))  # fmt: skip


def cells(plan: Plan) -> list[tuple[int, int]]:
    """Every (rows, series) cell of ``plan``, once each: the grid, then the sweep's others."""
    grid = [(rows, series) for series in plan.series for rows in plan.rows]
    sweep = [(plan.sweep_rows, series) for series in plan.sweep_series]
    return list(dict.fromkeys(grid + sweep))


def run(plan: Plan = FULL, progress: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Measure every cell of ``plan``; one result dict per cell, in grid order."""
    results = []
    with progress_bar(len(cells(plan)), "cell") as bar:
        for rows, series in cells(plan):
            bar.set_description(f"in-process {rows:,} rows x {series} series")
            cell = measure_cell(rows, series, plan)
            results.append(cell)
            progress(describe_cell(cell))
            bar.update(1)
    return results


def run_alone(plan: Plan = FULL, progress: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Feed's tick over windows of each of ``plan.alone_rows``, beside the floor only."""
    alone = dataclasses.replace(plan, paths=ALONE_PATHS)
    results = []
    for rows in plan.alone_rows:
        cell = measure_cell(rows, plan.alone_series, alone)
        results.append(cell)
        progress(f"alone: {describe_cell(cell)}")
    return results


def measure_cell(rows: int, series: int, plan: Plan) -> dict[str, Any]:
    """One cell, in its own AppTest script run; raises if the script run failed."""
    from streamlit.testing.v1 import AppTest

    kwargs = {"rows": rows, "series": series, "plan": plan}
    # AppTest's constructor touches session state outside a script run, which logs a
    # harmless "missing ScriptRunContext" warning when not under pytest: keep it quiet.
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        app = AppTest.from_function(_cell_script, kwargs=kwargs, default_timeout=3600)
    finally:
        quiet.setLevel(level)
    app.run()
    if app.exception:
        raise RuntimeError(f"in-process cell {rows} x {series} failed: {app.exception[0].value}")
    samples: dict[str, list[float]] = app.session_state["samples_ms"]
    return cell_result(rows, series, samples)


def _cell_script(rows: int, series: int, plan: object) -> None:  # pragma: no cover - AppTest
    """The AppTest script: runs in Streamlit's script thread, hands samples back in state.

    AppTest runs this function's source on its own, so it imports what it needs and its
    annotations name only builtins."""
    import streamlit as st

    from benchmarks.bench_tick import tick_samples

    st.session_state["samples_ms"] = tick_samples(rows, series, plan)


def tick_samples(rows: int, series: int, plan: Plan) -> dict[str, list[float]]:
    """Per-tick milliseconds for each path; call inside a script run.

    Each path draws into its own ``st.empty`` slot, re-filled every tick, as a fragment
    re-fills its container; only the body is inside the timed region.
    """
    import streamlit as st

    names = SERIES_NAMES[:series]
    now = Now(START_NS)
    paths = {name: make_path(name, rows, names, now) for name in plan.paths}
    slots = {name: st.empty() for name in plan.paths}
    samples: dict[str, list[float]] = {name: [] for name in plan.paths}
    started = time.perf_counter()
    for round_ in range(plan.warmup + plan.rounds):
        now = Now(now.ns + round(ADVANCE_S * NS_PER_SECOND))
        for name in rotated(plan.paths, round_):
            with slots[name].container():
                begin = time.perf_counter()
                paths[name].tick(now)
                elapsed = time.perf_counter() - begin
            if round_ >= plan.warmup:
                samples[name].append(elapsed * 1e3)
        timed = round_ + 1 - plan.warmup
        if timed >= plan.min_rounds and time.perf_counter() - started > plan.budget_s:
            break
    return samples


def rotated(items: tuple[str, ...], shift: int) -> Iterable[str]:
    """``items`` starting at position ``shift``: no path always runs first."""
    shift %= len(items)
    return items[shift:] + items[:shift]


def cell_result(rows: int, series: int, samples: dict[str, list[float]]) -> dict[str, Any]:
    """A cell's samples with their summaries and the baseline/feed ratio of medians."""
    stats = {name: summary(values) for name, values in samples.items()}
    medians = {name: s["median"] for name, s in stats.items()}
    return {
        "rows": rows,
        "series": series,
        "median_ms": medians,
        "p95_ms": {name: s["p95"] for name, s in stats.items()},
        "ticks": {name: s["n"] for name, s in stats.items()},
        "ratio_baseline_feed": ratio(medians.get("baseline", math.nan), medians.get("feed", 0)),
        "samples_ms": samples,
    }


def describe_cell(cell: dict[str, Any]) -> str:
    """One progress line: the cell and each path's median."""
    medians = "  ".join(f"{name} {ms:8.2f} ms" for name, ms in cell["median_ms"].items())
    ticks = min(cell["ticks"].values())
    versus = cell["ratio_baseline_feed"]
    return (
        f"in-process {cell['rows']:>9,} rows x {cell['series']} series ({ticks} ticks): "
        f"{medians}" + (f"  baseline/feed {versus:.1f}x" if math.isfinite(versus) else "")
    )
