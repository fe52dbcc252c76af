"""What a source returns, checked before it reaches the ring: keep what is valid, say the rest.

A source is outside code: it can return lengths that disagree, the wrong dtype, times that go
backwards or repeat, or infinities. A batch that cannot be paired up (shapes, dtypes) is
rejected whole with an error naming the problem; within a usable batch, samples whose time is
not after the previous one are dropped and infinities become gaps, each with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from feed.window.ring import checked_chunk


class BadBatch(ValueError):
    """A source returned something that cannot be added to the window at all."""


@dataclass(frozen=True)
class CleanBatch:
    """The valid part of a batch, ready for ``RingBuffer.extend``, and what was changed."""

    times: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    warnings: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.times)


def clean_batch(batch: object, series: int, last_time: int | None) -> CleanBatch:
    """Check ``batch`` against a window of ``series`` series whose newest time is ``last_time``.

    Raises ``BadBatch`` if it has no ``times`` and ``values`` or they cannot be paired.
    """
    times, values = getattr(batch, "times", None), getattr(batch, "values", None)
    if times is None or values is None:
        raise BadBatch(
            f"a source must return a Batch with `times` and `values`, got {type(batch).__name__}"
        )
    try:
        t, v = checked_chunk(times, values, series)
    except (TypeError, ValueError) as exc:
        raise BadBatch(f"the source returned an unusable batch: {exc}") from None
    warnings = []
    keep = _after_previous(t, last_time)
    if not keep.all():
        dropped = int((~keep).sum())
        warnings.append(
            f"dropped {dropped} sample(s) whose time was not after the previous sample's "
            "(times must increase)"
        )
        t, v = t[keep], v[keep]
    infinite = np.isinf(v)
    if infinite.any():
        warnings.append(f"{int(infinite.sum())} infinite value(s) shown as gaps")
        v = np.where(infinite, np.nan, v)
    return CleanBatch(t, v, tuple(warnings))


def _after_previous(times: npt.NDArray[np.int64], last_time: int | None) -> npt.NDArray[np.bool_]:
    """Mask of samples later than every sample before them (and than ``last_time``)."""
    if len(times) == 0:
        return np.ones(0, dtype=bool)
    floor = np.iinfo(np.int64).min if last_time is None else last_time
    previous = np.maximum.accumulate(np.concatenate([[floor], times[:-1]]))
    return times > previous
