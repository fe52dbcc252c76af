"""A fixed-capacity window of timestamped samples, readable as one contiguous view.

The buffer is *mirrored*: every row is written twice, at ``i`` and ``i + capacity``, so the
newest ``len(ring)`` rows always form one contiguous slice of the backing arrays. Reading the
window is then a NumPy view (no copy, no ``np.concatenate``), which Polars can wrap without
copying either. Values are stored column-major, shape ``(series, 2 * capacity)``, so each
series' window is itself contiguous.
"""

from __future__ import annotations

import operator

import numpy as np
import numpy.typing as npt

TimeArray = npt.NDArray[np.int64]
ValueArray = npt.NDArray[np.float64]


class RingBuffer:
    """The newest ``capacity`` samples of ``series`` float64 series with int64 timestamps.

    Speaks ``collections.deque(maxlen=capacity)``: ``append`` one sample, ``extend`` many; once
    full, each new sample drops the oldest. A chunk longer than the capacity keeps only its
    last ``capacity`` rows. Capacity 1 holds just the latest sample.

    ``times`` and ``values`` are *views* into the buffer: they change under you on the next
    write, so copy them (or build what you need from them) before writing again.
    Not thread-safe: one writer, and readers that do not overlap its writes.
    """

    def __init__(self, capacity: int, series: int) -> None:
        self._capacity = _positive_int("capacity", capacity)
        self._series = _positive_int("series", series)
        self._times = np.zeros(2 * self._capacity, dtype=np.int64)
        self._values = np.zeros((self._series, 2 * self._capacity), dtype=np.float64)
        self._end = 0  # where the next row goes, in [0, capacity)
        self._len = 0
        self._written = 0

    @property
    def capacity(self) -> int:
        """How many samples the window holds at most (``deque.maxlen``)."""
        return self._capacity

    maxlen = capacity

    @property
    def series(self) -> int:
        """How many value series each sample carries."""
        return self._series

    @property
    def is_full(self) -> bool:
        """True once the next write will drop the oldest sample."""
        return self._len == self._capacity

    def __len__(self) -> int:
        return self._len

    @property
    def written(self) -> int:
        """Samples ever added, dropped ones included: the oldest sample in the window is
        number ``written - len(ring)``, a number that stays with it until it is dropped."""
        return self._written

    @property
    def shape(self) -> tuple[int, int]:
        """``(series, len)``: the shape of ``values``."""
        return (self._series, self._len)

    @property
    def times(self) -> TimeArray:
        """The window's timestamps, oldest first: a read-only view, shape ``(len,)``."""
        start = self._start()
        view = self._times[start : start + self._len]
        view.flags.writeable = False
        return view

    @property
    def values(self) -> ValueArray:
        """The window's values, oldest first: a read-only view, shape ``(series, len)``.

        Each row (one series) is C-contiguous.
        """
        start = self._start()
        view = self._values[:, start : start + self._len]
        view.flags.writeable = False
        return view

    @property
    def last_time(self) -> int | None:
        """The newest sample's timestamp, or None while empty."""
        if self._len == 0:
            return None
        return int(self._times[(self._end - 1) % self._capacity])

    def append(self, time: int, values: npt.ArrayLike) -> None:
        """Add one sample: a timestamp and one value per series."""
        row = np.asarray(values)
        if row.ndim != 1:
            raise ValueError(
                f"`values` must be one value per series, shape ({self._series},), "
                f"got shape {row.shape}"
            )
        self.extend(np.array([_integer("time", time)], dtype=np.int64), row[np.newaxis, :])

    def extend(self, times: npt.ArrayLike, values: npt.ArrayLike) -> None:
        """Add samples: ``times`` shape ``(n,)`` int64, ``values`` shape ``(n, series)``.

        Rows are samples, as ``np.random.randn(n, series)`` makes them. Timestamps are taken
        as given (ordering is the source's business). Raises before writing anything if the
        input is bad, so a bad chunk never leaves a half-written window.
        """
        t, v = checked_chunk(times, values, self._series)
        self._write(t, v)

    def clear(self) -> None:
        """Drop every sample; capacity and series stay."""
        self._end = 0
        self._len = 0

    def __repr__(self) -> str:
        return f"RingBuffer(capacity={self._capacity}, series={self._series}, len={self._len})"

    def _start(self) -> int:
        """Index of the oldest row in the first half; ``[start, start + len)`` is the window."""
        return (self._end - self._len) % self._capacity

    def _write(self, t: TimeArray, v: ValueArray) -> None:
        """Write a checked chunk; trusts its input (``checked_chunk`` validated it)."""
        n = len(t)
        if n == 0:
            return
        self._written += n
        if n > self._capacity:
            t, v = t[-self._capacity :], v[-self._capacity :]
            n = self._capacity
        cap = self._capacity
        first = min(n, cap - self._end)  # rows before the write position wraps to 0
        for src, dst in ((slice(0, first), self._end), (slice(first, n), 0)):
            count = src.stop - src.start
            if count == 0:
                continue
            for offset in (dst, dst + cap):
                self._times[offset : offset + count] = t[src]
                self._values[:, offset : offset + count] = v[src].T
        self._end = (self._end + n) % cap
        self._len = min(self._len + n, cap)


def _positive_int(name: str, value: object) -> int:
    """``value`` as an int >= 1, or the error that names it."""
    number = _integer(name, value)
    if number < 1:
        raise ValueError(f"`{name}` must be a positive integer, got {value!r}")
    return number


def _integer(name: str, value: object) -> int:
    """``value`` as a Python int, accepting NumPy integers but not bools or floats."""
    if isinstance(value, bool):
        raise TypeError(f"`{name}` must be an integer, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"`{name}` must be an integer, got {type(value).__name__} {value!r}"
        ) from None


def checked_chunk(
    times: npt.ArrayLike, values: npt.ArrayLike, series: int
) -> tuple[TimeArray, ValueArray]:
    """A chunk as int64 times ``(n,)`` and float64 values ``(n, series)``, or the error that
    says what is wrong with it. The ring's boundary check, shared with ``feed.window.validate``."""
    t = np.asarray(times)
    v = np.asarray(values)
    if t.ndim != 1:
        raise ValueError(f"`times` must be one-dimensional, shape (n,), got shape {t.shape}")
    if t.dtype.kind not in "iu":
        raise TypeError(f"`times` must hold integers (int64 nanoseconds), got dtype {t.dtype}")
    if v.dtype.kind not in "iuf":
        raise TypeError(
            f"`values` must hold real numbers (float64, or integers), got dtype {v.dtype}"
        )
    if v.ndim != 2 or v.shape[1] != series:
        raise ValueError(
            f"`values` must have shape (n, {series}): one row per sample, one column per "
            f"series, got shape {v.shape}"
        )
    if v.shape[0] != t.shape[0]:
        raise ValueError(
            f"`times` and `values` must have the same length, got {t.shape[0]} times "
            f"and {v.shape[0]} rows of values"
        )
    return t.astype(np.int64, copy=False), v.astype(np.float64, copy=False)
