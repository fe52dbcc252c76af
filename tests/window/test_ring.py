"""RingBuffer: deque semantics, a contiguous zero-copy window, and clear errors."""

from __future__ import annotations

import collections

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feed.window.ring import RingBuffer


def chunk(start: int, n: int, series: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``start .. start + n``: times equal the row number, values encode row and series."""
    times = np.arange(start, start + n, dtype=np.int64)
    values = times[:, None] * 10.0 + np.arange(series)[None, :]
    return times, values


def test_ring_new_is_empty():
    ring = RingBuffer(4, 2)
    assert len(ring) == 0
    assert not ring.is_full
    assert ring.times.shape == (0,)
    assert ring.values.shape == (2, 0)
    assert ring.last_time is None


def test_ring_extend_below_capacity_keeps_everything_in_order():
    ring = RingBuffer(5, 2)
    ring.extend(*chunk(0, 3))
    np.testing.assert_array_equal(ring.times, [0, 1, 2])
    np.testing.assert_array_equal(ring.values, [[0, 10, 20], [1, 11, 21]])
    assert ring.shape == (2, 3)


def test_ring_wraps_around_keeping_the_newest():
    ring = RingBuffer(4, 2)
    for start in range(0, 10, 3):
        ring.extend(*chunk(start, 3))
    np.testing.assert_array_equal(ring.times, [8, 9, 10, 11])
    np.testing.assert_array_equal(ring.values[1], [81, 91, 101, 111])
    assert ring.is_full
    assert ring.last_time == 11


def test_ring_chunk_larger_than_capacity_keeps_its_last_rows():
    ring = RingBuffer(3, 2)
    ring.extend(*chunk(0, 2))
    ring.extend(*chunk(2, 10))
    np.testing.assert_array_equal(ring.times, [9, 10, 11])
    np.testing.assert_array_equal(ring.values[0], [90, 100, 110])


def test_ring_capacity_one_holds_the_latest_sample():
    ring = RingBuffer(1, 3)
    ring.append(5, [1.0, 2.0, 3.0])
    ring.append(6, [4.0, 5.0, 6.0])
    np.testing.assert_array_equal(ring.times, [6])
    np.testing.assert_array_equal(ring.values[:, 0], [4.0, 5.0, 6.0])
    ring.extend(*chunk(7, 4, series=3))
    np.testing.assert_array_equal(ring.times, [10])


def test_ring_empty_chunk_changes_nothing():
    ring = RingBuffer(3, 2)
    ring.extend(*chunk(0, 2))
    ring.extend(np.empty(0, np.int64), np.empty((0, 2)))
    np.testing.assert_array_equal(ring.times, [0, 1])


def test_ring_window_is_a_view_not_a_copy():
    ring = RingBuffer(4, 2)
    ring.extend(*chunk(0, 6))
    values, times = ring.values, ring.times
    assert np.shares_memory(values, ring._values)
    assert np.shares_memory(times, ring._times)
    assert values[0].flags.c_contiguous
    assert times.flags.c_contiguous


def test_ring_window_views_are_read_only():
    ring = RingBuffer(4, 2)
    ring.extend(*chunk(0, 2))
    with pytest.raises(ValueError, match="read-only"):
        ring.values[0, 0] = 1.0


def test_ring_clear_empties_it():
    ring = RingBuffer(3, 2)
    ring.extend(*chunk(0, 5))
    ring.clear()
    assert len(ring) == 0
    ring.extend(*chunk(7, 1))
    np.testing.assert_array_equal(ring.times, [7])


def test_ring_accepts_integer_values_and_numpy_ints():
    ring = RingBuffer(np.int64(2), 1)
    ring.extend(np.array([1, 2], dtype=np.int32), np.array([[3], [4]]))
    assert ring.values.dtype == np.float64
    assert ring.times.dtype == np.int64
    assert ring.maxlen == 2


@pytest.mark.parametrize("capacity", [0, -3])
def test_ring_rejects_non_positive_capacity(capacity):
    with pytest.raises(ValueError, match=rf"`capacity` must be a positive integer, got {capacity}"):
        RingBuffer(capacity, 2)


@pytest.mark.parametrize("capacity", [2.5, "10", True, None])
def test_ring_rejects_non_integer_capacity(capacity):
    with pytest.raises(TypeError, match="`capacity` must be an integer, got"):
        RingBuffer(capacity, 2)


def test_ring_rejects_zero_series():
    with pytest.raises(ValueError, match="`series` must be a positive integer, got 0"):
        RingBuffer(3, 0)


def test_ring_rejects_values_of_the_wrong_shape():
    ring = RingBuffer(3, 2)
    with pytest.raises(ValueError, match=r"`values` must have shape \(n, 2\).*got shape \(2, 3\)"):
        ring.extend(np.arange(2), np.zeros((2, 3)))


def test_ring_rejects_lengths_that_disagree():
    ring = RingBuffer(3, 2)
    with pytest.raises(ValueError, match="same length, got 3 times and 2 rows"):
        ring.extend(np.arange(3), np.zeros((2, 2)))


def test_ring_rejects_float_times():
    ring = RingBuffer(3, 2)
    with pytest.raises(TypeError, match=r"`times` must hold integers.*got dtype float64"):
        ring.extend(np.array([1.0]), np.zeros((1, 2)))


def test_ring_rejects_non_numeric_values():
    ring = RingBuffer(3, 2)
    with pytest.raises(TypeError, match=r"`values` must hold real numbers.*got dtype <U1"):
        ring.extend(np.arange(1), np.array([["a", "b"]]))


def test_ring_rejects_two_dimensional_times():
    ring = RingBuffer(3, 2)
    with pytest.raises(ValueError, match=r"`times` must be one-dimensional.*got shape \(1, 1\)"):
        ring.extend(np.zeros((1, 1), np.int64), np.zeros((1, 2)))


def test_ring_append_rejects_a_row_of_the_wrong_shape():
    ring = RingBuffer(3, 2)
    with pytest.raises(ValueError, match=r"one value per series, shape \(2,\), got shape \(\)"):
        ring.append(1, 3.0)


def test_ring_bad_chunk_leaves_the_window_unchanged():
    ring = RingBuffer(3, 2)
    ring.extend(*chunk(0, 2))
    with pytest.raises(ValueError):
        ring.extend(np.arange(5), np.zeros((4, 2)))
    np.testing.assert_array_equal(ring.times, [0, 1])


chunks = st.lists(st.integers(min_value=0, max_value=12), max_size=25)


@settings(max_examples=300, deadline=None)
@given(capacity=st.integers(min_value=1, max_value=9), sizes=chunks)
def test_ring_matches_a_deque_for_any_sequence_of_extends(capacity, sizes):
    ring = RingBuffer(capacity, 2)
    model: collections.deque[tuple[int, float, float]] = collections.deque(maxlen=capacity)
    start = 0
    for n in sizes:
        times, values = chunk(start, n)
        if n == 1 and start % 2:  # mix in single appends
            ring.append(int(times[0]), values[0])
        else:
            ring.extend(times, values)
        model.extend((int(t), float(a), float(b)) for t, (a, b) in zip(times, values, strict=True))
        start += n
        assert len(ring) == len(model)
        assert ring.times.tolist() == [row[0] for row in model]
        assert ring.values[0].tolist() == [row[1] for row in model]
        assert ring.values[1].tolist() == [row[2] for row in model]
        assert ring.last_time == (model[-1][0] if model else None)
