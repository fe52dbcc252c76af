"""window_frame: the ring's window as a Polars frame that shares the ring's memory."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from feed.window.frame import window_frame
from feed.window.ring import RingBuffer


@pytest.fixture
def ring() -> RingBuffer:
    ring = RingBuffer(4, 2)
    times = np.arange(6, dtype=np.int64) * 1_000_000_000
    ring.extend(times, np.arange(12, dtype=np.float64).reshape(6, 2))
    return ring


def test_frame_is_wide_with_utc_times(ring):
    frame = window_frame(ring, ("A", "B"))
    assert frame.columns == ["t", "A", "B"]
    assert frame.schema["t"] == pl.Datetime("ns", "UTC")
    assert frame["A"].to_list() == [4.0, 6.0, 8.0, 10.0]
    assert frame["t"].dt.epoch("s").to_list() == [2, 3, 4, 5]


def test_frame_shares_memory_with_the_buffer(ring):
    frame = window_frame(ring, ("A", "B"))
    for i, name in enumerate(("A", "B")):
        assert np.shares_memory(frame[name].to_numpy(), ring.values[i])
    assert np.shares_memory(frame["t"].to_physical().to_numpy(), ring.times)


def test_frame_of_an_empty_ring_has_the_columns_and_no_rows():
    frame = window_frame(RingBuffer(3, 2), ("A", "B"))
    assert frame.shape == (0, 3)


def test_frame_rejects_names_that_do_not_match_the_series(ring):
    with pytest.raises(
        ValueError, match=r"name each of the ring's 2 series, got 3: \('A', 'B', 'C'\)"
    ):
        window_frame(ring, ("A", "B", "C"))
