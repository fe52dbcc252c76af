"""A live window: one source feeding one ring buffer."""

from __future__ import annotations

import time

import numpy as np
import polars as pl

from feed.frame import chart_frame, window_frame
from feed.ring import RingBuffer
from feed.sources import Source


class Feed:
    """The newest ``capacity`` samples of ``source``, refreshed by ``update``.

    A poll that raises leaves both the source and the buffered window as they were, so the
    caller can show the error and simply call ``update`` again on the next tick: the source
    catches up from where it last succeeded.
    """

    def __init__(self, source: Source, capacity: int = 100) -> None:
        self.source = _checked_source(source)
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

    def chart_frame(self, columns: int) -> pl.DataFrame:
        """What a chart ``columns`` pixels wide needs: at most 4 points per column and series."""
        return chart_frame(self.ring, self.names, columns)

    def reconfigure(self, capacity: int | None = None, source: Source | None = None) -> None:
        """Change the window length and/or the source, keeping the buffered data that fits.

        The newest ``capacity`` samples stay; a series keeps its data if the new source has
        a series of the same name, and a new series starts as a gap (NaN) before its first
        sample.
        """
        new_source = self.source if source is None else _checked_source(source)
        ring = RingBuffer(
            self.ring.capacity if capacity is None else capacity, len(new_source.names)
        )
        keep = min(len(self.ring), ring.capacity)
        if keep:
            old = dict(zip(self.names, self.ring.values[:, -keep:], strict=True))
            values = np.full((keep, ring.series), np.nan)
            for i, name in enumerate(new_source.names):
                if name in old:
                    values[:, i] = old[name]
            ring.extend(self.ring.times[-keep:], values)
        self.source, self.ring = new_source, ring


def _checked_source(source: object) -> Source:
    """``source`` if it looks like a Source, else the error that says what is missing."""
    if not isinstance(source, Source):
        raise TypeError(f"`source` must have `names` and `poll(now)`, got {type(source).__name__}")
    return source
