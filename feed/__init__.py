"""feed: stream live time series into a Streamlit chart, fast.

A NumPy ring buffer holds the window, Polars frames expose it without copying, and a
Vega-Lite spec compiled once draws it, so each tick sends only data.

The library, by stage of the data path: ``feed.sources`` (where samples come from),
``feed.window`` (the ring buffer and the shared ``Feed``), ``feed.chart`` (M4 downsampling,
the datasets and the spec). None of it imports Streamlit; ``feed.ui`` is the Streamlit layer.
``python -m feed.produce`` and ``python -m feed.writer`` are the command-line tools.
"""

from feed.chart import compile_line_chart
from feed.sources import Batch, Source, SyntheticSource
from feed.window import Feed, RingBuffer, window_frame

__all__ = [
    "Batch",
    "Feed",
    "RingBuffer",
    "Source",
    "SyntheticSource",
    "compile_line_chart",
    "window_frame",
]
