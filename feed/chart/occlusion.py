"""Points nobody sees: where series drawn later cover a series, it is sent with fewer points.

The page draws a layer's series one after another, in the order of their first rows (the
points go series after series), each as a line 2 px wide. Where several series share a range
of values, as noise around one level does, the last series drawn covers most of what came
before it: in a pixel column, a series' line fills every pixel between its lowest and its
highest point there, and a series whose points in a column lie inside what the later series
fill, in that column and in both next to it, shows nothing there. Drawing it through one
point in such a column (its first, which the line from the column before reaches as it
would anyway, and its last before a column where it shows) changes no pixel: every segment
that changed stays inside the covered range. At 16 series of noise, about two thirds of
the series' columns are covered.

A line also hides some of its own points: where it crosses from one column to the next
through points inside both columns' ranges, and the points before and after them are inside
both too, a line drawn straight from the one before to the one after fills nothing the two
columns' own lines do not. Dense noise crosses so at about one column border in ten.

A margin keeps a covered line's edges a pixel or more inside the cover, so anti-aliasing at
the cover's edge sees the same colour beneath. A column holding a gap (NaN) is never thinned
and covers nothing; nor do the series the legend hides. Where no column holds two rows (a
short window drawn whole), nothing can be covered or hidden, and nothing is computed: the
body of 100 x 16 is cut again every few ticks.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

MARGIN_PARTS = 150
"""The margin is this share of the value axis: 2.7 px on a plot 400 px tall, at least a
pixel on plots 150 px tall or more."""


def thinned(
    values: npt.NDArray[np.float64],
    held: npt.NDArray[np.bool_],
    columns: npt.NDArray[np.int64],
    shown: npt.NDArray[np.bool_],
    margin: float,
) -> npt.NDArray[np.bool_]:
    """Which points each series still draws: ``held`` (``(series, rows)``: series ``i`` draws
    row ``j``) less those in pixel columns the later series cover. ``values`` ``(series,
    rows)``; ``columns``: each row's pixel column, rows in time order; ``shown``: per series,
    whether the legend shows it; ``margin``: in values, how far inside the cover a line must
    stay. The first and last columns are kept whole: their neighbours are in another part."""
    if not values.size:
        return held
    first, _ = _column_edges(columns)
    if first.all():
        return held  # a column of one row draws a point: it covers nothing, hides nothing
    starts = np.flatnonzero(first)
    lows, highs, drawable = _column_ranges(values, held, starts)
    whole = drawable & shown[:, None]
    # A column can be covered only where both neighbours are the next pixel columns.
    adjacent = np.diff(columns[starts]) == 1
    inner = np.zeros(len(starts), dtype=bool)
    inner[1:-1] = adjacent[:-1] & adjacent[1:]
    cover_low = np.full(len(starts), np.inf)
    cover_high = np.full(len(starts), -np.inf)
    covered = np.zeros_like(whole)
    core_low, core_high = np.empty(lows.shape), np.empty(lows.shape)
    for series in range(len(values) - 1, -1, -1):  # the last drawn first
        core_low[series], core_high[series] = _core(cover_low, cover_high)
        covered[series] = (
            whole[series]
            & inner
            & (lows[series] >= core_low[series] + margin)
            & (highs[series] <= core_high[series] - margin)
        )
        _add_to_cover(cover_low, cover_high, lows[series], highs[series], whole[series])
    column = np.cumsum(first) - 1  # each row's column, counting the columns with rows
    kept = held.copy()
    for series in np.flatnonzero(covered.any(axis=1)):
        core = (core_low[series] + margin, core_high[series] - margin)
        kept[series] = _thin_series(values[series], held[series], column, covered[series], core)
    plain = drawable & ~covered
    for series in range(len(values)):
        inside = (lows[series] + margin, highs[series] - margin)
        hidden = _hidden_joins(
            values[series], kept[series], column, plain[series], adjacent, inside
        )
        kept[series, hidden] = False
    return kept


def _hidden_joins(
    values: npt.NDArray[np.float64],
    kept: npt.NDArray[np.bool_],
    column: npt.NDArray[np.int64],
    plain: npt.NDArray[np.bool_],
    adjacent: npt.NDArray[np.bool_],
    inside: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
) -> npt.NDArray[np.int64]:
    """The rows where one series' line crosses from a column to the next (the first's last
    point and the next's first) that its own line hides: both points lie inside both
    columns' ranges, and so do the points before and after them, so the line drawn from one
    to the other stays within what the line fills in both columns, as the crossing it
    replaces did (``inside``: per column, the line's range less the margin). ``plain``: the
    columns drawn whole and uncovered; ``adjacent[k]``: whether column ``k + 1`` is the
    next pixel column."""
    rows = np.flatnonzero(kept)
    at = column[rows]
    starts, ends = (np.flatnonzero(edge) for edge in _column_edges(at))
    here, there = at[starts[:-1]], at[starts[1:]]  # every ``here`` has a column after it
    pair = np.flatnonzero(
        (there == here + 1)
        & adjacent[here]
        & plain[here]
        & plain[there]
        & (ends[:-1] - starts[:-1] >= 2)
        & (ends[1:] - starts[1:] >= 2)
    )
    last, first = rows[ends[pair]], rows[starts[pair + 1]]
    before, after = rows[ends[pair] - 1], rows[starts[pair + 1] + 1]
    here, there = here[pair], there[pair]
    low, high = inside

    def within(points: npt.NDArray[np.int64], columns: npt.NDArray[np.int64]) -> npt.NDArray:
        return (values[points] >= low[columns]) & (values[points] <= high[columns])

    hidden = (
        within(last, here) & within(first, there)  # neither is its column's extreme
        & within(before, there) & within(last, there)
        & within(after, here) & within(first, here)
    )  # fmt: skip
    return np.concatenate([last[hidden], first[hidden]])


def _column_edges(
    columns: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Whether each row, of rows in ``columns`` (in order), is the first of its column, and
    whether it is the last."""
    first = np.diff(columns, prepend=columns[:1] - 1) != 0
    last = np.diff(columns, append=columns[-1:] + 1) != 0
    return first, last


def _column_ranges(
    values: npt.NDArray[np.float64], held: npt.NDArray[np.bool_], starts: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Per series and column (rows from ``starts[k]``): the lowest and highest value it draws
    there, and whether it draws a line there without a gap."""
    finite = np.isfinite(values)
    drawn = held & finite
    lows = np.minimum.reduceat(np.where(drawn, values, np.inf), starts, axis=1)
    highs = np.maximum.reduceat(np.where(drawn, values, -np.inf), starts, axis=1)
    gaps = np.logical_or.reduceat(held & ~finite, starts, axis=1)
    return lows, highs, np.logical_or.reduceat(drawn, starts, axis=1) & ~gaps


def _core(
    cover_low: npt.NDArray[np.float64], cover_high: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The range covered in each column and in both next to it (the edges: none)."""
    low, high = cover_low.copy(), cover_high.copy()
    low[1:-1] = np.maximum.reduce([cover_low[:-2], cover_low[1:-1], cover_low[2:]])
    high[1:-1] = np.minimum.reduce([cover_high[:-2], cover_high[1:-1], cover_high[2:]])
    return low, high


def _add_to_cover(
    cover_low: npt.NDArray[np.float64],
    cover_high: npt.NDArray[np.float64],
    low: npt.NDArray[np.float64],
    high: npt.NDArray[np.float64],
    drawn: npt.NDArray[np.bool_],
) -> None:
    """Widen each column's cover by a line drawn over ``[low, high]`` where ``drawn``: the
    union where they overlap, else the longer of the two (the cover is one range, a part of
    what is covered)."""
    overlap = (low <= cover_high) & (high >= cover_low)
    longer = (high - low) > (cover_high - cover_low)
    new_low = np.where(overlap, np.minimum(cover_low, low), np.where(longer, low, cover_low))
    new_high = np.where(overlap, np.maximum(cover_high, high), np.where(longer, high, cover_high))
    cover_low[:] = np.where(drawn, new_low, cover_low)
    cover_high[:] = np.where(drawn, new_high, cover_high)


def _thin_series(
    values: npt.NDArray[np.float64],
    held: npt.NDArray[np.bool_],
    column: npt.NDArray[np.int64],
    covered: npt.NDArray[np.bool_],
    core: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
) -> npt.NDArray[np.bool_]:
    """One series' ``held`` less what the cover hides. A run of covered columns keeps the
    first point of its first column and the last of its last, where the straight line
    between them stays inside every column's ``core`` (its covered range, less the margin);
    else each of its columns keeps its first point, and the run's last column its last."""
    rows = np.flatnonzero(held)
    at = column[rows]
    first, last = _column_edges(at)
    hidden = covered[at]
    run_start = hidden & first & ~np.append(False, covered)[at]  # the run's first column
    run_end = hidden & last & ~np.append(covered[1:], False)[at]  # the run's last column
    starts, ends = np.flatnonzero(run_start), np.flatnonzero(run_end)
    ends_low = np.minimum(values[rows[starts]], values[rows[ends]])
    ends_high = np.maximum(values[rows[starts]], values[rows[ends]])
    # The core across each run: reduce over the covered columns, one run after the other.
    runs = np.flatnonzero(covered)
    run_first = np.searchsorted(runs, at[starts])
    inside = (ends_low >= np.maximum.reduceat(core[0][runs], run_first)) & (
        ends_high <= np.minimum.reduceat(core[1][runs], run_first)
    )
    inside &= ends > starts  # a run of one point is that point
    keep = ~hidden | first | (last & run_end)
    straight = np.zeros(len(rows) + 1, dtype=int)
    np.add.at(straight, starts[inside] + 1, 1)
    np.add.at(straight, ends[inside], -1)
    keep &= np.cumsum(straight[:-1]) == 0  # inside a straight run: only its two ends stay
    kept = held.copy()
    kept[rows[~keep]] = False
    return kept
