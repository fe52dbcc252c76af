"""The crosshair's dataset: for each place the pointer snaps to, the raw sample nearest to it."""

from __future__ import annotations

import numpy as np

import tests.sent
from feed.chart.layers import AXES, ChartLayout
from feed.chart.nearest import NEAREST, TARGETS, nearest_samples, no_samples

EPOCH_MS = 1_800_000_000_000


def uneven_window(rows: int, series: int = 3, seed: int = 0):
    """Times with uneven steps (ns) and values with a gap, as a ring holds them."""
    rng = np.random.default_rng(seed)
    steps = rng.integers(1, 50, rows) * 10**6
    times = EPOCH_MS * 10**6 + np.cumsum(steps).astype(np.int64)
    values = rng.standard_normal((series, rows))
    values[1, rows // 3 : rows // 2] = np.nan
    return times, values


def test_each_place_holds_the_nearest_raw_sample_of_every_series():
    times, values = uneven_window(5_000)
    low, high = int(times[0]) - 10**9, int(times[-1]) + 3 * 10**9
    frame = nearest_samples(times, values, low, high)  # no base: epoch ms
    assert frame.columns == ["a", "b", "t", "v0", "v1", "v2"]
    width = (high - low) / 1e6 / TARGETS
    assert np.allclose(frame["b"] - frame["a"], width)
    assert np.allclose(frame["a"][1:], frame["b"][:-1])  # side by side across the axis
    for a, b, at, *row in frame.iter_rows():
        nearest = np.argmin(np.abs(times / 1e6 - (a + b) / 2))  # every sample, searched
        assert at == times[nearest] / 1e6
        rounded = [float(format(v, ".6g")) for v in values[:, nearest]]  # six digits
        assert np.array_equal(row, rounded, equal_nan=True)
    assert frame["v1"].is_nan().any()  # a gap is sent as a gap


def test_values_are_rounded_to_six_digits_and_hidden_series_left_out():
    times = np.arange(3, dtype=np.int64) * 10**9
    values = np.array([[123.456789, -0.000123456789, 42.0], [1234567.89, np.nan, -3.5]])
    ends = (-500 * 10**6, 2_500 * 10**6)
    frame = nearest_samples(times, values, *ends)  # a place centred on each sample
    assert [repr(v) for v in frame["v0"]] == ["123.457", "-0.000123457", "42.0"]  # as JS writes
    assert frame["v1"][0] == 1234570 and np.isnan(frame["v1"][1])
    assert nearest_samples(times, values, *ends, shown=[1]).columns == [
        "a",
        "b",
        "t",
        "v1",
    ]


def test_a_short_window_gets_a_place_per_sample_not_more():
    times, values = uneven_window(50)
    frame = nearest_samples(times, values, int(times[0]), int(times[-1]))
    assert frame.height == 50 and frame["t"].n_unique() > 40


def test_places_beyond_the_window_hold_nothing():
    times, values = uneven_window(200)
    first, last = times[0] / 1e6, times[-1] / 1e6
    span = last - first
    span_ns = int(times[-1] - times[0])
    frame = nearest_samples(times, values, int(times[0]) - span_ns, int(times[-1]) + span_ns)
    width = 3 * span / 200  # a place per sample in the window (200 < TARGETS)
    assert np.allclose(frame["b"] - frame["a"], width)
    assert frame["a"].min() >= first - width and frame["b"].max() <= last + width
    assert abs(frame.height - 200 / 3) <= 2


def test_a_window_without_samples_sends_the_columns_and_no_rows():
    frame = no_samples(2)
    assert frame.columns == ["a", "b", "t", "v0", "v1"] and frame.height == 0
    sent = tests.sent.decoded(ChartLayout(100, ("A", "B")).datasets(*uneven_window(0, 2), 0).arrow)
    assert sent[NEAREST].schema == frame.schema


def test_layout_places_the_crosshair_across_the_axis_or_the_zoomed_range():
    times, values = uneven_window(3_000, series=2)
    layout = ChartLayout(200, ("A", "B"))
    sent = tests.sent.decoded_shown(layout.datasets(times, values, 0).arrow)
    axes, places = sent[AXES].row(0, named=True), sent[NEAREST]
    assert places["a"][0] >= axes["x0"] and places["b"][-1] <= axes["x1"] + 1e-6
    view = (int(times[1_000]), int(times[1_100]))
    zoomed = ChartLayout(400, ("A", "B")).datasets(times, values, 0, view)
    places = tests.sent.decoded_shown(zoomed.arrow)[NEAREST]
    assert places.height == 101  # the samples in view (and one either side), not TARGETS
    assert abs(places["a"][0] - view[0] / 1e6) < 1e-3
    assert abs(places["b"][-1] - view[1] / 1e6) < 1e-3


def test_times_are_ms_after_the_base():
    times, values = uneven_window(500)
    base = int(times[0]) // 10**9 * 10**9
    ends = int(times[0]), int(times[-1])
    plain, after = (
        nearest_samples(times, values, *ends),
        nearest_samples(times, values, *ends, base_ns=base),
    )
    for column in ("a", "b", "t"):
        assert np.allclose(after[column] + base / 1e6, plain[column], rtol=0, atol=1e-3)
    assert after["t"].max() < 60_000  # small numbers, exact to the ns
    assert after.drop("a", "b", "t").equals(plain.drop("a", "b", "t"))
