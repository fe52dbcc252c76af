"""Where samples come from: the `Source` interface and the tutorial's synthetic source.

A source is polled once per tick with the current time and returns every sample produced
since its previous poll. It owns its own "where was I" state, so a poll that raises leaves it
unchanged and the next poll catches up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

NS_PER_SECOND = 1_000_000_000


@dataclass(frozen=True)
class Batch:
    """Samples from one poll: ``times`` int64 ns since the Unix epoch, shape ``(n,)``;
    ``values`` float64, shape ``(n, series)``, one row per sample."""

    times: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.times)


@runtime_checkable
class Source(Protocol):
    """A stream of timestamped samples of named series."""

    @property
    def names(self) -> tuple[str, ...]:
        """The series' names, one per column of ``Batch.values``."""
        ...

    def poll(self, now: int) -> Batch:
        """Every sample produced since the last poll, up to ``now`` (int ns since the epoch)."""
        ...


# Optional on a source: `blocking = False` says its poll does no I/O and cannot hang, so a
# Feed polls it inline instead of on its worker thread. Without it, a source may block.


class SyntheticSource:
    """The tutorial's data: standard normal samples every ``sample_interval`` seconds.

    The first poll backfills the last ``backfill`` seconds (60, as the tutorial does on a
    session's first load; more to fill a larger window at once); later polls return the
    samples due since the previous one, at most ``max_catchup`` seconds' worth (the tutorial
    bounds catch-up to 60 s). Sample times sit on the grid ``last + k * sample_interval``.
    ``start_after`` continues another stream's timeline (its newest sample time, in ns): the
    first poll then acts like a later one. Pass ``seed`` for repeatable values.
    """

    blocking = False  # no I/O: a Feed polls it inline

    def __init__(
        self,
        names: tuple[str, ...] = ("A", "B"),
        sample_interval: float = 0.5,
        max_catchup: float = 60.0,
        seed: int | None = None,
        backfill: float = 60.0,
        start_after: int | None = None,
    ) -> None:
        self._names = checked_names(names)
        self._step = _positive_ns("sample_interval", sample_interval)
        self._max_catchup = _positive_ns("max_catchup", max_catchup)
        self._backfill = _positive_ns("backfill", backfill)
        self._rng = np.random.default_rng(seed)
        if start_after is not None and not is_integer(start_after):
            raise TypeError(f"`start_after` must be int ns since the epoch, got {start_after!r}")
        self._last: int | None = None if start_after is None else int(start_after)

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    def poll(self, now: int) -> Batch:
        """Samples at ``last + step, last + 2 * step, ...`` strictly before ``now``."""
        if self._last is None:
            last = now - self._backfill
        else:
            last = max(self._last, now - self._max_catchup)
        times = np.arange(last + self._step, now, self._step, dtype=np.int64)
        values = self._rng.standard_normal((len(times), len(self._names)))
        self._last = int(times[-1]) if len(times) else last
        return Batch(times, values)


def checked_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """Names as a tuple of distinct non-empty strings, or the error that says which is wrong."""
    if isinstance(names, str):
        raise TypeError(f"`names` must be a sequence of strings, got the string {names!r}")
    names = tuple(names)
    if not names:
        raise ValueError("`names` must name at least one series, got ()")
    for name in names:
        if not isinstance(name, str) or not name:
            raise ValueError(f"`names` must be non-empty strings, got {name!r} in {names!r}")
        if "\\" in name:
            raise ValueError(f"`names` must not contain a backslash, got {name!r} in {names!r}")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"`names` must be distinct, got duplicates {duplicates} in {names!r}")
    if "t" in names:
        raise ValueError(f"`names` must not include 't', which holds the timestamps: {names!r}")
    return names


def is_integer(value: object) -> bool:
    """True for Python and NumPy integers, not for bools."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _positive_ns(name: str, seconds: float) -> int:
    """A positive duration in seconds, as int nanoseconds."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"`{name}` must be a number of seconds, got {seconds!r}")
    if not np.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"`{name}` must be a positive number of seconds, got {seconds!r}")
    return round(seconds * NS_PER_SECOND)
