"""Feed: a source feeding a ring; a failing poll loses nothing and the next one catches up."""

from __future__ import annotations

import numpy as np
import pytest

from feed import Batch, Feed, SyntheticSource
from feed.sources import NS_PER_SECOND

NOW = 1_800_000_000 * NS_PER_SECOND


class Flaky:
    """A synthetic source whose polls raise while ``failing`` is set."""

    def __init__(self) -> None:
        self.inner = SyntheticSource(seed=5)
        self.failing = False

    @property
    def names(self) -> tuple[str, ...]:
        return self.inner.names

    def poll(self, now: int) -> Batch:
        if self.failing:
            raise TimeoutError("no answer")
        return self.inner.poll(now)


def test_feed_first_update_backfills_and_keeps_the_capacity():
    feed = Feed(SyntheticSource(seed=0), capacity=100)
    assert feed.update(NOW) == 119
    assert len(feed.ring) == 100
    assert feed.frame().columns == ["t", "A", "B"]


def test_feed_failed_poll_keeps_the_window_and_the_next_poll_catches_up():
    source = Flaky()
    feed = Feed(source, capacity=1000)
    feed.update(NOW)
    window = feed.ring.times.copy()

    source.failing = True
    for second in (1, 2, 3):
        with pytest.raises(TimeoutError):
            feed.update(NOW + second * NS_PER_SECOND)
        np.testing.assert_array_equal(feed.ring.times, window)

    source.failing = False
    assert feed.update(NOW + 4 * NS_PER_SECOND) == 8  # the 4 s missed, every 0.5 s
    steps = np.diff(feed.ring.times)
    assert set(steps) == {NS_PER_SECOND // 2}  # no gap, no duplicate


def test_feed_rejects_what_is_not_a_source():
    with pytest.raises(TypeError, match="`source` must have `names` and `poll\\(now\\)`, got int"):
        Feed(3)


def test_feed_rejects_a_bad_capacity():
    with pytest.raises(ValueError, match="`capacity` must be a positive integer, got 0"):
        Feed(SyntheticSource(), capacity=0)
