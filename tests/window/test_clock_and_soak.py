"""The window under an injected clock (jumps, pauses, throttled tabs) and over a long run."""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np

from feed import Feed, SyntheticSource
from feed.sources.base import NS_PER_SECOND
from feed.ui.readout import TickHistory
from feed.ui.view import Tick
from feed.window.stream import ChartData

NOW = 1_800_000_000 * NS_PER_SECOND
HALF = NS_PER_SECOND // 2


def grid_ok(times: np.ndarray) -> bool:
    """Strictly increasing, and every step a whole number of 0.5 s samples."""
    steps = np.diff(times)
    return bool(np.all(steps > 0) and np.all(steps % HALF == 0))


def test_clock_jumping_back_adds_nothing_and_resumes_without_duplicates():
    feed = Feed(SyntheticSource(seed=0), capacity=1000)
    feed.update(NOW)
    newest = feed.ring.last_time
    for back in (1, 30, 3600):
        assert feed.update(NOW - back * NS_PER_SECOND).added == 0
    assert feed.ring.last_time == newest
    feed.update(NOW + 2 * NS_PER_SECOND)
    assert feed.ring.times[-4:].tolist() == [newest + k * HALF for k in range(1, 5)]
    assert grid_ok(feed.ring.times)


def test_clock_jumping_forward_catches_up_at_most_a_minute():
    feed = Feed(SyntheticSource(seed=0), capacity=10_000)
    feed.update(NOW)
    added = feed.update(NOW + 7 * 24 * 3600 * NS_PER_SECOND).added
    assert added == 119  # bounded, as the tutorial bounds it
    assert grid_ok(feed.ring.times)


def test_pause_then_resume_catches_up_every_sample_the_source_still_has():
    feed = Feed(SyntheticSource(seed=0), capacity=10_000)
    feed.update(NOW)
    before = len(feed.ring)
    assert feed.update(NOW + 45 * NS_PER_SECOND).added == 90  # 45 s paused, all of it
    assert len(feed.ring) == before + 90
    steps = np.diff(feed.ring.times)
    assert set(steps.tolist()) == {HALF}  # no sample missing, none twice


def test_throttled_ticks_lose_and_repeat_nothing():
    """A hidden tab ticks every second or so, irregularly; catch-up is by timestamp."""
    feed = Feed(SyntheticSource(seed=0), capacity=100_000)
    rng = np.random.default_rng(1)
    now = NOW
    for _ in range(300):
        now += int(rng.uniform(0.05, 3.0) * NS_PER_SECOND)
        feed.update(now)
    assert set(np.diff(feed.ring.times).tolist()) == {HALF}


def test_soak_ten_thousand_ticks_keep_memory_flat():
    feed = Feed(SyntheticSource(names=("A", "B"), seed=0), capacity=1_000)
    history = TickHistory()
    now = NOW

    def tick() -> None:
        nonlocal now
        now += HALF
        update = feed.refresh(now)
        sent: ChartData = feed.chart_data(columns=200, last=500)
        history.add(Tick(update, sent, 0.001))

    tracemalloc.start()
    for _ in range(1_000):  # warm up: the ring fills, the history fills, caches settle
        tick()
    gc.collect()
    baseline, _ = tracemalloc.get_traced_memory()
    for _ in range(10_000):
        tick()
    gc.collect()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(feed.ring) == 1_000
    assert current - baseline < 256 * 1024, f"grew {current - baseline} bytes over 10,000 ticks"
