"""Data feed: the Streamlit tutorial "Start and stop a streaming fragment", on feed's fast path.

Run it with `streamlit run app.py`.
"""

from __future__ import annotations

import streamlit as st

from feed import Feed, SyntheticSource, compile_line_chart
from feed.settings import run_every_override
from feed.view import draw_tick, show_tick_status

WINDOW_ROWS = 100  # the tutorial keeps the last 100 rows


@st.cache_resource
def line_chart_spec(names: tuple[str, ...]) -> dict:
    """Compiled once per process: every tick reuses the same spec, so only data travels."""
    return compile_line_chart(names)


if "feed" not in st.session_state:
    st.session_state.feed = Feed(SyntheticSource(), capacity=WINDOW_ROWS)
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

if st.session_state.stream:
    run_every = override if override is not None else st.session_state.run_every
else:
    run_every = None


@st.fragment(run_every=run_every)
def show_latest_data() -> None:
    tick = draw_tick(st.session_state.feed, line_chart_spec(st.session_state.feed.names))
    show_tick_status(tick)


show_latest_data()
