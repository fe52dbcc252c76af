"""The tutorial's data path, faithful: the baseline every other path is measured against.

``get_recent_data`` and ``show_latest_data`` are the tutorial's code ("Start and stop a
streaming fragment") with only what a benchmark needs made injectable: the clock (``now``),
the window length (``rows``, the tutorial's 100), the series' names (the tutorial's "A", "B")
and where the frame lives (``state``, the tutorial's ``st.session_state``). The logic is
unchanged: the same ``datetime`` arithmetic, ``np.arange`` timestamps, ``np.random.randn``
values, ``pd.concat``, tail slice and ``st.line_chart``. Pandas is imported only here and in
the tutorial's app.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

WINDOW_ROWS = 100  # the tutorial keeps the last 100 rows
NAMES = ("A", "B")


def get_recent_data(
    last_timestamp: datetime, now: datetime | None = None, names: tuple[str, ...] = NAMES
) -> pd.DataFrame:
    """Generate and return data from last timestamp to now, at most 60 seconds."""
    if now is None:
        now = datetime.now()
    if now - last_timestamp > timedelta(seconds=60):
        last_timestamp = now - timedelta(seconds=60)
    sample_time = timedelta(seconds=0.5)  # time between data points
    next_timestamp = last_timestamp + sample_time
    timestamps = np.arange(next_timestamp, now, sample_time)
    sample_values = np.random.randn(len(timestamps), len(names))
    data = pd.DataFrame(sample_values, index=timestamps, columns=list(names))
    return data


def show_latest_data(
    state: Any = None, now: datetime | None = None, rows: int = WINDOW_ROWS
) -> None:
    """The tutorial's fragment body: append what is new, keep the last ``rows``, redraw."""
    if state is None:
        state = st.session_state
    names = tuple(state.data.columns)
    last_timestamp = state.data.index[-1]
    state.data = pd.concat([state.data, get_recent_data(last_timestamp, now, names)])
    state.data = state.data[-rows:]
    st.line_chart(state.data)


def full_window(rows: int, names: tuple[str, ...], now: datetime, seed: int = 0) -> pd.DataFrame:
    """A window of ``rows`` samples ending just before ``now``, shaped as the tutorial's frame
    (``datetime64[us]`` index every 0.5 s, one float64 column per series): benchmark setup."""
    step = np.timedelta64(500_000, "us")
    end = np.datetime64(now, "us")
    timestamps = end - step * np.arange(rows, 0, -1)
    values = np.random.default_rng(seed).standard_normal((rows, len(names)))
    return pd.DataFrame(values, index=timestamps, columns=list(names))
