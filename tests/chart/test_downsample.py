"""M4's kernels and the chart frame: each bin's extremes, never more than four points per
pixel column, null apart from NaN."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feed.chart.downsample import bin_extremes, union_and_owners
from feed.chart.layers import PARTS, ChartLayout
from feed.window.ring import RingBuffer
from tests.sent import decoded_shown

EPOCH = 1_800_000_000 * 10**9  # realistic int64 ns times, beyond float64's exact range
HALF_SECOND = 500_000_000


def regular(n: int) -> np.ndarray:
    return EPOCH + np.arange(n, dtype=np.int64) * HALF_SECOND


@settings(max_examples=100, deadline=None)
@given(
    lengths=st.lists(st.integers(min_value=1, max_value=300), min_size=1, max_size=40),
    series=st.integers(min_value=1, max_value=3),
    nan_share=st.sampled_from([0.0, 0.3, 1.0]),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_bin_extremes_against_brute_force(lengths, series, nan_share, seed):
    """A few bins (read one by one) and many (gathered), NaN runs, all-NaN bins, and series
    with NaN beside series without."""
    rng = np.random.default_rng(seed)
    stops = np.cumsum(lengths)
    starts = np.r_[0, stops[:-1]]
    shape = (series, stops[-1])
    values = rng.choice([-1.0, 0.0, 2.5], shape) if seed % 2 else rng.normal(size=shape)
    values[0, rng.random(stops[-1]) < nan_share] = np.nan  # the others keep every value
    check_extremes(values, starts, stops)


def test_bin_extremes_of_very_uneven_bins():
    """One bin far longer than the rest: gathering would pad every bin to its length, so
    the bins are done one by one."""
    lengths = [70_000] + [1, 2, 3] * 100
    stops = np.cumsum(lengths)
    values = np.random.default_rng(5).standard_normal(stops[-1])
    values[1_000:9_000] = np.nan
    values[70_100:70_110] = np.nan
    check_extremes(values[None, :], np.r_[0, stops[:-1]], stops)


def check_extremes(values: np.ndarray, starts: np.ndarray, stops: np.ndarray) -> None:
    """``bin_extremes`` against a brute force, bin by bin, for ``values`` (series, samples)."""
    lows, highs = bin_extremes(values, starts, stops)
    assert lows.shape == highs.shape == (len(values), len(starts))
    for series, low, high in zip(values, lows, highs, strict=True):
        for k, (start, stop) in enumerate(zip(starts, stops, strict=True)):
            segment = series[start:stop]
            assert start <= low[k] < stop and start <= high[k] < stop
            if np.isnan(segment).all():
                assert low[k] == high[k] == start
            else:
                assert series[low[k]] == np.nanmin(segment)
                assert series[high[k]] == np.nanmax(segment)


def test_union_and_owners_merges_sorted_rows_and_says_who_holds_what():
    union, held = union_and_owners(np.array([[1, 4, 4, 9], [2, 4, 10, 10], [4, 4, 4, 4]]))
    np.testing.assert_array_equal(union, [1, 2, 4, 9, 10])
    np.testing.assert_array_equal(held, [[1, 0, 1, 1, 0], [0, 1, 1, 0, 1], [0, 0, 1, 0, 0]])


def full_ring(rows: int, series: int, seed: int = 0) -> RingBuffer:
    ring = RingBuffer(rows, series)
    ring.extend(regular(rows), np.random.default_rng(seed).standard_normal((rows, series)))
    return ring


@pytest.mark.parametrize("series", [1, 2, 5])
@pytest.mark.parametrize("columns", [10, 333])
def test_the_chart_never_draws_more_than_four_points_per_column_per_series(series, columns):
    names = tuple("ABCDE"[:series])
    for rows in (3, 4 * columns, 4 * columns + 1, 20_000):
        ring = full_ring(rows, series)
        layout = ChartLayout(columns, names)
        sent = layout.datasets(ring.times, ring.values, 0)
        # + a point sent twice where two parts or two blocks meet
        assert sent.points <= (4 * columns + 2 + layout.blocks) * series


def test_the_chart_keeps_nan_so_gaps_show():
    ring = RingBuffer(10_000, 2)
    values = np.random.default_rng(4).standard_normal((10_000, 2))
    values[3_000:4_000, 0] = np.nan
    ring.extend(regular(10_000), values)
    sent = ChartLayout(100, ("A", "B")).datasets(ring.times, ring.values, 0)
    parts = [decoded_shown(sent.arrow)[name] for name in PARTS]
    drawn = pl.concat(parts, how="vertical_relaxed")
    assert drawn.filter(pl.col("series") == "A")["value"].is_nan().sum() >= 2
    assert drawn.filter(pl.col("series") == "B")["value"].is_nan().sum() == 0
