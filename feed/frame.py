"""The ring buffer's window as a Polars frame, without copying it."""

from __future__ import annotations

import polars as pl

from feed.ring import RingBuffer

TIME_COLUMN = "t"


def window_frame(ring: RingBuffer, names: tuple[str, ...]) -> pl.DataFrame:
    """The window as a wide frame: ``t`` (Datetime ns, UTC instants) and one column per series.

    Every column aliases the ring's memory: the frame is valid only until the ring's next
    write. Build it, hand it on (to a chart or a file), and drop it; never cache it.
    """
    if len(names) != ring.series:
        raise ValueError(
            f"`names` must name each of the ring's {ring.series} series, got {len(names)}: "
            f"{names!r}"
        )
    values = ring.values
    columns = [pl.Series(TIME_COLUMN, ring.times).cast(pl.Datetime("ns", "UTC"))]
    columns += [pl.Series(name, values[i]) for i, name in enumerate(names)]
    return pl.DataFrame(columns)
