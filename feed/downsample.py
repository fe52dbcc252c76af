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


def sorted_union(arrays: list[Indices]) -> Indices:
    """The sorted distinct values of several sorted index arrays.

    A stable sort merges sorted runs in linear time; ``np.unique`` is many times slower here.
    """
    return drop_repeats(np.sort(np.concatenate(arrays), kind="stable"))


def drop_repeats(ordered: Indices) -> Indices:
    """``ordered`` (sorted) without its repeated values."""
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def bin_extremes(
    values: npt.NDArray[np.float64], starts: Indices, stops: Indices, has_nan: bool
) -> tuple[Indices, Indices]:
    """Indices of each bin's minimum and maximum, NaN ignored (an all-NaN bin gives a NaN
    sample); bin ``k`` is ``values[starts[k]:stops[k]]``, never empty. Gathers the bins into
    the rows of one array, so a few NumPy calls do every bin."""
    lengths = stops - starts
    longest = int(lengths.max())
    if longest * len(starts) > 4 * len(values) + 65_536:  # very uneven bins: go bin by bin
        return _loop_extremes(values, starts, stops)
    # Row k holds bin k, padded by repeating its last sample (harmless for min and max).
    index = np.minimum(starts[:, None] + np.arange(longest), (stops - 1)[:, None])
    rows = values[index]
    picks = np.arange(len(starts))
    if has_nan:
        nan = np.isnan(rows)
        low, high = np.where(nan, np.inf, rows), np.where(nan, -np.inf, rows)
    else:
        low = high = rows
    return index[picks, low.argmin(axis=1)], index[picks, high.argmax(axis=1)]


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
