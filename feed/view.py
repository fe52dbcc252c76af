"""One tick in Streamlit: update the feed, send the window to the chart, report how it went.

The app's fragment and the in-process benchmark both call ``draw_tick``, so the benchmark
measures exactly what the app runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import streamlit as st

from feed.stream import ChartData, Feed, Update

DEFAULT_WIDTH_PX = 800
"""Pixel columns the chart is downsampled for. Wider than Streamlit's centered layout, so
what is drawn there is exact; raise it for wide layouts or large screens."""


@dataclass(frozen=True)
class Tick:
    """What one tick did: the poll's outcome, what was sent, and the tick's cost in seconds."""

    update: Update
    sent: ChartData
    seconds: float

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
) -> Tick:
    """Refresh the feed and draw its newest ``window`` samples (default: all it holds) with
    the compiled ``spec``, M4-downsampled to ``width_px`` pixel columns when they hold more
    than four points per column.

    Never raises for the source's sake: a failing or slow source leaves the chart drawn from
    what is buffered, and the returned tick says what went wrong. The chart comes first in
    its container so its position, and with it the browser's Vega view, never moves.
    """
    started = time.perf_counter()
    update = feed.refresh(now)
    sent = feed.chart_data(width_px, window)
    st.vega_lite_chart({**spec, "datasets": sent.datasets}, width="stretch")
    return Tick(update, sent, time.perf_counter() - started)


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
