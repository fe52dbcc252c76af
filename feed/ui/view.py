"""One tick in Streamlit: update the feed, send the window to the chart, report how it went.

The app's fragment and the in-process benchmark both call ``draw_tick``, so the benchmark
measures exactly what the app runs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import streamlit as st

from feed.chart.spec import LEGEND, ZOOM
from feed.window.stream import ChartData, Feed, Update

CHART_KEY = "feed_chart"
"""The chart's widget key: its zoom lives in ``st.session_state[key]``, per session."""
BASE_SUFFIX = ".base"
"""``st.session_state[key + BASE_SUFFIX]``: the times' base (ns) of the data last sent to the
chart keyed ``key``, which the zoom it reports is relative to."""
DEFAULT_WIDTH_PX = 704
"""Pixel columns the chart is downsampled for: the width of Streamlit's centered layout
(46 rem less 1 rem of padding each side), which no chart in it exceeds at any screen size,
so what is drawn there is exact; raise it for the wide layout or a screen with more than one
device pixel per CSS pixel."""


@dataclass(frozen=True)
class Tick:
    """What one tick did: the poll's outcome, what was sent, and the tick's cost in seconds."""

    update: Update
    sent: ChartData
    seconds: float
    zoom: tuple[int, int] | None = None

    @property
    def added(self) -> int:
        return self.update.added

    @property
    def error(self) -> str | None:
        return self.update.error


def draw_tick(
    feed: Feed,
    spec: dict[str, Any],
    now: int | None = None,
    width_px: int = DEFAULT_WIDTH_PX,
    window: int | None = None,
    key: str = CHART_KEY,
) -> Tick:
    """Refresh the feed and draw its newest ``window`` samples (default: all it holds) with
    the compiled ``spec``, M4-downsampled to ``width_px`` pixel columns when they hold more
    than four points per column.

    An interactive chart (``compile_line_chart``'s default) zooms and pans its time axis in
    the page (wheel, drag; a double-click goes back to following the newest data); the page
    reports the range (Streamlit's selection event, which reruns the fragment) and from then
    on each tick sends that range, from the whole ring at full resolution. The zoom is kept
    in ``st.session_state[key]``: a new ``key`` is a new chart, following live. The legend's
    choice is reported the same way, and the crosshair's data then leaves out the series it
    hides. A chart compiled with ``interactive=False`` follows the newest data and gets no
    crosshair data.

    Never raises for the source's sake: a failing or slow source leaves the chart drawn from
    what is buffered, and the returned tick says what went wrong. The chart comes first in
    its container so its position, and with it the browser's Vega view, never moves.
    """
    started = time.perf_counter()
    update = feed.refresh(now)
    interactive = any(param.get("name") == ZOOM for param in spec.get("params", ()))
    state = st.session_state.get(key) if interactive else None
    base_key = f"{key}{BASE_SUFFIX}"  # the times' base of the data this chart last got
    zoom = zoomed_range(state, st.session_state.get(base_key, 0))
    shown = legend_shown(state, feed.names)
    zone = viewer_zone_ns()
    sent = feed.chart_data(width_px, window, zoom, interactive, shown, zone)
    st.session_state[base_key] = sent.base_ns
    chart = {**spec, "datasets": sent.datasets}
    if interactive:
        st.vega_lite_chart(
            chart, width="stretch", on_select="rerun", selection_mode=[ZOOM, LEGEND], key=key
        )
    else:
        st.vega_lite_chart(chart, width="stretch", key=key)
    return Tick(update, sent, time.perf_counter() - started, zoom)


def zoomed_range(state: Mapping[str, Any] | None, base_ns: int = 0) -> tuple[int, int] | None:
    """The time range (ns since the epoch) the chart's zoom holds, from its widget state
    (``{"selection": {"zoom": {"t": [start, end]}}}``, ms after ``base_ns`` or ISO text of
    that much after 1970, as the page's scale holds them), or None when it follows the
    newest data."""
    try:
        ends = state["selection"][ZOOM]["t"]  # type: ignore[index]
        start, end = (base_ns + _epoch_ns(end) for end in ends)
    except (KeyError, TypeError, ValueError):
        return None
    return (start, end) if start < end else None


def viewer_zone_ns() -> int:
    """How far (ns) the viewer's clock is ahead of UTC, from the offset their browser reports
    (``st.context.timezone_offset``: minutes behind UTC); 0 when it reports none."""
    minutes = st.context.timezone_offset
    return -int(minutes) * 60 * 10**9 if isinstance(minutes, int | float) else 0


def legend_shown(state: Mapping[str, Any] | None, names: tuple[str, ...]) -> tuple[int, ...] | None:
    """The series (by number in ``names``) the chart's legend shows, from its widget state
    (``{"selection": {"legend": [{"series": name}, ...]}}``), or None when it shows all (no
    series picked, or nothing it can read)."""
    try:
        picked = {entry["series"] for entry in state["selection"][LEGEND]}  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    shown = tuple(i for i, name in enumerate(names) if name in picked)
    return shown or None


def _epoch_ns(value: Any) -> int:
    """An instant the page sent, epoch milliseconds or ISO 8601 text, as ns since the epoch."""
    if isinstance(value, str):
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1e9)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"not an instant: {value!r}")
    return int(value * 1e6)


def show_tick_status(tick: Tick) -> None:
    """The source's error and warnings, if any (nothing at all on a healthy tick, so a tick
    sends no element beyond the chart)."""
    if tick.update.error is not None:
        st.error(
            f"The data source failed: {tick.update.error}. "
            "The chart keeps its data; the next tick tries again and catches up."
        )
    for warning in tick.update.warnings:
        st.warning(f"The data source sent bad data: {warning}.")
