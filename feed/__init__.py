"""feed: stream live time series into a Streamlit chart, fast.

A NumPy ring buffer holds the window, Polars frames expose it without copying, and a
Vega-Lite spec compiled once draws it, so each tick sends only data.
"""

from feed.chart import compile_line_chart
from feed.frame import window_frame
from feed.ring import RingBuffer
from feed.sources import Batch, Source, SyntheticSource
from feed.stream import Feed

__all__ = [
    "Batch",
    "Feed",
    "RingBuffer",
    "Source",
    "SyntheticSource",
    "compile_line_chart",
    "window_frame",
]
