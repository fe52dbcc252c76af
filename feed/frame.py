"""The ring buffer's window as a Polars frame: whole and zero-copy, or M4-downsampled."""

from __future__ import annotations

import numpy as np
import polars as pl

from feed.downsample import Kernel, m4_indices, sorted_union
from feed.ring import RingBuffer

TIME_COLUMN = "t"


def window_frame(ring: RingBuffer, names: tuple[str, ...]) -> pl.DataFrame:
    """The window as a wide frame: ``t`` (Datetime ns, UTC instants) and one column per series.

    Every column aliases the ring's memory: the frame is valid only until the ring's next
    write. Build it, hand it on (to a chart or a file), and drop it; never cache it.
    """
    _check_names(ring, names)
    values = ring.values
    columns = [pl.Series(TIME_COLUMN, ring.times).cast(pl.Datetime("ns", "UTC"))]
    columns += [pl.Series(name, values[i]) for i, name in enumerate(names)]
    return pl.DataFrame(columns)


def _check_names(ring: RingBuffer, names: tuple[str, ...]) -> None:
    """Raise unless ``names`` names each of the ring's series."""
    if len(names) != ring.series:
        raise ValueError(
            f"`names` must name each of the ring's {ring.series} series, got {len(names)}: "
            f"{names!r}"
        )


def downsampled_frame(
    ring: RingBuffer, names: tuple[str, ...], columns: int, kernel: Kernel = "tsdownsample"
) -> pl.DataFrame:
    """The window M4-downsampled to ``columns`` pixel columns, in the wide layout.

    Each series keeps its own M4 points (at most four per column). The frame's rows are the
    union of every series' points; a series' cells at rows that are not its own are null (not
    NaN, which marks a gap), and the chart drops them. Copies only the rows it keeps.
    """
    _check_names(ring, names)
    times, values = ring.times, ring.values
    kept = [m4_indices(times, values[i], columns, kernel) for i in range(ring.series)]
    rows = sorted_union(kept)
    columns_out = [pl.Series(TIME_COLUMN, times[rows]).cast(pl.Datetime("ns", "UTC"))]
    for i, name in enumerate(names):
        own = np.zeros(len(rows), dtype=bool)
        own[np.searchsorted(rows, kept[i])] = True
        cells = values[i][rows]
        columns_out.append(pl.Series(name, cells if own.all() else np.ma.masked_array(cells, ~own)))
    return pl.DataFrame(columns_out)


def chart_frame(ring: RingBuffer, names: tuple[str, ...], columns: int) -> pl.DataFrame:
    """What the chart needs to draw the window exactly at ``columns`` pixels wide.

    The whole window (zero-copy) while it holds at most four points per pixel column;
    the M4-downsampled window beyond that. Either way at most ``4 * columns`` rows per series.
    """
    if len(ring) <= 4 * columns:
        return window_frame(ring, names)
    return downsampled_frame(ring, names, columns)
