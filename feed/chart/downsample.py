"""M4's kernels: each bin's extreme samples, and the union of several series' samples.

M4 (Jugel et al., VLDB 2014) keeps, in every pixel column of a chart, the first, last,
minimum and maximum sample: a line drawn through those points fills exactly the pixels the
full series would. ``feed.chart.grid_m4`` decides the columns (bins on a fixed time grid) and
remembers them between ticks; these are the NumPy kernels it runs on the bins that changed.

NaN is a gap: a bin's min and max ignore it, and its first and last samples are kept as they
are, so a gap a column wide or more stays a gap. A bin that a gap or two break into pieces is
kept piece by piece (``piece_extremes``): each piece's first, last, minimum and maximum, and
each gap's first and last NaN, so the line's ends there, and its extremes on each side of a
gap, are the full data's.

A spike, an extreme that stands alone in its bin, also keeps the samples either side of it
(``spike_sides``), so its sides climb from where the full data's do.
"""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt

Indices = npt.NDArray[np.int64]


def union_and_owners(indices: Indices) -> tuple[Indices, npt.NDArray[np.bool_]]:
    """The sorted distinct values of the rows of ``indices`` (each row sorted, repeats
    allowed), and which rows hold each: ``held[i, j]`` is whether row ``i`` holds
    ``union[j]``.

    A stable sort merges sorted runs in linear time; ``np.unique`` and a search per row are
    several times slower here.
    """
    merged = indices.ravel()
    order = np.argsort(merged, kind="stable")
    ordered = merged[order]
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    position = np.cumsum(first) - 1
    held = np.zeros((len(indices), int(position[-1]) + 1 if len(position) else 0), dtype=bool)
    held[order // max(indices.shape[1], 1), position] = True
    return ordered[first], held


FEW_BINS = 8
"""Up to this many bins, ``bin_extremes`` reads each bin as a slice: cheaper than gathering
them (a live window's tick recomputes two or three)."""


def bin_extremes(
    values: npt.NDArray[np.float64], starts: Indices, stops: Indices
) -> tuple[Indices, Indices]:
    """Indices of each bin's minimum and maximum per series, NaN ignored (an all-NaN bin
    gives its first sample): shape ``(series, bins)`` each, for ``values`` of shape
    ``(series, samples)``; bin ``k`` is ``[starts[k], stops[k])``, never empty.

    Many bins are gathered into the rows of one array, so a few NumPy calls do every bin of
    every series; a few bins, or bins too uneven to gather (one far longer than the rest),
    are read one by one.
    """
    if len(starts) <= FEW_BINS or _too_uneven(starts, stops):
        return _sliced_extremes(values, starts, stops)
    # Row k holds bin k, padded by repeating its last sample (harmless for min and max).
    longest = int((stops - starts).max())
    index = np.minimum(starts[:, None] + np.arange(longest), (stops - 1)[:, None])
    rows = values[:, index]
    nan = np.isnan(rows)
    if nan.any():
        low, high = np.where(nan, np.inf, rows), np.where(nan, -np.inf, rows)
    else:
        low = high = rows
    picks = np.arange(len(starts))
    return index[picks, low.argmin(axis=2)], index[picks, high.argmax(axis=2)]


def _too_uneven(starts: Indices, stops: Indices) -> bool:
    """Whether gathering the bins, each padded to the longest, would copy far more than
    they hold."""
    lengths = stops - starts
    return int(lengths.max()) * len(starts) > 4 * int(lengths.sum()) + 65_536


def _sliced_extremes(
    values: npt.NDArray[np.float64], starts: Indices, stops: Indices
) -> tuple[Indices, Indices]:
    """``bin_extremes`` bin by bin, every series at once. NumPy's argmin and argmax point at
    the first NaN, which gives a bin with NaN away; such a bin is done again with NaN made
    the largest (for the minimum) and the smallest (for the maximum) value."""
    low = np.empty((len(values), len(starts)), dtype=np.int64)
    high = np.empty_like(low)
    series = np.arange(len(values))
    for k, (start, stop) in enumerate(zip(starts.tolist(), stops.tolist(), strict=True)):
        segment = values[:, start:stop]
        low[:, k] = segment.argmin(axis=1)
        if np.isnan(segment[series, low[:, k]]).any():
            nan = np.isnan(segment)
            low[:, k] = np.where(nan, np.inf, segment).argmin(axis=1)
            high[:, k] = np.where(nan, -np.inf, segment).argmax(axis=1)
        else:
            high[:, k] = segment.argmax(axis=1)
    return low + starts, high + starts


MAX_GAPS = 2
"""A bin broken by at most this many runs of NaN is kept piece by piece; one broken more
often is drawn as M4 draws it (its pieces then overlap in the pixel column anyway)."""
PIECES_UP_TO = 64
"""Samples a bin holds at most to be kept piece by piece. In a denser pixel column each piece
spans about the column's range, and M4 alone met the fidelity bar (0.59% of the drawn pixels
differed at 256 samples a column, 0.37% piece by piece, at twice the points)."""


def piece_extremes(
    values: npt.NDArray[np.float64], starts: Indices, stops: Indices
) -> list[Indices] | None:
    """Per series, the indices of every piece's first, last, minimum and maximum sample and
    every gap's first and last NaN, in each bin of at most ``PIECES_UP_TO`` samples that 1 to
    ``MAX_GAPS`` runs of NaN break into pieces (unsorted, repeats allowed); None when no such
    bin holds NaN.

    Drawn from the bin's extremes alone, a line broken inside a pixel column would end at an
    extreme of another piece, and join pieces the full data leaves apart: its 2 px width then
    paints the column differently over the whole height it spans."""
    small = stops - starts <= PIECES_UP_TO
    if not small.any():
        return None
    kept: list[list[Indices]] = [[] for _ in values]
    any_nan = False
    for lo, hi in _adjacent(starts, stops):
        begin = int(starts[lo])
        nan = np.isnan(values[:, begin : int(stops[hi - 1])])
        if not nan.any():
            continue
        any_nan = True
        firsts = starts[lo:hi] - begin
        opens = nan.copy()  # where a run of NaN begins, counted within its bin
        opens[:, 1:] &= ~nan[:, :-1]
        opens[:, firsts] = nan[:, firsts]
        gaps = np.add.reduceat(opens, firsts, axis=1, dtype=np.int64)
        broken = (gaps >= 1) & (gaps <= MAX_GAPS) & small[lo:hi]
        for series, k in zip(*np.nonzero(broken), strict=True):
            start, stop = int(starts[lo + k]), int(stops[lo + k])
            kept[series].append(_pieces(values[series, start:stop]) + start)
    if not any_nan:
        return None
    return [np.concatenate(rows) if rows else np.empty(0, dtype=np.int64) for rows in kept]


def _adjacent(starts: Indices, stops: Indices) -> list[tuple[int, int]]:
    """The bins as ``(lo, hi)`` ranges of bin numbers whose samples follow one another."""
    breaks = (np.flatnonzero(starts[1:] != stops[:-1]) + 1).tolist()
    return list(zip([0, *breaks], [*breaks, len(starts)], strict=True))


def _pieces(row: npt.NDArray[np.float64]) -> Indices:
    """The first, last, minimum and maximum of each finite piece of ``row``, and the first and
    last of each run of NaN (indices into ``row``)."""
    nan = np.isnan(row)
    bounds = [0, *(np.flatnonzero(nan[1:] != nan[:-1]) + 1).tolist(), len(row)]
    kept = []
    for lo, hi in itertools.pairwise(bounds):
        kept += [lo, hi - 1]
        if not nan[lo]:
            kept += [lo + int(row[lo:hi].argmin()), lo + int(row[lo:hi].argmax())]
    return np.array(kept, dtype=np.int64)


def spike_sides(
    values: npt.NDArray[np.float64], starts: Indices, stops: Indices, low: Indices, high: Indices
) -> Indices:
    """The samples either side of each bin's maximum and minimum (``high``, ``low``) where it
    stands alone, further from every other sample of the bin than half the bin's range (a
    spike), else the extreme itself: shape ``(series, bins, 4)``.

    M4 draws a spike's sides from the bin's first or last sample, up to a pixel from the
    samples the full data climbs from, and a tall side then slants differently all the way
    up. Noise has no such lone extreme: the rule costs it almost no points."""
    series = np.arange(len(values))[:, None]
    top, bottom = values[series, high], values[series, low]
    middle = (top + bottom) / 2
    first, last = np.broadcast_to(starts, high.shape), np.broadcast_to(stops - 1, high.shape)
    sides = []
    for extreme, beyond in ((high, np.greater_equal), (low, np.less_equal)):
        before = np.maximum(extreme - 1, first)
        after = np.minimum(extreme + 1, last)
        lone = _lone(values, starts, stops, extreme, before, after, middle, beyond)
        sides += [np.where(lone, before, extreme), np.where(lone, after, extreme)]
    return np.stack(sides, axis=2)


def _lone(values, starts, stops, extreme, before, after, middle, beyond) -> npt.NDArray[np.bool_]:
    """Whether each bin's ``extreme`` is its only sample ``beyond`` (at or above, or at or
    below) the middle of its range. Its neighbours are looked at first: in noise they are
    beyond it in most bins, and only the rest are counted."""
    series = np.arange(len(values))[:, None]
    with np.errstate(invalid="ignore"):  # NaN is never beyond
        spread = values[series, extreme] != middle  # False for a flat bin, NaN, one sample
        alone = (
            spread
            & ((before == extreme) | ~beyond(values[series, before], middle))
            & ((after == extreme) | ~beyond(values[series, after], middle))
        )
        for row, k in zip(*np.nonzero(alone), strict=True):
            samples = values[row, starts[k] : stops[k]]
            alone[row, k] = np.count_nonzero(beyond(samples, middle[row, k])) == 1
    return alone


CROSSING = 0.75
"""A bin whose first and last samples lie at least this share of its range apart is one the
line runs through (steep), and is kept in two halves. Noise rarely is: at 16 samples a bin
about 6% of bins are, at 1,000 almost none."""


def crossing_halves(
    values: npt.NDArray[np.float64],
    starts: Indices,
    mids: Indices,
    stops: Indices,
    low: Indices,
    high: Indices,
) -> Indices:
    """Each half's first, last, minimum and maximum sample (halves ``[starts, mids)`` and
    ``[mids, stops)``) in every bin the line runs through, else the bin's minimum ``low``
    again: shape ``(series, bins, 6)``.

    A line crossing a pixel column steeply is drawn from M4's two or three samples as one or
    two straight strokes, while the full data's bends inside the column: the 2 px stroke's
    edges then anti-alias differently all the way up (smooth data read 1.28% and 1.69% of
    the drawn pixels, over the 1% bar). Two halves bend it where the full data does."""
    series = np.arange(len(values))[:, None]
    spread = values[series, high] - values[series, low]
    with np.errstate(invalid="ignore"):  # NaN: not crossing
        crossing = np.abs(values[:, stops - 1] - values[:, starts]) >= CROSSING * spread
    crossing &= (spread > 0) & (stops - starts > 4)
    halves = np.repeat(low[:, :, None], 6, axis=2)
    some = np.flatnonzero(crossing.any(axis=0))
    if len(some):
        starts, mids, stops = starts[some], mids[some], stops[some]
        first_low, first_high = bin_extremes(values, starts, mids)
        second_low, second_high = bin_extremes(values, mids, stops)
        shape = first_low.shape
        ends = np.broadcast_to(mids - 1, shape), np.broadcast_to(mids, shape)
        kept = np.stack([first_low, first_high, *ends, second_low, second_high], axis=2)
        halves[:, some] = np.where(crossing[:, some, None], kept, halves[:, some])
    return halves
