"""A live window: one source feeding one ring buffer, safe to share between sessions.

One ``Feed`` can serve every viewer of the same source: polls are serialised and happen at
most once per ``min_poll_interval`` however many sessions tick, and readers see the window
under a lock, so a read never overlaps a write and never sees a torn or reordered window.
"""

from __future__ import annotations

import io
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as PollTimeout
from dataclasses import dataclass

import numpy as np
import polars as pl

from feed.chart.layers import ChartDatasets, ChartLayout, time_base
from feed.sources.base import Source
from feed.window.frame import newest, window_frame
from feed.window.poller import Poller
from feed.window.ring import RingBuffer
from feed.window.validate import clean_batch


@dataclass(frozen=True)
class Update:
    """How the latest poll went: samples added, the error that stopped it, warnings."""

    added: int = 0
    error: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChartData:
    """A window snapshot for the chart: its datasets as Arrow IPC bytes by name (safe to use
    after the lock is released), the points they draw, and the window's samples and series."""

    datasets: dict[str, bytes]
    points: int
    window: int
    series: int
    base_ns: int = 0  # the instant the datasets' times are ms after

    @property
    def size(self) -> int:
        """Bytes of all the datasets together."""
        return sum(len(data) for data in self.datasets.values())


EXPORT_FORMATS = ("csv", "parquet")
LAYOUTS_KEPT = 32
"""Chart layouts a feed remembers, one per chart width and window length in use."""


class Feed:
    """The newest ``capacity`` samples of ``source``.

    ``update`` polls synchronously and raises what the source raises (for scripts and tests);
    ``refresh`` is for ticks: it never raises, waits at most ``poll_timeout`` seconds for the
    source, and reports problems in the returned ``Update``. Either way a failed poll leaves
    the window and the source as they were, and the next poll catches up.
    """

    def __init__(
        self,
        source: Source,
        capacity: int = 100,
        poll_timeout: float = 0.25,
        min_poll_interval: float = 0.0,
    ) -> None:
        self.source = _checked_source(source)
        self.ring = RingBuffer(capacity, len(source.names))
        self.poll_timeout = poll_timeout
        self.min_poll_interval = min_poll_interval
        self._window_lock = threading.Lock()  # held by whoever reads or writes the ring
        self._source_lock = threading.Lock()  # one poll at a time, whoever runs it
        self._state_lock = threading.Lock()  # the in-flight bookkeeping below
        self._poller: Poller | None = None
        self._in_flight: Future[Update] | None = None
        self._in_flight_since = 0.0
        self._last_poll = -float("inf")
        self.last_update = Update()
        self._layouts: dict[tuple, ChartLayout] = {}  # per width, window and zoomed range

    @property
    def names(self) -> tuple[str, ...]:
        """The series' names."""
        return self.source.names

    def update(self, now: int | None = None) -> Update:
        """Poll the source up to ``now`` (int ns since the epoch; default: the clock) and add
        the valid samples. Raises what the source raises, and ``BadBatch`` for unusable data."""
        return self._poll_and_add(now)

    def refresh(self, now: int | None = None) -> Update:
        """Poll if due and wait up to ``poll_timeout`` s for it; never raises.

        With a poll already in flight (a slow source, or another session's poll), starts no
        other and does not wait for it. Returns the latest finished poll's outcome, or an
        error once the poll in flight has taken longer than ``poll_timeout``. A source that
        says it never blocks (``blocking = False``: no I/O) is polled inline, sparing the
        hand-off to the worker thread.
        """
        inline = not getattr(self.source, "blocking", True)
        with self._state_lock:
            future, started_now = self._in_flight, False
            due = future is None and time.monotonic() - self._last_poll >= self.min_poll_interval
            if due and inline:
                self._last_poll = time.monotonic()
            elif due:
                future, started_now = self._start_poll(now), True
        if due and inline:
            return self._guarded_poll(now)
        if future is None:
            return self.last_update
        try:
            return future.result(timeout=self.poll_timeout if started_now else 0)
        except PollTimeout:
            waited = time.monotonic() - self._in_flight_since
            if waited < self.poll_timeout:
                return self.last_update
            return Update(
                error=f"the source has not answered for {waited:.1f} s; showing what is "
                "buffered, and its answer will be added when it comes"
            )

    def frame(self, last: int | None = None) -> pl.DataFrame:
        """The newest ``last`` samples (default: all) as a frame aliasing the buffer.

        Not locked: for single-threaded use. Shared feeds are read with ``chart_data``."""
        return window_frame(self.ring, self.names, last)

    def chart_datasets(
        self,
        columns: int,
        last: int | None = None,
        span: tuple[int, int] | None = None,
        crosshair: bool = True,
        shown: tuple[int, ...] | None = None,
        zone_ns: int = 0,
    ) -> ChartDatasets:
        """What a chart ``columns`` pixels wide draws of the newest ``last`` samples (see
        ``feed.chart.layers.ChartLayout``), or, given ``span`` (start, end ns), of those in that
        range and one either side (a zoomed chart's lines reach its edges); without the
        crosshair's ``nearest`` dataset when ``crosshair`` is False (a chart without
        interaction draws none), and with the values of the series numbered in ``shown`` only
        (default: all; the legend hides the others); not locked, like ``frame``. Times are
        sent after a midnight of a viewer ``zone_ns`` ahead of UTC (``time_base``); a zoomed
        chart's share the live window's base, as the page's zoom does."""
        times, values = newest(self.ring, self.names, last)
        first_seq = self.ring.written - len(times)
        base = time_base(int(times[-1]), zone_ns) if len(times) else None
        if span is not None:
            start = max(int(np.searchsorted(times, span[0], side="left")) - 1, 0)
            stop = min(int(np.searchsorted(times, span[1], side="right")) + 1, len(times))
            times, values, first_seq = times[start:stop], values[:, start:stop], first_seq + start
        layout = self._layout(columns, last, span, crosshair, zone_ns)
        return layout.datasets(times, values, first_seq, span, shown, base)

    def chart_data(
        self,
        columns: int,
        last: int | None = None,
        span: tuple[int, int] | None = None,
        crosshair: bool = True,
        shown: tuple[int, ...] | None = None,
        zone_ns: int = 0,
    ) -> ChartData:
        """A consistent snapshot of the window (or of ``span`` in it) for the chart,
        serialised under the lock."""
        with self._window_lock:
            sent = self.chart_datasets(columns, last, span, crosshair, shown, zone_ns)
            window = len(self.ring) if last is None else min(last, len(self.ring))
        return ChartData(sent.arrow, sent.points, window, len(self.names), sent.base_ns)

    def export(self, file_format: str, last: int | None = None) -> bytes:
        """The newest ``last`` samples, every one of them, as a CSV or Parquet file.

        Times are UTC instants (ISO 8601 in CSV); a gap is an empty CSV cell (NaN in Parquet).
        """
        if file_format not in EXPORT_FORMATS:
            raise ValueError(f"`file_format` must be one of {EXPORT_FORMATS}, got {file_format!r}")
        buffer = io.BytesIO()
        with self._window_lock:
            frame = window_frame(self.ring, self.names, last)
            if file_format == "csv":
                frame.fill_nan(None).write_csv(buffer)
            else:
                frame.write_parquet(buffer)
        return buffer.getvalue()

    def reconfigure(self, capacity: int | None = None, source: Source | None = None) -> None:
        """Change the window length and/or the source, keeping the buffered data that fits.

        The newest ``capacity`` samples stay; a series keeps its data if the new source has
        a series of the same name, and a new series starts as a gap (NaN) before its first
        sample.
        """
        new_source = self.source if source is None else _checked_source(source)
        capacity = self.ring.capacity if capacity is None else capacity
        with self._source_lock, self._window_lock:
            self.ring = _carried_over(self.ring, self.names, capacity, new_source.names)
            self.source = new_source
            self._layouts.clear()

    def carry_over(self, previous: Feed) -> None:
        """Take ``previous``'s buffered samples for the series both feeds name, before this
        feed's first poll (for a source that continues ``previous``'s timeline)."""
        with previous._window_lock:
            ring = _carried_over(previous.ring, previous.names, self.ring.capacity, self.names)
        with self._source_lock, self._window_lock:
            self.ring = ring
            self._layouts.clear()

    def _layout(
        self,
        columns: int,
        last: int | None,
        span: tuple[int, int] | None = None,
        crosshair: bool = True,
        zone_ns: int = 0,
    ) -> ChartLayout:
        """The layout remembered for charts ``columns`` px wide showing the newest ``last``
        samples, or ``span`` of them, for viewers ``zone_ns`` ahead of UTC (each viewer's
        settings and time zone have their own); at most ``LAYOUTS_KEPT``, the least recently
        used dropped first. The caller holds ``_window_lock``."""
        key = (columns, last, span, crosshair, zone_ns)
        layout = self._layouts.pop(key, None) or ChartLayout(columns, self.names, crosshair)
        self._layouts[key] = layout  # now the most recently used
        while len(self._layouts) > LAYOUTS_KEPT:
            del self._layouts[next(iter(self._layouts))]
        return layout

    def _start_poll(self, now: int | None) -> Future[Update]:
        """Hand a poll to the worker thread; the caller holds ``_state_lock``."""
        if self._poller is None:
            self._poller = Poller()
        self._last_poll = self._in_flight_since = time.monotonic()
        self._in_flight = self._poller.submit(lambda: self._guarded_poll(now))
        return self._in_flight

    def _guarded_poll(self, now: int | None) -> Update:
        """Poll and add, turning any failure into the Update's error (the worker's job, or
        the tick's own for a non-blocking source)."""
        try:
            update = self._poll_and_add(now)
        except Exception as exc:  # a failing source must not stop the stream
            update = Update(error=f"{type(exc).__name__}: {exc}")
        with self._state_lock:
            self._in_flight = None
            self.last_update = update
        return update

    def _poll_and_add(self, now: int | None) -> Update:
        """Poll, check, append: one poll at a time, and the ring locked only to write."""
        with self._source_lock:
            batch = self.source.poll(time.time_ns() if now is None else now)
            clean = clean_batch(batch, self.ring.series, self.ring.last_time)
            with self._window_lock:
                self.ring.extend(clean.times, clean.values)
        return Update(len(clean), None, clean.warnings)


def _checked_source(source: object) -> Source:
    """``source`` if it looks like a Source, else the error that says what is missing."""
    if not isinstance(source, Source):
        raise TypeError(f"`source` must have `names` and `poll(now)`, got {type(source).__name__}")
    return source


def _carried_over(
    ring: RingBuffer, names: tuple[str, ...], capacity: int, new_names: tuple[str, ...]
) -> RingBuffer:
    """A new ring of ``capacity`` holding what fits of ``ring``, matched by series name."""
    new = RingBuffer(capacity, len(new_names))
    keep = min(len(ring), capacity)
    if keep:
        old = dict(zip(names, ring.values[:, -keep:], strict=True))
        values = np.full((keep, len(new_names)), np.nan)
        for i, name in enumerate(new_names):
            if name in old:
                values[:, i] = old[name]
        new.extend(ring.times[-keep:], values)
    return new
