"""The live window: what a source returned, checked (``validate``), kept in a ring buffer
(``ring``), polled on a worker thread (``poller``), shared between sessions (``stream``:
``Feed``) and read as a Polars frame (``frame``)."""

from feed.window.frame import window_frame
from feed.window.ring import RingBuffer
from feed.window.stream import Feed

__all__ = ["Feed", "RingBuffer", "window_frame"]
