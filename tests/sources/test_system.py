"""SystemSource: real CPU and memory readings from this machine."""

from __future__ import annotations

import numpy as np
import psutil
import pytest

from feed import Feed
from feed.sources.base import NS_PER_SECOND, Source
from feed.sources.system import SystemSource

NOW = 1_800_000_000 * NS_PER_SECOND


def test_system_names_one_series_per_core_plus_totals():
    source = SystemSource()
    assert isinstance(source, Source)
    cores = psutil.cpu_count(logical=True)
    assert source.names == ("cpu", *(f"cpu{i}" for i in range(cores)), "memory")
    assert SystemSource(per_core=False).names == ("cpu", "memory")


def test_system_poll_reads_percentages_now():
    batch = SystemSource().poll(NOW)
    assert batch.times.tolist() == [NOW]
    assert np.all((batch.values >= 0) & (batch.values <= 100))
    assert batch.values[0, -1] == pytest.approx(psutil.virtual_memory().percent, abs=5)


def test_system_poll_waits_one_interval_between_samples():
    source = SystemSource(sample_interval=0.5)
    source.poll(NOW)
    assert len(source.poll(NOW + NS_PER_SECOND // 4)) == 0
    assert len(source.poll(NOW + NS_PER_SECOND // 2)) == 1


def test_system_feeds_a_window():
    feed = Feed(SystemSource(per_core=False), capacity=10)
    for second in range(3):
        feed.update(NOW + second * NS_PER_SECOND)
    assert len(feed.ring) == 3


def test_system_rejects_a_bad_interval():
    with pytest.raises(ValueError, match="`sample_interval` must be positive, got 0"):
        SystemSource(sample_interval=0)
