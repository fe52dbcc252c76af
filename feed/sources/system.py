"""This machine's live CPU and memory use, as a source (psutil)."""

from __future__ import annotations

import numpy as np
import psutil

from feed.sources.base import NS_PER_SECOND, Batch


class SystemSource:
    """CPU use (overall, and per core with ``per_core``) and memory use, in percent.

    Each poll returns one sample taken now, if at least ``sample_interval`` seconds have
    passed since the previous one; CPU use is averaged over that time. There is no history
    to backfill: the chart starts with the first poll.
    """

    def __init__(self, per_core: bool = True, sample_interval: float = 0.5) -> None:
        if isinstance(sample_interval, bool) or not isinstance(sample_interval, (int, float)):
            raise TypeError(
                f"`sample_interval` must be a number of seconds, got {sample_interval!r}"
            )
        if not sample_interval > 0:
            raise ValueError(f"`sample_interval` must be positive, got {sample_interval!r}")
        self._per_core = per_core
        self._step = round(sample_interval * NS_PER_SECOND)
        self._cores = psutil.cpu_count(logical=True) or 1
        cores = tuple(f"cpu{i}" for i in range(self._cores)) if per_core else ()
        self._names = ("cpu", *cores, "memory")
        psutil.cpu_percent(percpu=True)  # start the averaging window: the first call says 0
        self._last: int | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    def poll(self, now: int) -> Batch:
        """One sample at ``now``, or none if the previous one is less than an interval old."""
        if self._last is not None and now - self._last < self._step:
            return Batch(np.empty(0, np.int64), np.empty((0, len(self._names))))
        per_core = psutil.cpu_percent(percpu=True)
        row = [sum(per_core) / len(per_core)]
        if self._per_core:
            row += per_core
        row.append(psutil.virtual_memory().percent)
        self._last = now
        return Batch(np.array([now], np.int64), np.array([row], np.float64))
