"""M4 downsampling: at most four points per pixel column, and the same line on screen.

M4 (Jugel et al., VLDB 2014) keeps, in every pixel column of the chart, the first, last,
minimum and maximum sample. A line drawn through those points fills exactly the pixels the
full series would: inside a column the line spans min..max, and it enters and leaves the
column at the first and last samples.

Pixel columns are equal-width time bins over the window: with ``t0`` the oldest and ``t1``
the newest time and ``span = t1 - t0 + 1`` ns, sample ``t`` falls in column
``(t - t0) * columns // span``, as a time scale maps it to a pixel.

NaN is a gap. A column's first and last samples are kept as they are, NaN included, so gaps of
a column or more stay gaps; its min and max ignore NaN (a gap narrower than a column, strictly
inside it, is bridged: at that width it could not be seen anyway).

Two kernels give the same points (``auto``, the default, picks the faster for the size):
``tsdownsample`` (Rust, SIMD), whose own bin edges are computed in floating point and leave
out the newest sample, so every bin it returns is checked against the exact bins and any that
differ are recomputed with NumPy (NaN is handled by filling it with +inf for the minimum and
-inf for the maximum); and a NumPy kernel, faster for small windows.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
from tsdownsample import M4Downsampler

Indices = npt.NDArray[np.int64]
Kernel = Literal["auto", "tsdownsample", "numpy"]
KERNELS: tuple[Kernel, ...] = ("tsdownsample", "numpy")
TSDOWNSAMPLE_FROM = 50_000
"""Samples from which ``auto`` picks tsdownsample: below, NumPy's kernel is faster here
(``python -m benchmarks.bench_downsample``: 10k samples 0.08 against 0.13 ms; 1M samples
3.8 against 1.4 ms)."""


def pixel_bins(times: npt.NDArray[np.int64], columns: int) -> tuple[Indices, Indices]:
    """``(starts, stops)`` of the non-empty pixel columns: ``times[starts[k]:stops[k]]``.

    ``times`` must be sorted and non-empty (the window always is, when this is called).
    """
    t0 = int(times[0])
    quotient, remainder = divmod(int(times[-1]) - t0 + 1, columns)
    k = np.arange(columns + 1, dtype=np.int64)
    # bounds[k] = t0 + ceil(k * span / columns), the first time in column k; split so the
    # products stay far inside int64 whatever the span.
    bounds = t0 + k * quotient + (k * remainder + columns - 1) // columns
    edges = np.searchsorted(times, bounds)
    starts, stops = edges[:-1], edges[1:]
    nonempty = stops > starts
    return starts[nonempty], stops[nonempty]


def m4_indices(
    times: npt.NDArray[np.int64],
    values: npt.NDArray[np.float64],
    columns: int,
    kernel: Kernel = "auto",
) -> Indices:
    """Sorted, distinct indices of each pixel column's first, last, min and max sample.

    ``kernel``: ``"tsdownsample"``, ``"numpy"`` (same points), or ``"auto"``: the faster one
    for the size (see ``TSDOWNSAMPLE_FROM``)."""
    if kernel not in ("auto", *KERNELS):
        raise ValueError(f"`kernel` must be one of {('auto', *KERNELS)}, got {kernel!r}")
    if kernel == "auto":
        kernel = "tsdownsample" if len(times) >= TSDOWNSAMPLE_FROM else "numpy"
    if columns < 1:
        raise ValueError(f"`columns` must be a positive integer, got {columns!r}")
    if len(times) <= 4 * columns:
        return np.arange(len(times), dtype=np.int64)
    starts, stops = pixel_bins(times, columns)
    has_nan = bool(np.isnan(values).any())
    if kernel == "numpy" or columns < 2:  # tsdownsample needs two bins
        low, high = bin_extremes(values, starts, stops, has_nan)
    elif has_nan:
        low, high = _tsdownsample_nan_extremes(times, values, starts, stops, columns)
    else:
        low, high = _tsdownsample_extremes(times, values, starts, stops, columns)
    per_bin = np.sort(np.stack([starts, low, high, stops - 1], axis=1), axis=1).ravel()
    return _drop_repeats(per_bin)


def sorted_union(arrays: list[Indices]) -> Indices:
    """The sorted distinct values of several sorted index arrays.

    A stable sort merges sorted runs in linear time; ``np.unique`` is many times slower here.
    """
    return _drop_repeats(np.sort(np.concatenate(arrays), kind="stable"))


def _drop_repeats(ordered: Indices) -> Indices:
    """``ordered`` (sorted) without its repeated values."""
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def _tsdownsample_nan_extremes(
    times: npt.NDArray[np.int64],
    values: npt.NDArray[np.float64],
    starts: Indices,
    stops: Indices,
    columns: int,
) -> tuple[Indices, Indices]:
    """Each bin's min and max ignoring NaN, with tsdownsample: NaN becomes +inf to find the
    minimum and -inf to find the maximum (an all-NaN bin keeps a NaN sample either way)."""
    nan = np.isnan(values)
    found = []
    for fill, better in ((np.inf, np.less_equal), (-np.inf, np.greater_equal)):
        filled = np.where(nan, fill, values)
        a, b = _tsdownsample_extremes(times, filled, starts, stops, columns)
        found.append(np.where(better(filled[a], filled[b]), a, b))
    return found[0], found[1]


def bin_extremes(
    values: npt.NDArray[np.float64], starts: Indices, stops: Indices, has_nan: bool
) -> tuple[Indices, Indices]:
    """Each bin's two extreme indices (NaN ignored), by gathering the bins into rows."""
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


def _tsdownsample_extremes(
    times: npt.NDArray[np.int64],
    values: npt.NDArray[np.float64],
    starts: Indices,
    stops: Indices,
    columns: int,
) -> tuple[Indices, Indices]:
    """tsdownsample's extremes for every bin it got exactly right; NumPy's for the rest.

    tsdownsample returns four indices per non-empty bin of its own: first, the two extremes in
    index order, last. A bin of ours is taken from it only if one of its bins has the same
    first and last index, hence the same samples. Trusts its input: no NaN, ``columns >= 2``.
    """
    found = M4Downsampler().downsample(times, values, n_out=4 * columns).astype(np.int64)
    if len(found) % 4:  # not the layout we rely on: trust nothing from it
        return bin_extremes(values, starts, stops, has_nan=False)
    theirs = found.reshape(-1, 4)
    position = np.searchsorted(theirs[:, 0], starts).clip(max=len(theirs) - 1)
    match = theirs[position]
    same = (match[:, 0] == starts) & (match[:, 3] == stops - 1)
    low, high = match[:, 1], match[:, 2]
    if not same.all():
        redo = ~same
        low[redo], high[redo] = bin_extremes(values, starts[redo], stops[redo], False)
    return low, high
