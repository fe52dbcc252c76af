"""The ring buffer's window as a Polars frame, whole and zero-copy.

``last`` picks the newest samples of the ring, so sessions sharing one ring can each show a
window of their own length.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from feed.window.ring import RingBuffer

TIME_COLUMN = "t"
UTC_NS = pl.Datetime("ns", "UTC")


def window_frame(ring: RingBuffer, names: tuple[str, ...], last: int | None = None) -> pl.DataFrame:
    """The newest ``last`` samples (default: all) as a wide frame: ``t`` (Datetime ns, UTC
    instants) and one column per series.

    Every column aliases the ring's memory: the frame is valid only until the ring's next
    write. Build it, hand it on (to a chart or a file), and drop it; never cache it.
    """
    times, values = newest(ring, names, last)
    columns = [pl.Series(TIME_COLUMN, times).cast(UTC_NS)]
    columns += [pl.Series(name, values[i]) for i, name in enumerate(names)]
    return pl.DataFrame(columns)


def newest(
    ring: RingBuffer, names: tuple[str, ...], last: int | None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Views of the newest ``last`` times and values, after checking ``names`` and ``last``."""
    if len(names) != ring.series:
        raise ValueError(
            f"`names` must name each of the ring's {ring.series} series, got {len(names)}: "
            f"{names!r}"
        )
    times, values = ring.times, ring.values
    if last is None:
        return times, values
    if isinstance(last, bool) or not isinstance(last, (int, np.integer)) or last < 1:
        raise ValueError(f"`last` must be a positive integer or None, got {last!r}")
    return times[-last:], values[:, -last:]
