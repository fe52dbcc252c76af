"""Data feed: the Streamlit tutorial "Start and stop a streaming fragment", on feed's fast path.

Run it with `streamlit run app.py` (add `-- --source system` for this machine's CPU and memory).
Every session viewing the same source shares one feed; each keeps its own start/stop,
interval, window and chart width.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import streamlit as st

from feed import Feed, SyntheticSource, compile_line_chart, memory
from feed.catalog import (
    MAX_SERIES,
    SAMPLE_INTERVAL_S,
    SOURCE_KINDS,
    SourceConfig,
    make_source,
    parse_cli,
)
from feed.readout import TickHistory
from feed.settings import int_setting, run_every_override
from feed.view import DEFAULT_WIDTH_PX, draw_tick, show_tick_status

WINDOW_CHOICES = [100, 1_000, 10_000, 100_000, 1_000_000]  # points per series
MAX_WINDOW = WINDOW_CHOICES[-1]
FIRST_WINDOW = int_setting(os.environ, "FEED_WINDOW", 100, 1, MAX_WINDOW)


@st.cache_resource
def line_chart_spec(names: tuple[str, ...]) -> dict:
    """Compiled once per process: every tick reuses the same spec, so only data travels."""
    return compile_line_chart(names)


@st.cache_resource(max_entries=16)
def shared_feed(config: SourceConfig, backfill_s: float, _previous: Feed | None = None) -> Feed:
    """One feed per source configuration, shared by every session that views it.

    Switching the synthetic source to more or fewer series carries the shared series over.
    """
    carry = (
        config.kind == "synthetic"
        and _previous is not None
        and isinstance(_previous.source, SyntheticSource)
        and _previous.ring.last_time is not None
    )
    start_after = _previous.ring.last_time if carry else None
    feed = Feed(
        make_source(config, backfill_s, start_after), capacity=MAX_WINDOW, min_poll_interval=0.05
    )
    if carry:
        feed.carry_over(_previous)
    return feed


def startup_config() -> SourceConfig:
    """The source named on the command line, with FEED_SERIES as the synthetic default.

    `streamlit run app.py -- ARGS` leaves `sys.argv == ["app.py", *ARGS]`; anything else
    (AppTest under pytest, say) has arguments that are not ours.
    """
    launched_as_script = Path(sys.argv[0]).name == Path(__file__).name
    config = parse_cli(sys.argv[1:] if launched_as_script else [])
    series = int_setting(os.environ, "FEED_SERIES", config.series, 1, MAX_SERIES)
    return dataclasses.replace(config, series=series)


if "source" not in st.session_state:
    first = startup_config()
    st.session_state.source, st.session_state.series = first.kind, first.series
    st.session_state.startup = first  # the command line's choices: defaults for the inputs
    st.session_state.window = FIRST_WINDOW
if "stream" not in st.session_state:
    st.session_state.stream = False
if "ticks" not in st.session_state:
    st.session_state.ticks = TickHistory()


def toggle_streaming() -> None:
    st.session_state.stream = not st.session_state.stream
    st.session_state.ticks = TickHistory()  # the readout's rate is for this run of ticks


st.title("Data feed")
st.sidebar.slider("Check for updates every: (seconds)", 0.5, 5.0, value=1.0, key="run_every")
st.sidebar.button("Start streaming", disabled=st.session_state.stream, on_click=toggle_streaming)
st.sidebar.button("Stop streaming", disabled=not st.session_state.stream, on_click=toggle_streaming)

override = run_every_override()
if override is not None:
    st.sidebar.caption(f"Interval set to {override:g} s by `FEED_RUN_EVERY`.")

with st.sidebar.expander("Source, window and chart"):
    st.selectbox("Source", SOURCE_KINDS, key="source")
    st.slider(
        "Series", 1, MAX_SERIES, key="series", disabled=st.session_state.source != "synthetic"
    )
    if st.session_state.source == "file":
        st.text_input(
            "File to follow (CSV or NDJSON)",
            value=st.session_state.startup.path or "",
            key="path",
            help="Try it: `python -m feed.writer data.csv` in another terminal.",
        )
    if st.session_state.source == "redis":
        st.text_input("Redis URL", value=st.session_state.startup.redis_url, key="redis_url")
        st.text_input(
            "Stream",
            value=st.session_state.startup.stream,
            key="stream_name",
            help="Publish into it: `python -m feed.produce --source synthetic`.",
        )
    st.select_slider(
        "Window (points per series)",
        options=sorted({*WINDOW_CHOICES, st.session_state.window}),
        key="window",
        format_func=lambda n: f"{n:,}",
    )
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

try:
    kind, startup = st.session_state.source, st.session_state.startup
    # An input not shown this run has no state: the command line's value stands in.
    config = SourceConfig(
        kind,
        st.session_state.series,
        path=(st.session_state.get("path") or None) if kind == "file" else None,
        redis_url=st.session_state.get("redis_url", startup.redis_url),
        stream=st.session_state.get("stream_name", startup.stream),
    )
    # A feed put in session state by hand (tests do) stays until the user picks another source.
    if "feed" not in st.session_state or st.session_state.get("feed_config", config) != config:
        backfill_s = max(60.0, (FIRST_WINDOW + 1) * SAMPLE_INTERVAL_S)  # fill the first window
        previous = st.session_state.get("feed")
        st.session_state.feed = shared_feed(config, backfill_s, _previous=previous)
        st.session_state.feed_config = config
except (OSError, TypeError, ValueError) as exc:  # a source that cannot start: say why
    st.error(f"Cannot start the {st.session_state.source} source: {exc}")
    st.stop()

readout = st.sidebar.empty()  # the fragment fills it, at most once a second
feed: Feed = st.session_state.feed
window = st.session_state.window
for label, file_format in (("CSV", "csv"), ("Parquet", "parquet")):
    st.sidebar.download_button(
        f"Download window as {label}",
        help="Every sample in your window, not the downsampled chart.",
        data=lambda file_format=file_format: feed.export(file_format, last=window),
        file_name=f"feed-window.{file_format}",
        on_click="ignore",
        key=f"download_{file_format}",
    )
memory.keep_page_timings_bounded()  # the page's per-run timing entries (see feed/memory.py)

if st.session_state.stream:
    run_every = override if override is not None else st.session_state.run_every
else:
    run_every = None


@st.fragment(run_every=run_every)
def show_latest_data() -> None:
    feed: Feed = st.session_state.feed
    tick = draw_tick(
        feed,
        line_chart_spec(feed.names),
        width_px=st.session_state.width_px,
        window=st.session_state.window,
    )
    show_tick_status(tick)
    memory.collect_now_and_then()  # a full GC pass every 30 s, not after every run
    st.session_state.ticks.add(tick)
    # A full run starts the sidebar afresh, so it redraws the readout; ticks, once a second.
    if st.session_state.pop("full_run", False) or st.session_state.ticks.due():
        figures = st.session_state.ticks.readout().markdown()
        status = getattr(feed.source, "status", None)  # e.g. the file source's position
        if status:
            figures += "  \n`" + status.replace("`", "'") + "`"
        readout.markdown(figures)


st.session_state.full_run = True
show_latest_data()
