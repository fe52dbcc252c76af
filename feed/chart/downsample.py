"""M4's kernels: each bin's extreme samples, and the union of several series' samples.

M4 (Jugel et al., VLDB 2014) keeps, in every pixel column of a chart, the first, last,
minimum and maximum sample: a line drawn through those points fills exactly the pixels the
full series would. ``feed.chart.grid_m4`` decides the columns (bins on a fixed time grid) and
remembers them between ticks; these are the NumPy kernels it runs on the bins that changed.

NaN is a gap: a bin's min and max ignore it, and its first and last samples are kept as they
are, so a gap a column wide or more stays a gap.
"""

from __future__ import annotations

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
