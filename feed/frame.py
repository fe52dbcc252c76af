"""The ring buffer's window as a Polars frame: whole and zero-copy, or M4-downsampled.

``last`` picks the newest samples of the ring, so sessions sharing one ring can each show a
window of their own length.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from feed.downsample import Kernel, m4_indices, sorted_union
from feed.ring import RingBuffer

TIME_COLUMN = "t"
UTC_NS = pl.Datetime("ns", "UTC")


def window_frame(ring: RingBuffer, names: tuple[str, ...], last: int | None = None) -> pl.DataFrame:
    """The newest ``last`` samples (default: all) as a wide frame: ``t`` (Datetime ns, UTC
    instants) and one column per series.

    Every column aliases the ring's memory: the frame is valid only until the ring's next
    write. Build it, hand it on (to a chart or a file), and drop it; never cache it.
    """
    times, values = _newest(ring, names, last)
    columns = [pl.Series(TIME_COLUMN, times).cast(UTC_NS)]
    columns += [pl.Series(name, values[i]) for i, name in enumerate(names)]
    return pl.DataFrame(columns)


def downsampled_frame(
    ring: RingBuffer,
    names: tuple[str, ...],
    columns: int,
    last: int | None = None,
    kernel: Kernel = "auto",
) -> pl.DataFrame:
    """The newest ``last`` samples M4-downsampled to ``columns`` pixel columns, wide.

    Each series keeps its own M4 points (at most four per column). The frame's rows are the
    union of every series' points; a series' cells at rows that are not its own are null (not
    NaN, which marks a gap), and the chart drops them. Copies only the rows it keeps.
    """
    times, values = _newest(ring, names, last)
    kept = [m4_indices(times, series, columns, kernel) for series in values]
    rows = sorted_union(kept)
    frame = [pl.Series(TIME_COLUMN, times[rows]).cast(UTC_NS)]
    for name, series, own_rows in zip(names, values, kept, strict=True):
        own = np.zeros(len(rows), dtype=bool)
        own[np.searchsorted(rows, own_rows)] = True
        cells = series[rows]
        frame.append(pl.Series(name, cells if own.all() else np.ma.masked_array(cells, ~own)))
    return pl.DataFrame(frame)


def chart_frame(
    ring: RingBuffer, names: tuple[str, ...], columns: int, last: int | None = None
) -> pl.DataFrame:
    """What the chart needs to draw the newest ``last`` samples exactly, ``columns`` px wide.

    The whole window (zero-copy) while it holds at most four points per pixel column;
    the M4-downsampled window beyond that. Either way at most ``4 * columns`` rows per series.
    """
    size = len(ring) if last is None else min(last, len(ring))
    if size <= 4 * columns:
        return window_frame(ring, names, last)
    return downsampled_frame(ring, names, columns, last)


def _newest(
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
