"""Memory over long runs: what keeps the server's and the page's memory flat while streaming.

Found with ``python -m benchmarks.bench_soak``, heap snapshots of the page and allocator
counts in the server (README, "Memory over long runs"); none of it is feed's data, which the
ring holds in a fixed buffer.

- **The server, Python's collector.** With Streamlit's per-run ``gc.collect()`` off
  (``runner.postScriptGC = false``, which saves about 0.5 ms a tick), what a tick leaves in
  reference cycles and survives the young generations waits for a full collection, and
  Python runs one only once the objects promoted since the last one number a quarter of
  those that survived it: with about 135,000 long-lived objects (Streamlit, Polars, Altair,
  pandas), some 34,000. Meanwhile RSS rose about 1.5 MB per 10 minutes at 0.1 s ticks and
  the tracked objects by some 650 a minute. :func:`collect_now_and_then` runs a full
  collection every ``every_s`` seconds from the tick; the first call also freezes what is
  alive then (``gc.freeze()``: imports, caches), so each later pass walks only what is new
  since, about 0.5 ms every 30 s.
- **The page, Vega.** Vega-Lite parses the ``t`` column with a ``toDate`` formula placed
  before the fold. A transform that changes the dataset's own rows makes Vega copy every row
  through its ``Relay`` operator, which keeps a lookup entry per row it has ever copied: on
  removal the entry is set to ``null``, never deleted. Streamlit replaces the whole dataset
  whenever its bytes change, so the table grew by one entry per row sent, for as long as the
  page stays open: 111,400 entries, 2.9 MB, after 9 minutes at 100 points per series and 2
  samples a second, and in proportion for more rows (M4 sends up to ``4 x width`` per
  series). ``feed.chart.spec.compile_line_chart`` turns that parsing off: times arrive as
  milliseconds (after a base instant), which Vega's time scale reads as they are. The same
  holds for every pipe derived from a dataset: Vega puts the copying ``Relay`` first in the
  pipe whenever any transform modifies rows before one makes new rows, even after a filter.
  The crosshair's ``calculate`` after its hover filter grew the page 3.7 MB per 10 minutes at
  0.1 s (all the places, every tick); its dataset now carries the field under the axis' name.
- **The page, Streamlit.** Streamlit's frontend calls ``performance.mark`` on each change of
  its script-run state and ``performance.measure`` when a run ends, and never clears them;
  Chromium keeps user timing entries until the page clears them. Measured: 1.7 marks and 0.8
  measures per fragment run, about 390 bytes, 2.3 MB per 10 minutes at 0.1 s.
  :func:`keep_page_timings_bounded` clears those entries, by their names only, every
  ``every_s`` seconds.
"""

from __future__ import annotations

import gc
import math
import threading
import time
from collections.abc import Callable

import streamlit as st

COLLECT_EVERY_S = 30.0
"""Seconds between the server's full collections (see :func:`collect_now_and_then`)."""

STREAMLIT_TIMING_MARKS = (
    "running",
    "notRunning",
    "rerunRequested",
    "stopRequested",
    "compilationError",
)
"""The marks Streamlit's frontend makes on each change of its script-run state (its values)."""
STREAMLIT_TIMING_MEASURES = ("script-run-cycle",)
"""The measure Streamlit's frontend makes when a run ends."""

_CLEAR_TIMINGS_JS = """<script>
if (!window.__feedClearsTimings) {
  window.__feedClearsTimings = setInterval(() => {
    for (const name of MARKS) performance.clearMarks(name);
    for (const name of MEASURES) performance.clearMeasures(name);
  }, EVERY_MS);
}
</script>"""


def _positive_seconds(every_s: object) -> float:
    """``every_s`` as a float, if it is a positive, finite number; else the error naming it."""
    if not (isinstance(every_s, int | float) and math.isfinite(every_s) and every_s > 0):
        raise ValueError(f"`every_s` must be a positive number of seconds, got {every_s!r}")
    return float(every_s)


class PeriodicCollector:
    """A full garbage collection at most every ``every_s`` seconds, called from the tick.

    The first call collects, then freezes what survives (``gc.freeze()``: the permanent
    generation, never traversed again), so later passes cost only what is new since. A call
    returns at once, True if it collected. Thread-safe: the sessions' script threads call it
    concurrently and at most one of them collects; the others return False without waiting.
    Objects frozen at the first call are left to reference counting: a cycle among them, if
    it ever becomes garbage, stays (imports and caches do not).
    """

    def __init__(
        self,
        every_s: float = COLLECT_EVERY_S,
        *,
        clock: Callable[[], float] = time.monotonic,
        collect: Callable[[], int] = gc.collect,
        freeze: Callable[[], None] = gc.freeze,
    ) -> None:
        self.every_s = _positive_seconds(every_s)
        self._clock, self._collect, self._freeze = clock, collect, freeze
        self._lock = threading.Lock()
        self._last: float | None = None
        self.passes = 0
        """Full collections run so far, the first (freezing) one included."""

    def __call__(self) -> bool:
        now = self._clock()
        if self._last is not None and now - self._last < self.every_s:
            return False
        if not self._lock.acquire(blocking=False):
            return False
        try:
            if self._last is not None and now - self._last < self.every_s:
                return False  # another thread collected since we looked
            self._collect()
            if self._last is None:
                self._freeze()
            self._last = self._clock()
            self.passes += 1
            return True
        finally:
            self._lock.release()


_COLLECTOR = PeriodicCollector()


def collect_now_and_then() -> bool:
    """The process's :class:`PeriodicCollector`: call it once per tick (True if it collected).

    Replaces Streamlit's ``gc.collect()`` after every run, which the project's config turns
    off, at a fraction of its cost (module docstring)."""
    return _COLLECTOR()


def timings_script(every_s: float = 10.0) -> str:
    """The page script behind :func:`keep_page_timings_bounded`: once per page (a second copy
    does nothing), clear Streamlit's timing entries every ``every_s`` seconds."""
    every_s = _positive_seconds(every_s)
    return (
        _CLEAR_TIMINGS_JS.replace("MARKS", _js_list(STREAMLIT_TIMING_MARKS))
        .replace("MEASURES", _js_list(STREAMLIT_TIMING_MEASURES))
        .replace("EVERY_MS", str(round(every_s * 1000)))
    )


def keep_page_timings_bounded(every_s: float = 10.0) -> None:
    """Clear Streamlit's per-run ``performance`` marks and measures in the viewer's page every
    ``every_s`` seconds, so they do not pile up while the page streams.

    Call it in the script's body (not in a fragment): it adds one invisible element to the
    sidebar on a full run, and the script runs once per page however often that is sent.
    """
    st.sidebar.html(timings_script(every_s), unsafe_allow_javascript=True)


def _js_list(names: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{name}"' for name in names) + "]"
