"""The issue's targets, checked against measured figures (never asserted by tests)."""

from __future__ import annotations

import math
from typing import Any

from benchmarks.bench_e2e import FAST, FAST_INTERVAL, FLOOR, GRID, GRID_INTERVAL, short
from benchmarks.stats import ratio

INPROCESS_RATIO = 40.0  # 100 rows x 2 series: baseline/feed at least this
FLOOR_FACTOR = 1.25  # e2e at 0.5 s: feed's server CPU per tick at most this times the floor's
SHIPPED_FACTOR = 15.0  # e2e at 0.5 s: the tutorial as shipped at least this times feed's
ACHIEVED_PCT = 95.0  # e2e at 0.1 s: feed achieves at least this share of requested ticks
BIG_WINDOW_MS = 5.0  # in process, 1M rows x 2 series: feed's median tick at most this
BIG_WINDOW_FACTOR = 3.0  # ... and at most this times its tick at 1k rows x 2 series
BIG_FLOOR_FACTOR = 2.0  # e2e feed-1M at 0.5 s: server CPU per tick at most this times the floor's
BIG_WS_KB = 150.0  # e2e feed-1M at 0.5 s: websocket kB per tick under this
# The page-cost grid, every cell at 0.5 s (and FAST at 0.1 s), against the floor in the same run:
GRID_ACHIEVED_PCT = 95.0  # at least this share of the requested ticks
GRID_SERVER_FACTOR = 2.0  # server CPU per tick at most this times the floor's
GRID_WS_KB = 300.0  # websocket kB per tick at most this
GRID_PAGE_FACTOR = {1: 3.0, 2: 3.0, 16: 6.0}  # page main-thread ms per tick, times the floor's
"""By series count; a count not listed (8) has its ratio reported, with no target."""


def check(
    cells: list[dict[str, Any]],
    runs: list[dict[str, Any]],
    alone: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Each target: what it asks, the measured value, and met / missed / not measured.

    ``cells`` are the in-process cells (every path in each), ``alone`` feed's cells without
    the baseline (``bench_tick.run_alone``), ``runs`` the end-to-end runs."""
    return [
        _inprocess_ratio(cells),
        _feed_vs_floor(runs),
        _shipped_vs_feed(runs),
        _achieved(runs),
        _big_window_ms(cells),
        _big_window_factor(alone or [], cells),
        _big_vs_floor(runs),
        _big_ws(runs),
        *(_big_achieved(runs, interval) for interval in (0.5, 0.1)),
        *grid(runs),
    ]


def grid(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The page-cost grid's targets: per cell at 0.5 s, ticks, server CPU against the floor,
    websocket bytes, and the page's main thread against the floor; then the fast source's
    ticks at 0.1 s."""
    floor = _run(runs, FLOOR, GRID_INTERVAL)
    checked = []
    for config in GRID:
        run = _run(runs, config.name, GRID_INTERVAL)
        cell = f"{short(config.window or 0)} x {config.series} series"
        checked += [
            _ticks(run, config.name, GRID_INTERVAL, f"{cell}: "),
            _grid_server(run, floor, config.name, cell),
            _grid_ws(run, config.name, cell),
            _grid_page(run, floor, config.name, cell, config.series or 0),
        ]
    fast = f"1M x 2 series, a new sample every tick (FEED_SAMPLE_INTERVAL={FAST_INTERVAL:g}): "
    checked.append(_ticks(_run(runs, FAST, FAST_INTERVAL), FAST, FAST_INTERVAL, fast))
    return checked


def _missing(name: str, interval: float) -> str:
    return f"{name} at {interval:g} s not measured"


def _ticks(run: dict[str, Any] | None, name: str, interval: float, what: str) -> dict[str, Any]:
    value = run["achieved_pct"] if run else math.nan
    detail = (
        f"{run['ticks']} ticks in {run['window_s']:.1f} s = {run['ticks_per_s']:.2f}/s of "
        f"{run['requested_per_s']:g}/s requested (Playwright counted "
        f"{run.get('ticks_playwright', run['ticks'])})"
        if run
        else _missing(name, interval)
    )
    return _target(
        f"Grid at {interval:g} s, {what}at least {GRID_ACHIEVED_PCT:g}% of the requested ticks",
        value,
        "%",
        value >= GRID_ACHIEVED_PCT,
        detail,
    )


def _grid_server(
    run: dict[str, Any] | None, floor: dict[str, Any] | None, name: str, cell: str
) -> dict[str, Any]:
    cpu, floor_cpu = _cpu(run), _cpu(floor)
    value = ratio(cpu, floor_cpu)
    detail = (
        f"{name} {cpu:.2f} ms / floor {floor_cpu:.2f} ms per tick"
        if run and floor
        else _missing(name if not run else FLOOR, GRID_INTERVAL)
    )
    return _target(
        f"Grid at {GRID_INTERVAL:g} s, {cell}: server CPU per tick at most "
        f"{GRID_SERVER_FACTOR:g}x the floor's",
        value,
        "x",
        value <= GRID_SERVER_FACTOR,
        detail,
    )


def _grid_ws(run: dict[str, Any] | None, name: str, cell: str) -> dict[str, Any]:
    value = run["ws_bytes_per_tick"] / 1e3 if run and run["ticks"] else math.nan
    return _target(
        f"Grid at {GRID_INTERVAL:g} s, {cell}: websocket bytes per tick at most {GRID_WS_KB:g} kB",
        value,
        "kB",
        value <= GRID_WS_KB,
        f"{name} {value:.1f} kB per tick received by the page"
        if run
        else _missing(name, GRID_INTERVAL),
    )


def _grid_page(
    run: dict[str, Any] | None, floor: dict[str, Any] | None, name: str, cell: str, series: int
) -> dict[str, Any]:
    page = run["browser_task_ms_per_tick"] if run else math.nan
    floor_page = floor["browser_task_ms_per_tick"] if floor else math.nan
    value = ratio(page, floor_page)
    factor = GRID_PAGE_FACTOR.get(series)
    detail = (
        f"page main thread {page:.1f} ms / floor {floor_page:.1f} ms per tick (CDP TaskDuration)"
        if run and floor
        else _missing(name if not run else FLOOR, GRID_INTERVAL)
    )
    asked = f"at most {factor:g}x the floor's" if factor else "against the floor's (no target)"
    return _target(
        f"Grid at {GRID_INTERVAL:g} s, {cell}: page main-thread time per tick {asked}",
        value,
        "x",
        None if factor is None else value <= factor,
        detail,
    )


def _target(name: str, value: float, unit: str, met: bool | None, detail: str) -> dict[str, Any]:
    """One checked target; ``unit`` is "x" (a ratio), "%", "ms" or "kB"; ``met`` None for a
    figure reported with no target."""
    if math.isnan(value):
        status = "not measured"
    elif met is None:
        status = "no target"
    else:
        status = "met" if met else "missed"
    return {"target": name, "value": value, "unit": unit, "status": status, "detail": detail}


def _cell(cells: list[dict[str, Any]], rows: int, series: int) -> dict[str, Any] | None:
    return next((c for c in cells if c["rows"] == rows and c["series"] == series), None)


def _run(runs: list[dict[str, Any]], config: str, interval: float) -> dict[str, Any] | None:
    """The run of ``config`` at ``interval``, if measured (and it ticked)."""
    return next(
        (r for r in runs if r["config"] == config and math.isclose(r["interval_s"], interval)),
        None,
    )


def _cpu(run: dict[str, Any] | None) -> float:
    return run["server_cpu_ms_per_tick"] if run else math.nan


def _inprocess_ratio(cells: list[dict[str, Any]]) -> dict[str, Any]:
    cell = _cell(cells, 100, 2)
    value = cell["ratio_baseline_feed"] if cell else math.nan
    detail = (
        f"baseline {cell['median_ms']['baseline']:.2f} ms / feed {cell['median_ms']['feed']:.3f} ms"
        if cell
        else "cell 100 x 2 not measured"
    )
    return _target(
        f"In process, 100 rows x 2 series: feed at least {INPROCESS_RATIO:g}x cheaper "
        "than baseline",
        value,
        "x",
        value >= INPROCESS_RATIO,
        detail,
    )


def _feed_vs_floor(runs: list[dict[str, Any]]) -> dict[str, Any]:
    feed, floor = _cpu(_run(runs, "feed", 0.5)), _cpu(_run(runs, "floor", 0.5))
    value = ratio(feed, floor)
    return _target(
        f"End to end at 0.5 s: feed's server CPU per tick at most {FLOOR_FACTOR:g}x the floor's",
        value,
        "x",
        value <= FLOOR_FACTOR,
        f"feed {feed:.2f} ms / floor {floor:.2f} ms per tick (both postScriptGC = false)",
    )


def _shipped_vs_feed(runs: list[dict[str, Any]]) -> dict[str, Any]:
    shipped, feed = _cpu(_run(runs, "tutorial-as-shipped", 0.5)), _cpu(_run(runs, "feed", 0.5))
    value = ratio(shipped, feed)
    return _target(
        f"End to end at 0.5 s: feed's server CPU per tick at least {SHIPPED_FACTOR:g}x lower "
        "than the tutorial app as shipped",
        value,
        "x",
        value >= SHIPPED_FACTOR,
        f"tutorial as shipped {shipped:.2f} ms / feed {feed:.2f} ms per tick",
    )


def _achieved(runs: list[dict[str, Any]]) -> dict[str, Any]:
    run = _run(runs, "feed", 0.1)
    value = run["achieved_pct"] if run else math.nan
    detail = (
        f"{run['ticks']} ticks in {run['window_s']:.1f} s = {run['ticks_per_s']:.2f}/s "
        f"of {run['requested_per_s']:g}/s requested"
        if run
        else "feed at 0.1 s not measured"
    )
    return _target(
        f"End to end at 0.1 s: feed achieves at least {ACHIEVED_PCT:g}% of the requested ticks",
        value,
        "%",
        value >= ACHIEVED_PCT,
        detail,
    )


def _feed_ms(cell: dict[str, Any] | None) -> float:
    return cell["median_ms"].get("feed", math.nan) if cell else math.nan


def _big_window_ms(cells: list[dict[str, Any]]) -> dict[str, Any]:
    value = _feed_ms(_cell(cells, 1_000_000, 2))
    return _target(
        f"In process, 1M points x 2 series: feed's tick at most {BIG_WINDOW_MS:g} ms (median)",
        value,
        "ms",
        value <= BIG_WINDOW_MS,
        f"feed {value:.2f} ms per tick at 1,000,000 rows x 2 series",
    )


def _big_window_factor(alone: list[dict[str, Any]], cells: list[dict[str, Any]]) -> dict[str, Any]:
    """Read on feed alone; the same ratio beside the baseline is in the detail."""
    big, small = _feed_ms(_cell(alone, 1_000_000, 2)), _feed_ms(_cell(alone, 1_000, 2))
    value = ratio(big, small)
    beside = [_feed_ms(_cell(cells, rows, 2)) for rows in (1_000_000, 1_000)]
    return _target(
        f"In process, 2 series: feed's tick at 1M points at most {BIG_WINDOW_FACTOR:g}x its "
        "tick at 1k points (feed alone)",
        value,
        "x",
        value <= BIG_WINDOW_FACTOR,
        f"feed alone {big:.2f} ms at 1M rows / {small:.3f} ms at 1k rows (medians); beside "
        f"the baseline {beside[0]:.2f} / {beside[1]:.3f} ms = {ratio(*beside):.2f}x",
    )


def _big_vs_floor(runs: list[dict[str, Any]]) -> dict[str, Any]:
    big, floor = _cpu(_run(runs, "feed-1M", 0.5)), _cpu(_run(runs, "floor", 0.5))
    value = ratio(big, floor)
    return _target(
        f"End to end at 0.5 s, 1M-point window: feed's server CPU per tick at most "
        f"{BIG_FLOOR_FACTOR:g}x the floor's",
        value,
        "x",
        value <= BIG_FLOOR_FACTOR,
        f"feed-1M {big:.2f} ms / floor {floor:.2f} ms per tick",
    )


def _big_ws(runs: list[dict[str, Any]]) -> dict[str, Any]:
    run = _run(runs, "feed-1M", 0.5)
    value = run["ws_bytes_per_tick"] / 1e3 if run and run["ticks"] else math.nan
    return _target(
        f"End to end at 0.5 s, 1M-point window: websocket bytes per tick under {BIG_WS_KB:g} kB",
        value,
        "kB",
        value < BIG_WS_KB,
        f"feed-1M {value:.1f} kB per tick received by the browser"
        if run
        else "feed-1M at 0.5 s not measured",
    )


def _big_achieved(runs: list[dict[str, Any]], interval: float) -> dict[str, Any]:
    run = _run(runs, "feed-1M", interval)
    value = run["achieved_pct"] if run else math.nan
    detail = (
        f"{run['ticks']} ticks in {run['window_s']:.1f} s = {run['ticks_per_s']:.2f}/s "
        f"of {run['requested_per_s']:g}/s requested"
        if run
        else f"feed-1M at {interval:g} s not measured"
    )
    return _target(
        f"End to end at {interval:g} s, 1M-point window: feed achieves at least "
        f"{ACHIEVED_PCT:g}% of the requested ticks",
        value,
        "%",
        value >= ACHIEVED_PCT,
        detail,
    )
