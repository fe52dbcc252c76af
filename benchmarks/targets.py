"""The issue's targets, checked against measured figures (never asserted by tests)."""

from __future__ import annotations

import math
from typing import Any

from benchmarks.stats import ratio

INPROCESS_RATIO = 40.0  # 100 rows x 2 series: baseline/feed at least this
FLOOR_FACTOR = 1.25  # e2e at 0.5 s: feed's server CPU per tick at most this times the floor's
SHIPPED_FACTOR = 15.0  # e2e at 0.5 s: the tutorial as shipped at least this times feed's
ACHIEVED_PCT = 95.0  # e2e at 0.1 s: feed achieves at least this share of requested ticks


def check(cells: list[dict[str, Any]], runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target: what it asks, the measured value, and met / missed / not measured."""
    return [
        _inprocess_ratio(cells),
        _feed_vs_floor(runs),
        _shipped_vs_feed(runs),
        _achieved(runs),
    ]


def _target(name: str, value: float, unit: str, met: bool, detail: str) -> dict[str, Any]:
    """One checked target; ``unit`` is "x" (a ratio) or "%"."""
    status = "not measured" if math.isnan(value) else ("met" if met else "missed")
    return {"target": name, "value": value, "unit": unit, "status": status, "detail": detail}


def _cell(cells: list[dict[str, Any]], rows: int, series: int) -> dict[str, Any] | None:
    return next((c for c in cells if c["rows"] == rows and c["series"] == series), None)


def _run(runs: list[dict[str, Any]], config: str, interval: float) -> dict[str, Any] | None:
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
