"""The floor: the tutorial's page and buttons, but a fragment that writes one small element.

What Streamlit itself costs per tick (the fragment rerun, its messages, the browser's
update), with no data and no chart. Takes its interval from ``FEED_RUN_EVERY`` like app.py.
"""

from __future__ import annotations

import streamlit as st

from feed.ui.settings import run_every_override

if "stream" not in st.session_state:
    st.session_state.stream = False
if "ticks" not in st.session_state:
    st.session_state.ticks = 0


def toggle_streaming() -> None:
    st.session_state.stream = not st.session_state.stream


st.title("Data feed")
st.sidebar.slider("Check for updates every: (seconds)", 0.5, 5.0, value=1.0, key="run_every")
st.sidebar.button("Start streaming", disabled=st.session_state.stream, on_click=toggle_streaming)
st.sidebar.button("Stop streaming", disabled=not st.session_state.stream, on_click=toggle_streaming)

interval = run_every_override() or st.session_state.run_every
run_every = interval if st.session_state.stream else None


@st.fragment(run_every=run_every)
def show_tick_count() -> None:
    st.session_state.ticks += 1
    st.caption(f"Tick {st.session_state.ticks}")


show_tick_count()
