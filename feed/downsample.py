"""M4's kernels: each bin's extreme samples, and the union of several series' samples.

M4 (Jugel et al., VLDB 2014) keeps, in every pixel column of a chart, the first, last,
minimum and maximum sample: a line drawn through those points fills exactly the pixels the
full series would. ``feed.grid_m4`` decides the columns (bins on a fixed time grid) and
remembers them between ticks; these are the NumPy kernels it runs on the bins that changed.

NaN is a gap: a bin's min and max ignore it, and its first and last samples are kept as they
are, so a gap a column wide or more stays a gap.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Indices = npt.NDArray[np.int64]


def union_and_owners(arrays: list[Indices]) -> tuple[Indices, npt.NDArray[np.bool_]]:
    """The sorted distinct values of several sorted index arrays, and which array holds
    each: ``held[i, j]`` is whether ``arrays[i]`` contains ``union[j]``.

    A stable sort merges sorted runs in linear time; ``np.unique`` and a search per array
    are several times slower here.
    """
    merged = np.concatenate(arrays)
    order = np.argsort(merged, kind="stable")
    ordered = merged[order]
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    position = np.cumsum(first) - 1
    owner = np.searchsorted(np.cumsum([len(a) for a in arrays]), order, side="right")
    held = np.zeros((len(arrays), int(position[-1]) + 1 if len(position) else 0), dtype=bool)
    held[owner, position] = True
    return ordered[first], held


def bin_extremes(
    values: npt.NDArray[np.float64], starts: Indices, stops: Indices
) -> tuple[Indices, Indices]:
    """Indices of each bin's minimum and maximum per series, NaN ignored (an all-NaN bin
    gives its first sample): shape ``(series, bins)`` each, for ``values`` of shape
    ``(series, samples)``; bin ``k`` is ``[starts[k], stops[k])``, never empty.

    Gathers the bins into the rows of one array, so a few NumPy calls do every bin of every
    series; bins too uneven for that (one far longer than the rest) go one by one.
    """
    lengths = stops - starts
    longest = int(lengths.max())
    if longest * len(starts) > 4 * int(lengths.sum()) + 65_536:
        pairs = [_loop_extremes(series, starts, stops) for series in values]
        return np.array([low for low, _ in pairs]), np.array([high for _, high in pairs])
    # Row k holds bin k, padded by repeating its last sample (harmless for min and max).
    index = np.minimum(starts[:, None] + np.arange(longest), (stops - 1)[:, None])
    rows = values[:, index]
    nan = np.isnan(rows)
    if nan.any():
        low, high = np.where(nan, np.inf, rows), np.where(nan, -np.inf, rows)
    else:
        low = high = rows
    picks = np.arange(len(starts))
    return index[picks, low.argmin(axis=2)], index[picks, high.argmax(axis=2)]


def _loop_extremes(
    values: npt.NDArray[np.float64], starts: Indices, stops: Indices
) -> tuple[Indices, Indices]:
    """Bin-by-bin extreme indices (NaN ignored); for bins too uneven to gather."""
    low, high = starts.copy(), starts.copy()  # an all-NaN bin keeps just its first sample
    for k, (start, stop) in enumerate(zip(starts.tolist(), stops.tolist(), strict=True)):
        segment = values[start:stop]
        if not np.isnan(segment).all():
            low[k] = start + int(np.nanargmin(segment))
            high[k] = start + int(np.nanargmax(segment))
    return low, high
