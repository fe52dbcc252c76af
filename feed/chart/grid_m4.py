"""M4 on a fixed time grid, kept from tick to tick: each tick computes only what changed.

A live window changes only at its ends: new samples land in the newest pixel column and the
oldest column loses samples. If the pixel columns were stretched over the window, every one of
them would move each tick and M4 would read the whole window again (1.4 ms per series at 1M
points). ``GridM4`` fixes the columns in time instead: a grid of bins ``w`` ns wide, bin ``k``
holding the times ``[k * w, (k + 1) * w)``. Every bin between the oldest and the newest then
keeps its M4 samples until it leaves the window; they are remembered (by sample number, which
stays with a sample while it is in the ring), and a tick recomputes only the two end bins and
any bins completed since the last tick. Its cost no longer grows with the window.

A chart shows exactly these bins when its time axis is a whole number of bins on the grid,
one per pixel column: ``GridWindow.domain`` is the tightest such axis, and
``feed.chart.layers.ChartLayout`` ends its axis up to a block later instead. The bin width is
the narrowest that fits the window in ``columns - 1`` bins, plus ``SLACK`` so that a span that
wobbles keeps its grid; it is chosen again (and the remembered bins dropped) only when the span
leaves that band: while the window fills up, or when a gap in the data enters or leaves it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from feed.chart.downsample import (
    Indices,
    bin_extremes,
    crossing_halves,
    piece_extremes,
    spike_sides,
    union_and_owners,
)

SLACK = 0.01
"""Headroom of the bin width, as a fraction: a width is chosen ``SLACK / 2`` wider than the
narrowest that fits and kept while it is at most ``SLACK`` wider, so the window's span may
grow or shrink by about half a percent before the grid, and what is remembered on it, is
thrown away. The axis shows up to this much empty time (8 px at 800 columns), plus a column
or two, before the oldest sample."""
MIN_COLUMNS = 3
"""Fewest columns a grid can have: the window fits in ``columns - 1`` bins, and a bin is
kept free so that the oldest sample never falls off the axis."""

_EMPTY = np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class GridWindow:
    """A window's M4 samples on the grid, and the time axis that shows the grid's bins as
    pixel columns.

    ``rows``: sorted indices into the window of every sample some series keeps (each bin's
    first, last, min and max, per series); ``times`` and ``cells`` (shape ``(series, rows)``):
    those samples' times and values. ``held[i, j]``: whether series ``i`` keeps ``rows[j]``.
    ``domain``: ``(start, stop)`` ns, ``columns`` bins ending where the newest sample's bin
    ends; every sample lies strictly inside it. The arrays are read-only views of the grid's
    own, good until its next ``update``: copy what must outlive the tick.
    """

    rows: Indices
    times: npt.NDArray[np.int64]
    cells: npt.NDArray[np.float64]
    held: npt.NDArray[np.bool_]
    domain: tuple[int, int]

    def kept(self, series: int) -> Indices:
        """Sorted indices into the window of the samples series ``series`` keeps."""
        return self.rows[self.held[series]]


class GridM4:
    """M4 of a live window into ``columns`` pixel columns, remembering finished bins.

    Feed it the same window tick after tick (the newest samples of one ring, ``first_seq``
    counting from that ring's ``written``); it returns what a full M4 pass on its grid would,
    at the cost of the bins that changed. Not thread-safe: one caller at a time.
    """

    def __init__(self, columns: int) -> None:
        if isinstance(columns, bool) or not isinstance(columns, int) or columns < MIN_COLUMNS:
            raise ValueError(f"`columns` must be an integer >= {MIN_COLUMNS}, got {columns!r}")
        self.columns = columns
        self.bin_ns = 0  # the grid's bin width; 0 until the first window
        self._forget()

    def update(
        self, times: npt.NDArray[np.int64], values: npt.NDArray[np.float64], first_seq: int
    ) -> GridWindow:
        """M4 of the window: ``times`` sorted and non-empty, ``values`` shape
        ``(series, len(times))``, its oldest sample numbered ``first_seq``."""
        first_time, last_time = int(times[0]), int(times[-1])
        self._fit_grid(last_time - first_time)
        w = self.bin_ns
        first_bin, last_bin = first_time // w, last_time // w
        if len(values) != self._strip.series or not self._remembered_fit(
            first_seq, len(times), last_bin
        ):
            self._forget(len(values))
        # The oldest bin (it loses samples) and every bin not remembered, in one pass.
        fresh_from = max(self._remembered_to, first_bin + 1)
        bin_ids = np.arange(fresh_from - 1, last_bin + 1)  # fresh_from to the newest bin,
        bin_ids[0] = first_bin  # after the oldest
        rows, held, bins = _bin_m4(times, values, w, bin_ids)
        # The window: the oldest bin's samples, the remembered ones still in it, the fresh
        # ones. The remembered samples' values travel too: gathering them from all over a
        # big ring each tick would cost a cache miss per sample.
        fresh = (rows + first_seq, times[rows], values[:, rows], held, bins)
        cut = np.searchsorted(self._strip.bins, first_bin, side="right")  # gone or re-done
        old = np.searchsorted(bins, first_bin, side="right")  # the oldest bin's samples
        seqs, when, cells, owners, _ = self._strip.lay(
            cut, [part[..., :old] for part in fresh], [part[..., old:] for part in fresh]
        )
        window = GridWindow(
            seqs - first_seq,
            when,
            cells,
            owners,
            ((last_bin + 1 - self.columns) * w, (last_bin + 1) * w),
        )
        # Remembered from now on: every bin after the oldest and before the newest.
        self._strip.keep(int(np.count_nonzero(bins[old:] < last_bin)))
        self._remembered_to = last_bin
        self._seen_to = first_seq + len(times)
        return window

    def _fit_grid(self, span: int) -> None:
        """Keep the bin width while the window fits in ``columns - 1`` bins with at most
        ``SLACK`` to spare; otherwise choose it again and forget what was remembered."""
        width = fitted_bin_width(span, self.columns, self.bin_ns)
        if width != self.bin_ns:
            self.bin_ns = width
            self._forget(self._strip.series)

    def _remembered_fit(self, first_seq: int, size: int, last_bin: int) -> bool:
        """Whether the samples remembered can belong to this window: it ends at or after the
        last window seen, in samples and in time (same ring, moving forward)."""
        return first_seq + size >= self._seen_to and last_bin >= self._remembered_to

    def _forget(self, series: int = 0) -> None:
        """Drop every remembered bin."""
        self._strip = _Strip(series)
        self._remembered_to = -(2**62)  # bins before this one are remembered
        self._seen_to = 0


BINS = 4
"""Where ``_Strip``'s parts hold each sample's bin (before it: its number, its time, its
values ``(series, n)`` and which series keep it ``(series, n)``)."""


class _Strip:
    """The remembered samples' parts, side by side in arrays with room either side, so that
    each tick lays the oldest bin's samples just before them and the fresh bins' just after,
    and hands the window out as views: copying every remembered sample each tick cost
    0.35 ms at 1M x 16. The views hold until the next ``lay``."""

    def __init__(self, series: int) -> None:
        self.series = series
        self._parts = _empty_parts(series, 0)
        self._lo = self._hi = 0  # the remembered samples: [lo, hi)

    @property
    def bins(self) -> Indices:
        """The bin of each remembered sample."""
        return self._parts[BINS][self._lo : self._hi]

    def lay(self, cut: int, front: list[npt.NDArray], back: list[npt.NDArray]) -> list:
        """Forget the first ``cut`` remembered samples, lay ``front`` just before the rest
        and ``back`` just after; the three, as read-only views."""
        lo, before, after = self._lo + cut, front[0].shape[-1], back[0].shape[-1]
        if lo < before or self._hi + after > self._parts[0].shape[-1]:
            lo = self._reserve(lo, before, after)
        for part, first, last in zip(self._parts, front, back, strict=True):
            part[..., lo - before : lo] = first
            part[..., self._hi : self._hi + after] = last
        self._lo = lo
        return [_read_only(part[..., lo - before : self._hi + after]) for part in self._parts]

    def keep(self, count: int) -> None:
        """The first ``count`` samples laid after the remembered ones are remembered too."""
        self._hi += count

    def _reserve(self, lo: int, before: int, after: int) -> int:
        """Move the remembered samples from ``lo`` into new arrays with room for ``before``
        samples ahead and twice what they hold after; where they now start."""
        size = self._hi - lo
        ahead = max(2 * before, 1024)
        parts = _empty_parts(self.series, ahead + 2 * (size + after) + 1024)
        for new, part in zip(parts, self._parts, strict=True):
            new[..., ahead : ahead + size] = part[..., lo : self._hi]
        self._parts, self._hi = parts, ahead + size
        return ahead


def _empty_parts(series: int, capacity: int) -> list[npt.NDArray]:
    """Empty parts for ``capacity`` samples of ``series`` series."""
    return [
        np.zeros(capacity, dtype=np.int64),
        np.zeros(capacity, dtype=np.int64),
        np.zeros((series, capacity)),
        np.zeros((series, capacity), dtype=bool),
        np.zeros(capacity, dtype=np.int64),
    ]


def fitted_bin_width(span: int, columns: int, current: int = 0) -> int:
    """The bin width (ns) that fits ``span`` ns in ``columns - 1`` bins: ``current`` while it
    does with at most ``SLACK`` to spare, else the narrowest that does plus ``SLACK / 2``."""
    # span < (columns - 2) * w, so the window's first and last bins are at most
    # columns - 2 apart, whatever the grid's phase.
    narrowest = span // (columns - 2) + 1
    if narrowest <= current <= narrowest * (1 + SLACK) + 1:
        return current
    return int(narrowest * (1 + SLACK / 2)) + 1


def _read_only(array: npt.NDArray) -> npt.NDArray:
    """``array`` (a view), made read-only: the grid writes in what it hands out next tick."""
    array.flags.writeable = False
    return array


def _bin_m4(
    times: npt.NDArray[np.int64], values: npt.NDArray[np.float64], w: int, bin_ids: Indices
) -> tuple[Indices, npt.NDArray[np.bool_], Indices]:
    """``(rows, held, bins)`` of the M4 samples in the grid's bins ``bin_ids`` (increasing):
    sorted indices into the window of every sample a series keeps, which series keep each,
    and the bin of each."""
    edges = np.searchsorted(times, np.stack([bin_ids, bin_ids + 1]) * w)
    nonempty = edges[1] > edges[0]
    starts, stops, bin_ids = edges[0][nonempty], edges[1][nonempty], bin_ids[nonempty]
    if not len(starts):
        return _EMPTY, np.zeros((len(values), 0), dtype=bool), _EMPTY
    low, high = bin_extremes(values, starts, stops)
    shape = low.shape
    firsts, lasts = np.broadcast_to(starts, shape), np.broadcast_to(stops - 1, shape)
    sides = spike_sides(values, starts, stops, low, high)  # a lone extreme's neighbours
    mids = np.clip(np.searchsorted(times, bin_ids * w + w // 2), starts + 1, stops - 1)
    halves = crossing_halves(values, starts, mids, stops, low, high)  # a steep line's
    extremes = np.stack([firsts, low, high, lasts], axis=2)
    per_bin = np.concatenate([extremes, sides, halves], axis=2)
    per_bin.sort(axis=2)
    kept = per_bin.reshape(len(values), -1)
    pieces = piece_extremes(values, starts, stops)  # bins a gap breaks, piece by piece
    if pieces is not None:
        kept = _joined(kept, pieces)
    rows, held = union_and_owners(kept)
    return rows, held, bin_ids[np.searchsorted(stops, rows, side="right")]


def _joined(kept: Indices, extra: list[Indices]) -> Indices:
    """Each series' row of ``kept`` with its ``extra`` indices, sorted (rows padded with
    repeats of their first index to one length)."""
    width = max(len(more) for more in extra)
    padded = np.repeat(kept[:, :1], width, axis=1)
    for series, more in enumerate(extra):
        padded[series, : len(more)] = more
    joined = np.concatenate([kept, padded], axis=1)
    joined.sort(axis=1)
    return joined
