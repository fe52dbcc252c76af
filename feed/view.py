"""One tick in Streamlit: update the feed, send the window to the chart, report how it went.

The app's fragment and the in-process benchmark both call ``draw_tick``, so the benchmark
measures exactly what the app runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import streamlit as st

from feed.chart import with_data
from feed.stream import Feed

DEFAULT_WIDTH_PX = 800
"""Pixel columns the chart is downsampled for. Wider than Streamlit's centered layout, so
what is drawn there is exact; raise it for wide layouts or large screens."""


@dataclass(frozen=True)
class Tick:
    """What one tick did: samples added, its cost in seconds, and the source's error if any."""

    added: int
    seconds: float
    error: Exception | None = None


def draw_tick(
    feed: Feed, spec: dict[str, Any], now: int | None = None, width_px: int = DEFAULT_WIDTH_PX
) -> Tick:
    """Poll the feed and draw its window with the compiled ``spec``, M4-downsampled to
    ``width_px`` pixel columns when it holds more than four points per column.

    A source that raises does not stop the tick: the chart is drawn from what is buffered and
    the error is returned, for the caller to show. Draw the chart first in its container so
    its position, and with it the browser's Vega view, stays the same whatever else is shown.
    """
    started = time.perf_counter()
    try:
        added, error = feed.update(now), None
    except Exception as exc:  # a failing source must not stop the stream
        added, error = 0, exc
    st.vega_lite_chart(with_data(spec, feed.chart_frame(width_px)), width="stretch")
    return Tick(added, time.perf_counter() - started, error)


def show_tick_status(tick: Tick) -> None:
    """The tick's cost, small, and the source's error, if it failed."""
    st.caption(f"Last tick: {tick.seconds * 1e3:.1f} ms")
    if tick.error is not None:
        st.error(
            f"The data source failed: {type(tick.error).__name__}: {tick.error}. "
            "The chart keeps its data; the next tick tries again and catches up."
        )
