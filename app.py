"""Data feed: the Streamlit tutorial "Start and stop a streaming fragment", on feed's fast path.

Run it with `streamlit run app.py`.
"""

from __future__ import annotations

import os
import string

import streamlit as st

from feed import Feed, SyntheticSource, compile_line_chart
from feed.settings import int_setting, run_every_override
from feed.view import DEFAULT_WIDTH_PX, draw_tick, show_tick_status

SAMPLE_INTERVAL_S = 0.5  # the tutorial's source: one sample every 0.5 s
WINDOW_CHOICES = [100, 1_000, 10_000, 100_000, 1_000_000]  # points per series
MAX_SERIES = 16


@st.cache_resource
def line_chart_spec(names: tuple[str, ...]) -> dict:
    """Compiled once per process: every tick reuses the same spec, so only data travels."""
    return compile_line_chart(names)


def series_names(count: int) -> tuple[str, ...]:
    """A, B, C, ...: the tutorial's names, extended."""
    return tuple(string.ascii_uppercase[:count])


def new_feed(window: int, series: int) -> Feed:
    """The session's feed; the first poll fills the window (at least the tutorial's 60 s)."""
    backfill = max(60.0, (window + 1) * SAMPLE_INTERVAL_S)  # the grid excludes both ends
    source = SyntheticSource(series_names(series), SAMPLE_INTERVAL_S, backfill=backfill)
    return Feed(source, capacity=window)


def apply_settings(feed: Feed, window: int, series: int) -> None:
    """Resize the window or change the series, keeping what is buffered where it fits."""
    if series != len(feed.names):
        names = series_names(series)
        source = SyntheticSource(names, SAMPLE_INTERVAL_S, start_after=feed.ring.last_time)
        feed.reconfigure(capacity=window, source=source)
    elif window != feed.ring.capacity:
        feed.reconfigure(capacity=window)


if "window" not in st.session_state:
    st.session_state.window = int_setting(os.environ, "FEED_WINDOW", 100, 1, WINDOW_CHOICES[-1])
    st.session_state.series = int_setting(os.environ, "FEED_SERIES", 2, 1, MAX_SERIES)
if "feed" not in st.session_state:
    st.session_state.feed = new_feed(st.session_state.window, st.session_state.series)
if "stream" not in st.session_state:
    st.session_state.stream = False


def toggle_streaming() -> None:
    st.session_state.stream = not st.session_state.stream


st.title("Data feed")
st.sidebar.slider("Check for updates every: (seconds)", 0.5, 5.0, value=1.0, key="run_every")
st.sidebar.button("Start streaming", disabled=st.session_state.stream, on_click=toggle_streaming)
st.sidebar.button("Stop streaming", disabled=not st.session_state.stream, on_click=toggle_streaming)

override = run_every_override()
if override is not None:
    st.sidebar.caption(f"Interval set to {override:g} s by `FEED_RUN_EVERY`.")

with st.sidebar.expander("Window and chart"):
    st.select_slider(
        "Window (points per series)",
        options=sorted({*WINDOW_CHOICES, st.session_state.window}),
        key="window",
        format_func=lambda n: f"{n:,}",
    )
    st.slider("Series", 1, MAX_SERIES, key="series")
    st.number_input(
        "Chart width for downsampling (px)",
        min_value=100,
        max_value=8_000,
        value=DEFAULT_WIDTH_PX,
        step=100,
        key="width_px",
        help="Windows with more than 4 points per pixel column are M4-downsampled to this "
        "many columns: the line drawn is the same, with far fewer points sent.",
    )
apply_settings(st.session_state.feed, st.session_state.window, st.session_state.series)

if st.session_state.stream:
    run_every = override if override is not None else st.session_state.run_every
else:
    run_every = None


@st.fragment(run_every=run_every)
def show_latest_data() -> None:
    feed: Feed = st.session_state.feed
    tick = draw_tick(feed, line_chart_spec(feed.names), width_px=st.session_state.width_px)
    show_tick_status(tick)


show_latest_data()
