"""Data feed: the Streamlit tutorial "Start and stop a streaming fragment", on feed's fast path.

Run it with `streamlit run app.py` (add `-- --source system` for this machine's CPU and memory).
The operator opens the sources at start (feed/ui/catalog.py); a viewer picks one by name.
Every session viewing the same source shares one feed; each keeps its own start/stop,
interval, window and chart width.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from feed import Feed, SyntheticSource, compile_line_chart
from feed.chart.layers import duration
from feed.ui import memory
from feed.ui.catalog import (
    MAX_FEEDS,
    MAX_SERIES,
    SourceConfig,
    SourceUnavailable,
    start_source,
    synthetic_interval,
    with_series,
)
from feed.ui.catalog_entries import build_catalog
from feed.ui.readout import TickHistory
from feed.ui.settings import (
    MAX_RUN_EVERY_S,
    MAX_WIDTH_PX,
    MAX_WINDOW,
    MIN_RUN_EVERY_S,
    MIN_WIDTH_PX,
    checked_int,
    checked_seconds,
    int_setting,
    run_every_override,
)
from feed.ui.view import DEFAULT_WIDTH_PX, draw_tick, show_tick_status

WINDOW_CHOICES = [100, 1_000, 10_000, 100_000, MAX_WINDOW]  # points per series
WAIT_S = 2.0  # how often a page whose source is waiting (a file not written yet) tries again


@st.cache_resource(max_entries=100)
def say_once(line: str) -> None:
    """``line`` in the terminal, once per process however many sessions meet it."""
    print(f"feed: {line}", file=sys.stderr, flush=True)


@st.cache_resource
def line_chart_spec(names: tuple[str, ...], interactive: bool) -> dict:
    """Compiled once per process: every tick reuses the same spec, so only data travels."""
    return compile_line_chart(names, interactive=interactive)


def session_chart_spec(names: tuple[str, ...], interactive: bool) -> dict:
    """``line_chart_spec``, kept in the session for its names: the process-wide cache hashes
    its arguments on every call (0.1 ms a tick, each session)."""
    kept = st.session_state.get("chart_spec")
    if kept is None or kept[0] != (names, interactive):
        kept = ((names, interactive), line_chart_spec(names, interactive))
        st.session_state.chart_spec = kept
    return kept[1]


@st.cache_resource(max_entries=MAX_FEEDS)
def shared_feed(
    name: str, config: SourceConfig, backfill_s: float, _previous: Feed | None = None
) -> Feed:
    """One feed per catalog source and configuration, shared by every session viewing it.

    The catalog needs at most ``MAX_FEEDS`` of them, so none is ever evicted while viewed.
    Switching the synthetic source to more or fewer series carries the shared series over.
    """
    carry = (
        config.kind == "synthetic"
        and _previous is not None
        and isinstance(_previous.source, SyntheticSource)
        and _previous.ring.last_time is not None
    )
    start_after = _previous.ring.last_time if carry else None
    source = start_source(name, config, backfill_s, start_after)
    feed = Feed(source, capacity=MAX_WINDOW, min_poll_interval=0.05)
    if carry:
        feed.carry_over(_previous)
    return feed


def secret_tables() -> Mapping[str, Any]:
    """The ``[feed.sources.NAME]`` tables of ``.streamlit/secrets.toml``, if it has any."""
    try:
        return st.secrets.get("feed", {}).get("sources", {})
    except FileNotFoundError:  # no secrets file (Streamlit's StreamlitSecretNotFoundError)
        return {}


def startup() -> tuple[dict[str, SourceConfig], int, float | None, bool]:
    """What the operator chose at start: the catalog of sources (the command line,
    ``FEED_SOURCES``, secrets), the first window (``FEED_WINDOW``), the interval override
    (``FEED_RUN_EVERY``) and whether the chart is interactive (``FEED_INTERACTIVE``, 1 or 0).
    ``FEED_SERIES`` sets the synthetic sources' starting series.

    `streamlit run app.py -- ARGS` leaves `sys.argv == ["app.py", *ARGS]`; anything else
    (AppTest under pytest, say) has arguments that are not ours.
    """
    launched_as_script = Path(sys.argv[0]).name == Path(__file__).name
    catalog = build_catalog(sys.argv[1:] if launched_as_script else [], os.environ, secret_tables())
    if os.environ.get("FEED_SERIES", "").strip():
        catalog = with_series(catalog, int_setting(os.environ, "FEED_SERIES", 2, 1, MAX_SERIES))
    first_window = int_setting(os.environ, "FEED_WINDOW", 100, 1, MAX_WINDOW)
    interactive = int_setting(os.environ, "FEED_INTERACTIVE", 1, 0, 1) == 1
    return catalog, first_window, run_every_override(), interactive


try:
    CATALOG, FIRST_WINDOW, override, INTERACTIVE = startup()
except (ValueError, TypeError) as exc:  # a bad command line or setting: one line, no traceback
    say_once(f"cannot start: {exc}")
    st.error(f"The app cannot start: {exc}")
    st.stop()

FIRST_SOURCE = next(iter(CATALOG))
for key, first in (
    ("source", FIRST_SOURCE),
    ("series", CATALOG[FIRST_SOURCE].series),
    ("window", FIRST_WINDOW),
    ("width_px", DEFAULT_WIDTH_PX),
    ("stream", False),
):
    if key not in st.session_state:
        st.session_state[key] = first
if "ticks" not in st.session_state:
    st.session_state.ticks = TickHistory()


def chart_choices() -> tuple[int, int, list[str]]:
    """The viewer's window and chart width, each within its bound or else its default, and
    what was refused. The fragment checks them on every tick too: a tick's message carries
    the widgets' values as well."""
    state, refused, chosen = st.session_state, [], []
    for key, low, high, default in (
        ("window", 1, MAX_WINDOW, FIRST_WINDOW),
        ("width_px", MIN_WIDTH_PX, MAX_WIDTH_PX, DEFAULT_WIDTH_PX),
    ):
        try:
            chosen.append(checked_int(key, state[key], low, high))
        except ValueError as exc:
            refused.append(str(exc))
            chosen.append(default)
    return chosen[0], chosen[1], refused


def refuse_what_is_out_of_bounds() -> list[str]:
    """Put every sidebar value outside its bound back to its default; what was refused.

    The browser's widgets keep to these bounds, but a page's messages can be forged: this
    holds whatever was sent."""
    state, refused = st.session_state, []
    if state.source not in CATALOG:
        refused.append(f"`source` must be one of {tuple(CATALOG)}, got {state.source!r}")
        state.source = FIRST_SOURCE
    try:
        checked_int("series", state.series, 1, MAX_SERIES)
    except ValueError as exc:
        refused.append(str(exc))
        state.series = CATALOG[state.source].series
    window, width_px, problems = chart_choices()
    if problems:
        state.window, state.width_px = window, width_px
        refused += problems
    if "run_every" in state:
        try:
            checked_seconds("run_every", state.run_every, MIN_RUN_EVERY_S, MAX_RUN_EVERY_S)
        except ValueError as exc:
            refused.append(str(exc))
            state.run_every = 1.0
    return refused


def toggle_streaming() -> None:
    st.session_state.stream = not st.session_state.stream
    st.session_state.ticks = TickHistory()  # the readout's rate is for this run of ticks


def follow_live() -> None:
    """A new chart (a new widget key): its time axis follows the newest data again."""
    st.session_state.chart_generation += 1


def source_picked() -> None:
    """A synthetic source starts at the series its catalog entry names."""
    picked = CATALOG.get(st.session_state.source)
    if picked is not None and picked.kind == "synthetic":
        st.session_state.series = picked.series


st.title("Data feed")
for problem in refuse_what_is_out_of_bounds():
    st.error(f"Refused: {problem}.")
st.sidebar.slider(
    "Check for updates every: (seconds)", MIN_RUN_EVERY_S, MAX_RUN_EVERY_S, 1.0, key="run_every"
)
st.sidebar.button("Start streaming", disabled=st.session_state.stream, on_click=toggle_streaming)
st.sidebar.button("Stop streaming", disabled=not st.session_state.stream, on_click=toggle_streaming)

if override is not None:
    st.sidebar.caption(f"Interval set to {override:g} s by `FEED_RUN_EVERY`.")

with st.sidebar.expander("Source, window and chart"):
    st.selectbox(
        "Source",
        tuple(CATALOG),
        key="source",
        on_change=source_picked,
        help="The sources this app was started with; its operator chooses them.",
    )
    picked: SourceConfig = CATALOG[st.session_state.source]
    st.caption(picked.describe())
    st.slider("Series", 1, MAX_SERIES, key="series", disabled=picked.kind != "synthetic")
    st.select_slider(
        "Window (points per series)",
        options=sorted({*WINDOW_CHOICES, st.session_state.window}),
        key="window",
        format_func=lambda n: f"{n:,}",
    )
    st.number_input(
        "Chart width for downsampling (px)",
        min_value=MIN_WIDTH_PX,
        max_value=MAX_WIDTH_PX,
        step=100,
        key="width_px",
        help="Windows with more than 4 points per pixel column are M4-downsampled to this "
        "many columns: the line drawn is the same, with far fewer points sent.",
    )


@st.fragment(run_every=WAIT_S)
def start_when_ready() -> None:
    """Every ``WAIT_S`` while the source waits, rerun the page, which tries to start it."""
    if st.session_state.pop("just_tried", False):
        return  # the page's own run, which has just tried
    st.rerun()


# The configuration comes from the catalog entry picked by name, and nothing else.
name = st.session_state.source
config = picked
if config.kind == "synthetic":
    config = SourceConfig("synthetic", st.session_state.series)
try:
    # A feed put in session state by hand (tests do) stays until the user picks another source.
    if "feed" not in st.session_state or st.session_state.get("feed_config", config) != config:
        backfill_s = max(60.0, (FIRST_WINDOW + 1) * synthetic_interval())  # fill the first window
        previous = st.session_state.get("feed")
        st.session_state.feed = shared_feed(name, config, backfill_s, _previous=previous)
        st.session_state.feed_config = config
except SourceUnavailable as exc:  # a source that cannot start: say why, in words
    say_once(str(exc))
    if exc.waiting:
        st.info(str(exc))
        st.session_state.just_tried = True
        start_when_ready()
    else:
        st.error(str(exc))
    st.stop()

readout = st.sidebar.empty()  # the fragment fills it, at most once a second
feed: Feed = st.session_state.feed
window = st.session_state.window
for label, file_format in (("CSV", "csv"), ("Parquet", "parquet")):
    st.sidebar.download_button(
        f"Download window as {label}",
        help=f"Every sample in your window (at most {MAX_WINDOW:,} per series), not the "
        "downsampled chart.",
        data=lambda file_format=file_format: feed.export(file_format, last=window),
        file_name=f"feed-window.{file_format}",
        on_click="ignore",
        key=f"download_{file_format}",
    )
memory.keep_page_timings_bounded()  # the page's per-run timing entries (see feed/ui/memory.py)

if st.session_state.stream:
    run_every = override if override is not None else st.session_state.run_every
else:
    run_every = None


@st.fragment(run_every=run_every)
def show_latest_data() -> None:
    feed: Feed = st.session_state.feed
    window, width_px, refused = chart_choices()
    key = f"chart_{st.session_state.setdefault('chart_generation', 0)}"
    spec = session_chart_spec(feed.names, INTERACTIVE)
    tick = draw_tick(feed, spec, width_px=width_px, window=window, key=key)
    if tick.zoom is not None:
        start, end = tick.zoom
        st.caption(
            f"Zoomed in on {duration(end - start)} at full detail; new data keeps arriving. "
            "Double-click the chart, or:"
        )
        st.button("Follow live", on_click=follow_live, key="follow_live")
    show_tick_status(tick)
    for problem in refused:
        st.error(f"Refused: {problem}.")
    memory.collect_now_and_then()  # a full GC pass every 30 s, not after every run
    st.session_state.ticks.add(tick)
    # The figures are computed at most once a second, but sent every tick: Streamlit's
    # frontend clears an element a fragment wrote on an earlier run and not on this one.
    if st.session_state.pop("full_run", False) or st.session_state.ticks.due():
        figures = st.session_state.ticks.readout().markdown()
        status = getattr(feed.source, "status", None)  # e.g. the file source's position
        if status:
            figures += "  \n`" + status.replace("`", "'") + "`"
        st.session_state.figures = figures
    readout.markdown(st.session_state.figures)


st.session_state.full_run = True
show_latest_data()
