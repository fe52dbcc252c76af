"""A live readout of the stream's health: recent tick cost, tick rate, points, bytes sent."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

from feed.ui.view import Tick


@dataclass(frozen=True)
class Readout:
    """Figures over the recent ticks: the latest tick's cost, cost median and p95 (ms),
    achieved ticks per second, samples in the window, and what the latest tick sent."""

    ticks: int
    last_ms: float
    median_ms: float
    p95_ms: float
    ticks_per_s: float
    window_points: int
    sent_points: int
    bytes_sent: int

    def markdown(self) -> str:
        """Short lines for the sidebar."""
        return (
            f"Last tick: {self.last_ms:.1f} ms  \n"
            f"**Tick** {self.median_ms:.1f} ms median, {self.p95_ms:.1f} ms p95 "
            f"(last {self.ticks})  \n"
            f"**Rate** {self.ticks_per_s:.2f} ticks/s  \n"
            f"**Window** {self.window_points:,} points; "
            f"**sent** {self.sent_points:,} points, {self.bytes_sent / 1024:,.1f} kB per tick"
        )


class TickHistory:
    """The last ``size`` ticks of one session, for its readout: their end times and costs,
    and the latest tick (only the latest: a tick holds the bytes it sent)."""

    def __init__(self, size: int = 100, show_every: float = 1.0) -> None:
        self._ends: deque[float] = deque(maxlen=size)
        self._costs: deque[float] = deque(maxlen=size)
        self._latest: Tick | None = None
        self._show_every = show_every
        self._shown_at = -float("inf")

    def due(self, at: float | None = None) -> bool:
        """True at most once per ``show_every`` seconds: when the readout should be redrawn.

        People read it at a glance; redrawing it on every tick at 0.1 s would cost the
        server an element per tick and the browser a re-render, and flicker."""
        at = time.monotonic() if at is None else at
        if at - self._shown_at < self._show_every:
            return False
        self._shown_at = at
        return True

    def add(self, tick: Tick, at: float | None = None) -> None:
        """Record ``tick``, which ended at ``at`` (``time.monotonic()`` by default)."""
        self._ends.append(time.monotonic() if at is None else at)
        self._costs.append(tick.seconds)
        self._latest = tick

    def readout(self) -> Readout | None:
        """The figures, or None before the first tick."""
        latest = self._latest
        if latest is None:
            return None
        costs = sorted(self._costs)  # plain Python: ~100 floats, cheaper than NumPy's setup
        span = self._ends[-1] - self._ends[0]
        rate = (len(self._ends) - 1) / span if span > 0 else 0.0
        return Readout(
            ticks=len(costs),
            last_ms=latest.seconds * 1e3,
            median_ms=1e3 * _quantile(costs, 0.5),
            p95_ms=1e3 * _quantile(costs, 0.95),
            ticks_per_s=rate,
            window_points=latest.sent.window * latest.sent.series,
            sent_points=latest.sent.points,
            bytes_sent=latest.sent.size,
        )


def _quantile(ordered: list[float], q: float) -> float:
    """The ``q`` quantile of sorted values, interpolated linearly (NumPy's default method)."""
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
