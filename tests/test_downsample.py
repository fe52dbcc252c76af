"""M4: every pixel column keeps its first, last, min and max; never more than four points."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feed.downsample import KERNELS, m4_indices, pixel_bins, sorted_union
from feed.frame import chart_frame, downsampled_frame
from feed.grid_m4 import GridM4
from feed.ring import RingBuffer

EPOCH = 1_800_000_000 * 10**9  # realistic int64 ns times, beyond float64's exact range
HALF_SECOND = 500_000_000


def column_of(times: np.ndarray, columns: int) -> np.ndarray:
    """Brute force, one sample at a time: the pixel column a time scale maps each time to."""
    t0, span = int(times[0]), int(times[-1]) - int(times[0]) + 1
    return np.array([(int(t) - t0) * columns // span for t in times])


def check_m4(times: np.ndarray, values: np.ndarray, columns: int, kept: np.ndarray) -> None:
    """Per column: same first and last sample, same min and max (NaN ignored), <= 4 points."""
    assert np.all(np.diff(kept) > 0), "indices must be sorted and distinct"
    full, mine = column_of(times, columns), column_of(times, columns)[kept]
    for column in np.unique(full):
        everything = np.flatnonzero(full == column)
        ours = kept[mine == column]
        assert len(ours) <= 4
        assert ours[0] == everything[0]
        assert ours[-1] == everything[-1]
        finite = values[everything][~np.isnan(values[everything])]
        if len(finite):
            assert np.nanmin(values[ours]) == finite.min()
            assert np.nanmax(values[ours]) == finite.max()


def regular(n: int) -> np.ndarray:
    return EPOCH + np.arange(n, dtype=np.int64) * HALF_SECOND


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize(("n", "columns"), [(10_000, 100), (10_001, 97), (4_003, 1000), (999, 7)])
def test_m4_random_data_keeps_each_column(kernel, n, columns):
    times = regular(n)
    values = np.random.default_rng(n).standard_normal(n)
    check_m4(times, values, columns, m4_indices(times, values, columns, kernel))


@pytest.mark.parametrize("kernel", KERNELS)
def test_m4_constant_data_keeps_first_and_last_of_each_column(kernel):
    times, values = regular(5_000), np.full(5_000, 3.0)
    kept = m4_indices(times, values, 50, kernel)
    check_m4(times, values, 50, kept)
    assert len(kept) <= 4 * 50


@pytest.mark.parametrize("kernel", KERNELS)
def test_m4_nan_runs_stay_gaps(kernel):
    times = regular(20_000)
    values = np.sin(np.arange(20_000) / 300)
    values[5_000:7_000] = np.nan  # a run many columns wide
    values[12_345] = np.nan  # a single missing sample
    kept = m4_indices(times, values, 100, kernel)
    check_m4(times, values, 100, kept)
    assert np.isnan(values[kept]).sum() >= 2  # the run's first and last columns are gaps


@pytest.mark.parametrize("kernel", KERNELS)
def test_m4_window_smaller_than_four_per_column_keeps_everything(kernel):
    times = regular(400)
    kept = m4_indices(times, np.zeros(400), 100, kernel)
    np.testing.assert_array_equal(kept, np.arange(400))


@pytest.mark.parametrize("kernel", KERNELS)
def test_m4_one_column(kernel):
    times = regular(50)
    values = np.random.default_rng(1).standard_normal(50)
    kept = m4_indices(times, values, 1, kernel)
    check_m4(times, values, 1, kept)


def test_m4_auto_kernel_keeps_the_same_points_small_and_large():
    for rows in (20_000, 120_000):
        times = EPOCH + np.arange(rows, dtype=np.int64) * HALF_SECOND
        values = np.random.default_rng(rows).standard_normal(rows)
        values[rows // 3 : rows // 3 + 500] = np.nan
        auto = m4_indices(times, values, 300)
        check_m4(times, values, 300, auto)
        for kernel in KERNELS:
            check_m4(times, values, 300, m4_indices(times, values, 300, kernel))


def test_m4_kernels_agree_on_what_they_keep():
    times = EPOCH + np.cumsum(np.random.default_rng(2).integers(1, 10**9, 50_000))
    values = np.random.default_rng(3).standard_normal(50_000)
    tsds, numpy = (m4_indices(times, values, 300, kernel) for kernel in KERNELS)
    np.testing.assert_array_equal(tsds, numpy)  # no ties in random data: the same indices


def test_m4_rejects_an_unknown_kernel():
    with pytest.raises(
        ValueError, match=r"`kernel` must be one of \('auto', 'tsdownsample', 'numpy'\)"
    ):
        m4_indices(regular(10), np.zeros(10), 1, "lttb")


def test_m4_rejects_zero_columns():
    with pytest.raises(ValueError, match="`columns` must be a positive integer, got 0"):
        m4_indices(regular(10), np.zeros(10), 0)


def test_pixel_bins_cover_every_sample_once():
    times = regular(1_001)
    starts, stops = pixel_bins(times, 64)
    assert starts[0] == 0 and stops[-1] == 1_001
    np.testing.assert_array_equal(starts[1:], stops[:-1])


def test_sorted_union_merges_sorted_arrays():
    union = sorted_union([np.array([1, 4, 9]), np.array([2, 4, 10])])
    np.testing.assert_array_equal(union, [1, 2, 4, 9, 10])


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(st.integers(min_value=1, max_value=10**10), min_size=1, max_size=600),
    columns=st.integers(min_value=1, max_value=60),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    nan_share=st.sampled_from([0.0, 0.0, 0.1, 0.9]),
    kernel=st.sampled_from(KERNELS),
)
def test_m4_property_any_times_any_values(steps, columns, seed, nan_share, kernel):
    rng = np.random.default_rng(seed)
    times = EPOCH + np.cumsum(np.asarray(steps, dtype=np.int64))
    values = (
        rng.choice([-1.0, 0.0, 2.5], len(times)) if seed % 3 == 0 else rng.normal(size=len(times))
    )
    values[rng.random(len(times)) < nan_share] = np.nan
    kept = m4_indices(times, values, columns, kernel)
    if len(times) <= 4 * columns:
        np.testing.assert_array_equal(kept, np.arange(len(times)))
    else:
        check_m4(times, values, columns, kept)


def full_ring(rows: int, series: int, seed: int = 0) -> RingBuffer:
    ring = RingBuffer(rows, series)
    ring.extend(regular(rows), np.random.default_rng(seed).standard_normal((rows, series)))
    return ring


@pytest.mark.parametrize("series", [1, 2, 5])
@pytest.mark.parametrize("columns", [10, 333])
def test_chart_frame_never_sends_more_than_four_points_per_column_per_series(series, columns):
    names = tuple("ABCDE"[:series])
    for rows in (3, 4 * columns, 4 * columns + 1, 20_000):
        frame = chart_frame(full_ring(rows, series), names, columns)
        points = sum(frame[name].is_not_null().sum() for name in names)
        assert points <= 4 * columns * series
        assert frame.height <= 4 * columns * series


def test_downsampled_frame_keeps_each_series_m4_and_nulls_the_rest():
    ring = full_ring(30_000, 3, seed=9)
    frame = downsampled_frame(ring, ("A", "B", "C"), 200)
    window = GridM4(200).update(ring.times, ring.values, 0)
    inner = frame[1:-1]  # the first and last rows pin the time axis
    rows = np.searchsorted(ring.times, inner["t"].dt.epoch("ns").to_numpy())
    for i, name in enumerate(("A", "B", "C")):
        own = inner[name].is_not_null().to_numpy()
        np.testing.assert_array_equal(rows[own], window.kept[i])
        np.testing.assert_array_equal(inner[name].to_numpy()[own], ring.values[i][rows[own]])


def test_downsampled_frame_pins_the_time_axis_to_the_grid():
    ring = full_ring(30_000, 2, seed=3)
    frame = downsampled_frame(ring, ("A", "B"), 200)
    window = GridM4(200).update(ring.times, ring.values, 0)
    edges = frame["t"].dt.epoch("ns").to_numpy()[[0, -1]]
    np.testing.assert_array_equal(edges, window.domain)
    assert frame["A"].is_nan().to_list()[0] and frame["A"].is_nan().to_list()[-1]
    assert frame["B"].is_null().to_list()[0] and frame["B"].is_null().to_list()[-1]


def test_downsampled_frame_keeps_nan_apart_from_null():
    ring = RingBuffer(10_000, 2)
    values = np.random.default_rng(4).standard_normal((10_000, 2))
    values[3_000:4_000, 0] = np.nan
    ring.extend(regular(10_000), values)
    frame = downsampled_frame(ring, ("A", "B"), 100)[1:-1]  # without the axis rows
    assert frame["A"].is_nan().sum() >= 2
    assert frame["B"].is_nan().sum() == 0
