"""The ring buffer's window as a Polars frame: whole and zero-copy, or M4-downsampled.

``last`` picks the newest samples of the ring, so sessions sharing one ring can each show a
window of their own length.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from feed.grid_m4 import GridM4
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
    grid: GridM4 | None = None,
) -> pl.DataFrame:
    """The newest ``last`` samples M4-downsampled to ``columns`` pixel columns, wide.

    Columns are the bins of ``grid`` (a ``GridM4``: pass the same one tick after tick and
    only the bins that changed are computed; default: a new one). Each series keeps its own
    M4 points, at most four per column. The rows are the union of every series' points; a
    series' cells at rows that are not its own are null (not NaN, which marks a gap), and the
    chart drops them. Two more rows, first and last, pin the chart's time axis to the grid
    (``GridWindow.domain``): the first series is NaN there (no point, but the axis spans
    them), the others null. Copies only the rows it keeps.
    """
    times, values = _newest(ring, names, last)
    grid = GridM4(columns) if grid is None else grid
    window = grid.update(times, values, ring.written - len(times))
    # Two more rows, first and last, for the axis.
    size = len(window.rows) + 2
    edged_times = np.empty(size, dtype=np.int64)
    edged_times[1:-1] = window.times
    edged_times[0], edged_times[-1] = window.domain
    cells = np.empty((len(values), size))
    cells[:, 1:-1] = window.cells
    cells[:, 0] = cells[:, -1] = np.nan
    missing = np.ones(cells.shape, dtype=bool)
    missing[:, 1:-1] = ~window.held
    missing[0, 0] = missing[0, -1] = False
    frame = [pl.Series(TIME_COLUMN, edged_times).cast(UTC_NS)]
    for name, series, gaps in zip(names, cells, missing, strict=True):
        frame.append(pl.Series(name, series).set(pl.Series(gaps), None))
    return pl.DataFrame(frame)


def chart_frame(
    ring: RingBuffer,
    names: tuple[str, ...],
    columns: int,
    last: int | None = None,
    grid: GridM4 | None = None,
) -> pl.DataFrame:
    """What the chart needs to draw the newest ``last`` samples exactly, ``columns`` px wide.

    The whole window (zero-copy) while it holds at most four points per pixel column;
    the M4-downsampled window beyond that (on ``grid``, see ``downsampled_frame``). Either
    way at most ``4 * columns`` points per series.
    """
    size = len(ring) if last is None else min(last, len(ring))
    if size <= 4 * columns:
        return window_frame(ring, names, last)
    return downsampled_frame(ring, names, columns, last, grid)


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
