"""A live window: one source feeding one ring buffer."""

from __future__ import annotations

import time

import polars as pl

from feed.frame import window_frame
from feed.ring import RingBuffer
from feed.sources import Source


class Feed:
    """The newest ``capacity`` samples of ``source``, refreshed by ``update``.

    A poll that raises leaves both the source and the buffered window as they were, so the
    caller can show the error and simply call ``update`` again on the next tick: the source
    catches up from where it last succeeded.
    """

    def __init__(self, source: Source, capacity: int = 100) -> None:
        if not isinstance(source, Source):
            raise TypeError(
                f"`source` must have `names` and `poll(now)`, got {type(source).__name__}"
            )
        self.source = source
        self.ring = RingBuffer(capacity, len(source.names))

    @property
    def names(self) -> tuple[str, ...]:
        """The series' names."""
        return self.source.names

    def update(self, now: int | None = None) -> int:
        """Poll the source up to ``now`` (int ns since the epoch; default: the clock) and
        append what it returns; the number of samples it returned."""
        batch = self.source.poll(time.time_ns() if now is None else now)
        self.ring.extend(batch.times, batch.values)
        return len(batch)

    def frame(self) -> pl.DataFrame:
        """The window as a Polars frame aliasing the buffer (see ``window_frame``)."""
        return window_frame(self.ring, self.names)
