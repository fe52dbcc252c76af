"""Feed: a source feeding a ring; a failing poll loses nothing and the next one catches up."""

from __future__ import annotations

import numpy as np
import pytest

from feed import Feed, SyntheticSource
from feed.chart.layers import ChartLayout
from feed.sources.base import NS_PER_SECOND
from tests.flaky_source import FlakySource

NOW = 1_800_000_000 * NS_PER_SECOND


def test_feed_first_update_backfills_and_keeps_the_capacity():
    feed = Feed(SyntheticSource(seed=0), capacity=100)
    assert feed.update(NOW).added == 119
    assert len(feed.ring) == 100
    assert feed.frame().columns == ["t", "A", "B"]


def test_feed_failed_poll_keeps_the_window_and_the_next_poll_catches_up():
    source = FlakySource(TimeoutError("no answer"), seed=5)
    feed = Feed(source, capacity=1000)
    feed.update(NOW)
    window = feed.ring.times.copy()

    source.failing = True
    for second in (1, 2, 3):
        with pytest.raises(TimeoutError):
            feed.update(NOW + second * NS_PER_SECOND)
        np.testing.assert_array_equal(feed.ring.times, window)

    source.failing = False
    assert feed.update(NOW + 4 * NS_PER_SECOND).added == 8  # the 4 s missed, every 0.5 s
    steps = np.diff(feed.ring.times)
    assert set(steps) == {NS_PER_SECOND // 2}  # no gap, no duplicate


def test_feed_rejects_what_is_not_a_source():
    with pytest.raises(TypeError, match="`source` must have `names` and `poll\\(now\\)`, got int"):
        Feed(3)


def test_feed_rejects_a_bad_capacity():
    with pytest.raises(ValueError, match="`capacity` must be a positive integer, got 0"):
        Feed(SyntheticSource(), capacity=0)


def filled_feed(capacity: int = 10) -> Feed:
    feed = Feed(SyntheticSource(seed=1, backfill=capacity / 2), capacity=capacity)
    feed.update(NOW)
    return feed


def test_feed_reconfigure_shrinking_keeps_the_newest():
    feed = filled_feed(10)
    newest = feed.ring.times[-4:].copy()
    feed.reconfigure(capacity=4)
    assert feed.ring.capacity == 4
    np.testing.assert_array_equal(feed.ring.times, newest)


def test_feed_reconfigure_growing_keeps_everything_and_room_to_grow():
    feed = filled_feed(10)
    before = feed.frame().clone()
    feed.reconfigure(capacity=1000)
    assert feed.frame().equals(before)
    feed.update(NOW + 10 * NS_PER_SECOND)
    assert len(feed.ring) == before.height + 20  # 10 s more at 0.5 s: nothing dropped


def test_feed_reconfigure_new_series_keep_shared_names_and_start_as_gaps():
    feed = filled_feed(10)
    a = feed.frame()["A"].to_numpy().copy()
    last = feed.ring.last_time
    feed.reconfigure(source=SyntheticSource(names=("A", "C"), start_after=last, seed=2))
    frame = feed.frame()
    np.testing.assert_array_equal(frame["A"].to_numpy(), a)
    assert frame["C"].is_nan().all()
    feed.update(NOW + NS_PER_SECOND)
    assert feed.ring.times[-3] == last  # the new source carries on right after the old one
    assert not np.isnan(feed.ring.values[1, -2:]).any()


def test_feed_chart_datasets_downsample_big_windows():
    feed = Feed(SyntheticSource(seed=0, backfill=5_000), capacity=10_000)
    feed.update(NOW)
    # + a point sent twice per series where two parts or two blocks meet
    blocks = ChartLayout(100, feed.names).blocks
    assert feed.chart_datasets(100).points <= (4 * 100 + 2 + blocks) * 2
    whole = feed.chart_datasets(10_000).points
    assert 9_999 * 2 <= whole <= (9_999 + 2 + ChartLayout(10_000, feed.names).blocks) * 2
