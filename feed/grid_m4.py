"""M4 on a fixed time grid, kept from tick to tick: each tick computes only what changed.

A live window changes only at its ends: new samples land in the newest pixel column and the
oldest column loses samples. If the pixel columns were stretched over the window, every one of
them would move each tick and M4 would read the whole window again (1.4 ms per series at 1M
points). ``GridM4`` fixes the columns in time instead: a grid of bins ``w`` ns wide, bin ``k``
holding the times ``[k * w, (k + 1) * w)``. Every bin between the oldest and the newest then
keeps its M4 samples until it leaves the window; they are remembered (by sample number, which
stays with a sample while it is in the ring), and a tick recomputes only the two end bins and
any bins completed since the last tick. Its cost no longer grows with the window.

The chart shows exactly these bins when its time axis is ``columns`` bins ending where the
newest bin ends: ``GridWindow.domain``. The bin width is the narrowest that fits the window in
``columns - 1`` bins, plus ``SLACK`` so that a span that wobbles keeps its grid; it is chosen
again (and the remembered bins dropped) only when the span leaves that band: while the window
fills up, or when a gap in the data enters or leaves it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from feed.downsample import Indices, bin_extremes

SLACK = 0.01
"""Extra bin width, as a fraction, when a width is chosen: the axis shows up to this much
empty time (8 px at 800 columns) before the oldest sample, and the span may grow this much
before the grid, and the samples remembered on it, are thrown away."""
MIN_COLUMNS = 3
"""Fewest columns a grid can have: the window fits in ``columns - 1`` bins, and a bin is
kept free so that the oldest sample never falls off the axis."""

_EMPTY = np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class GridWindow:
    """A window's M4 samples on the grid, and the time axis that shows the grid's bins as
    pixel columns.

    ``kept[i]``: sorted indices into the window of series ``i``'s samples (each bin's first,
    last, min and max). ``domain``: ``(start, stop)`` ns, ``columns`` bins ending where the
    newest sample's bin ends; every sample lies strictly inside it.
    """

    kept: list[Indices]
    domain: tuple[int, int]


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
        if len(values) != len(self._bins) or not self._remembered_fit(first_seq, len(times)):
            self._forget(len(values))
        w = self.bin_ns
        first_bin, last_bin = first_time // w, last_time // w
        fresh_from = max(self._remembered_to, first_bin + 1)
        if fresh_from == first_bin + 1 and not any(len(b) for b in self._bins):
            fresh_from = first_bin  # nothing remembered: one pass over every bin
        head = _bin_m4(times, values, w, first_bin, first_bin) if fresh_from > first_bin else None
        fresh = _bin_m4(times, values, w, fresh_from, last_bin)
        kept = []
        for i, (fresh_bins, fresh_indices) in enumerate(fresh):
            cut = np.searchsorted(self._bins[i], first_bin, side="right")
            bins, seqs = self._bins[i][cut:], self._seqs[i][cut:]
            parts = [seqs - first_seq, fresh_indices]
            kept.append(np.concatenate(parts if head is None else [head[i][1], *parts]))
            finished = (fresh_bins > first_bin) & (fresh_bins < last_bin)
            self._bins[i] = np.concatenate([bins, fresh_bins[finished]])
            self._seqs[i] = np.concatenate([seqs, fresh_indices[finished] + first_seq])
        self._remembered_to = last_bin
        self._seen_to = first_seq + len(times)
        stop = (last_bin + 1) * w
        return GridWindow(kept, (stop - self.columns * w, stop))

    def _fit_grid(self, span: int) -> None:
        """Keep the bin width while the window fits in ``columns - 1`` bins with at most
        ``SLACK`` to spare; otherwise choose it again and forget what was remembered."""
        # span < (columns - 2) * w, so the window's first and last bins are at most
        # columns - 2 apart, whatever the grid's phase.
        narrowest = span // (self.columns - 2) + 1
        if narrowest <= self.bin_ns <= narrowest * (1 + SLACK) + 1:
            return
        self.bin_ns = int(narrowest * (1 + SLACK / 2)) + 1
        self._forget(len(self._bins))

    def _remembered_fit(self, first_seq: int, size: int) -> bool:
        """Whether the samples remembered can belong to this window: it ends at or after the
        last window seen (same ring, moving forward)."""
        return first_seq + size >= self._seen_to

    def _forget(self, series: int = 0) -> None:
        """Drop every remembered bin."""
        self._bins: list[Indices] = [_EMPTY] * series  # per series: bin of each sample
        self._seqs: list[Indices] = [_EMPTY] * series  # per series: each sample's number
        self._remembered_to = -(2**62)  # bins before this one are remembered
        self._seen_to = 0


def _bin_m4(
    times: npt.NDArray[np.int64],
    values: npt.NDArray[np.float64],
    w: int,
    first_bin: int,
    last_bin: int,
) -> list[tuple[Indices, Indices]]:
    """Per series, ``(bins, indices)`` of the M4 samples of the grid's bins
    ``first_bin..last_bin`` (inclusive): sorted indices into the window and each one's bin."""
    if last_bin < first_bin:
        return [(_EMPTY, _EMPTY)] * len(values)
    bin_ids = np.arange(first_bin, last_bin + 2, dtype=np.int64)
    edges = np.searchsorted(times, bin_ids * w)
    starts, stops, bin_ids = edges[:-1], edges[1:], bin_ids[:-1]
    nonempty = stops > starts
    starts, stops, bin_ids = starts[nonempty], stops[nonempty], bin_ids[nonempty]
    if not len(starts):
        return [(_EMPTY, _EMPTY)] * len(values)
    lo, hi = int(starts[0]), int(stops[-1])
    bins = np.repeat(bin_ids, 4)
    found = []
    for series in values:
        part = series[lo:hi]
        low, high = bin_extremes(part, starts - lo, stops - lo, bool(np.isnan(part).any()))
        per_bin = np.stack([starts, low + lo, high + lo, stops - 1], axis=1)
        indices = np.sort(per_bin, axis=1).ravel()
        new = np.r_[True, indices[1:] != indices[:-1]]
        found.append((bins[new], indices[new]))
    return found
