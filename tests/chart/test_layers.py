"""The window cut into the chart's datasets: every point once (plus the joins), a body whose
bytes stay the same until a new block begins, and axes that move only then."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest

import tests.sent
from feed.chart.grid_m4 import GridM4
from feed.chart.layers import (
    AXES,
    BASE_PERIOD_NS,
    BLOCKS,
    LINE_ROWS,
    PARTS,
    VALUE_GRID,
    ChartLayout,
    duration,
    grid_values,
    line_blocks,
    nice_step,
    time_base,
)
from feed.chart.nearest import NEAREST

EPOCH = 1_800_000_000 * 10**9
STEP = 10**8  # a sample every 0.1 s


def window(rows: int, series: int = 2, seed: int = 0, start: int = 0):
    """Noise, each series 10 above the one before: no series covers another, so every
    point travels (what a cover hides: ``tests/chart/test_occlusion.py``)."""
    times = EPOCH + (start + np.arange(rows, dtype=np.int64)) * STEP
    values = np.random.default_rng(seed).standard_normal((series, start + rows))[:, start:]
    return times, values + 10.0 * np.arange(series)[:, None]


def unthinned(layout: ChartLayout) -> ChartLayout:
    """``layout`` sending every point it draws: what a line hides of itself, or later series
    of it, stays in (``tests/chart/test_occlusion.py`` tests that)."""
    layout._uncovered = lambda points, *_: points
    return layout


def decoded(sent) -> dict[str, pl.DataFrame]:
    """The datasets, every time as epoch ms (``test_times_travel_as_whole_ms_after_the_base``
    reads them as sent)."""
    return tests.sent.decoded_shown(sent.arrow)


def points(parts: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Every point the parts draw, once, sorted by series and time."""
    return (
        tests.sent.drawn(parts).with_columns(pl.col("series").cast(pl.String)).sort("series", "t")
    )


def assert_drawn(sent: pl.Series, values: np.ndarray, axes: pl.DataFrame) -> None:
    """``sent`` are ``values``, each moved by at most half a step of the value axis' grid
    (1 / 131,070 of the axis), the most rounding to it moves one."""
    (y0,), (y1,) = axes["y0"], axes["y1"]
    error = np.abs(sent.to_numpy() - values)
    assert error.max() <= (y1 - y0) / VALUE_GRID / 2 * (1 + 1e-9)


def test_layout_sends_the_three_parts_and_the_axes_in_the_charts_order():
    sent = ChartLayout(100, ("A", "B")).datasets(*window(300), 0)
    assert list(sent.arrow) == [*PARTS, AXES, NEAREST]
    parts = decoded(sent)
    assert parts["body"].columns == ["t", "series", "value", "block"]
    assert parts["body"]["series"].dtype == pl.Enum(["A", "B"])
    assert parts[AXES].columns == ["x0", "x1", "y0", "y1", "ystep", "ydigits", "base", "note"]
    assert parts[AXES]["note"].to_list() == [""]  # drawn whole


def test_a_downsampled_chart_says_so_with_its_column_width():
    layout = ChartLayout(100, ("A", "B"))
    sent = layout.datasets(*window(20_000), 0)
    (note,) = decoded(sent)[AXES]["note"].to_list()
    assert note == f"M4, 1 column = {duration(layout._grid.bin_ns)}"


@pytest.mark.parametrize(
    ("ns", "shown"),
    [
        (250 * 10**6, "250 ms"),
        (12_500 * 10**6, "12.5 s"),
        (624 * 10**9, "10.4 min"),
        (7_560 * 10**9, "2.1 h"),
        (276_480 * 10**9, "3.2 d"),
    ],
)
def test_duration_reads_as_a_person_would_say_it(ns, shown):
    assert duration(ns) == shown


def test_a_small_window_travels_whole_each_point_once_beside_the_joins():
    times, values = window(300, series=3)
    parts = decoded(unthinned(ChartLayout(100, ("A", "B", "C"))).datasets(times, values, 0))
    drawn = points(parts)
    for i, name in enumerate("ABC"):
        mine = drawn.filter(pl.col("series") == name)
        assert mine["t"].to_list() == (times / 1e6).tolist()
        assert_drawn(mine["value"], values[i], parts[AXES])
    again = sum(parts[name].height for name in PARTS) - drawn.height
    # Sent twice: a point joining two parts, or two blocks; at most one per series each.
    assert 0 < again <= (2 + ChartLayout(100, ("A",)).blocks) * 3


def body_lines(columns: int, rows: int) -> pl.DataFrame:
    """Series A's lines in the body: first and last time, and points, per ``block``."""
    parts = decoded(ChartLayout(columns, ("A", "B")).datasets(*window(rows), 0))
    lines = parts["body"].filter(pl.col("series") == "A").group_by("block", maintain_order=True)
    return lines.agg(first=pl.col("t").min(), last=pl.col("t").max(), points=pl.len())


@pytest.mark.parametrize(("columns", "rows"), [(800, 40_000), (100, 3_000), (100, 300)])
def test_each_line_reaches_the_next_lines_first_point(columns, rows):
    lines = body_lines(columns, rows)
    assert lines["last"][:-1].to_list() == lines["first"][1:].to_list()  # no seam left


def test_a_series_is_one_line_per_block_where_blocks_hold_enough_points():
    dense = body_lines(800, 40_000)  # M4: about 100 points a block
    assert dense.height >= BLOCKS - 3  # the body spans most of the axis' blocks
    assert dense["points"].min() >= LINE_ROWS / 2
    sparse = body_lines(100, 3_000)  # M4 at 100 px: 6 points a block: a line spans several
    assert 1 < sparse.height <= BLOCKS / 2
    assert sparse["points"][1:-1].min() >= LINE_ROWS / 2
    assert line_blocks(100) == 1 and line_blocks(12) == 8 and line_blocks(0.5) == BLOCKS


def test_each_blocks_line_reaches_the_next_blocks_first_point():
    parts = decoded(ChartLayout(800, ("A", "B")).datasets(*window(40_000), 0))
    body = parts["body"]
    assert body["block"].n_unique() > 20  # the body spans most of the axis' blocks
    for name in "AB":
        lines = (
            body.filter(pl.col("series") == name)
            .group_by("block", maintain_order=True)
            .agg(pl.col("t").min().alias("first"), pl.col("t").max().alias("last"))
        )
        assert lines["last"][:-1].to_list() == lines["first"][1:].to_list()  # no seam left


def test_the_parts_join_so_each_series_draws_one_unbroken_line():
    parts = decoded(ChartLayout(100, ("A", "B")).datasets(*window(300), 0))
    for name in "AB":
        tail, body, head = (parts[p].filter(pl.col("series") == name) for p in PARTS)
        assert tail.row(-1) == body.row(0)  # the tail ends where the body starts
        assert head.row(0) == body.row(-1)  # the head starts where the body ends


def test_the_axes_span_the_window_and_the_grid_columns():
    times, values = window(300)
    layout = ChartLayout(100, ("A", "B"))
    (axes,) = decoded(layout.datasets(times, values, 0))[AXES].rows(named=True)
    assert axes["x0"] <= times[0] / 1e6 and times[-1] / 1e6 < axes["x1"]
    bin_ms = (axes["x1"] - axes["x0"]) / 100
    assert axes["x1"] / bin_ms == pytest.approx(round(axes["x1"] / bin_ms))  # grid-aligned
    assert axes["y0"] <= values.min() and values.max() <= axes["y1"]


def test_the_body_keeps_its_bytes_until_a_new_block_begins():
    layout = ChartLayout(100, ("A", "B"))
    times, values = window(2_000)
    sent = [layout.datasets(times[k : k + 300], values[:, k : k + 300], k) for k in range(40)]
    bodies = [s.arrow["body"] for s in sent]
    axes = [s.arrow[AXES] for s in sent]
    heads = [s.arrow["head"] for s in sent]
    body_moved = [a != b for a, b in itertools.pairwise(bodies)]
    # A block is 1/32 of the axis, about 10 ticks here; the body changes when a new block
    # begins and when the oldest one empties.
    assert 0 < sum(body_moved) <= 2 * 39 / 9
    moved = [a != b for a, b in itertools.pairwise(axes)]
    assert 0 < sum(moved) < sum(body_moved)
    assert all(b for a, b in zip(moved, body_moved, strict=True) if a)  # the axis: new blocks
    assert all(a != b for a, b in itertools.pairwise(heads))  # the newest always changes


def test_a_big_window_sends_each_series_m4_points():
    times, values = window(20_000, series=2)
    layout = unthinned(ChartLayout(100, ("A", "B")))
    parts = decoded(layout.datasets(times, values, 0))
    drawn = points(parts)
    grid = GridM4(100 - 100 // BLOCKS)
    kept = grid.update(times, values, 0)
    assert grid.bin_ns == layout._grid.bin_ns
    for i, name in enumerate("AB"):
        mine = drawn.filter(pl.col("series") == name)
        assert mine["t"].to_list() == (kept.times[kept.held[i]] / 1e6).tolist()
        assert_drawn(mine["value"], kept.cells[i, kept.held[i]], parts[AXES])
        assert mine.height <= 4 * 100


def test_gaps_travel_as_nan_so_the_line_breaks():
    times, values = window(300)
    values[0, 100:120] = np.nan
    drawn = points(decoded(ChartLayout(100, ("A", "B")).datasets(times, values, 0)))
    assert drawn.filter(pl.col("series") == "A")["value"].is_nan().sum() == 20


def test_an_empty_window_sends_no_points_and_an_axis_of_the_last_minute():
    sent = ChartLayout(100, ("A",)).datasets(np.empty(0, np.int64), np.empty((1, 0)), 0)
    parts = decoded(sent)
    assert sent.points == 0 and all(parts[p].height == 0 for p in PARTS)
    (axes,) = parts[AXES].rows(named=True)
    assert axes["x1"] - axes["x0"] == 60_000


def test_layout_refuses_too_few_columns():
    with pytest.raises(ValueError, match="`columns` must be an integer >= 8, got 3"):
        ChartLayout(3, ("A",))


@pytest.mark.parametrize(
    ("at_least", "step"),
    [(0.3, 0.5), (1.0, 1.0), (1.2, 2.0), (2.5, 5.0), (7.0, 10.0), (0.011, 0.02)],
)
def test_nice_step_is_one_two_or_five_times_a_power_of_ten(at_least, step):
    assert nice_step(at_least) == pytest.approx(step)


def test_the_value_axis_moves_only_when_the_data_crosses_a_step():
    layout = ChartLayout(100, ("A",))
    times = EPOCH + np.arange(300, dtype=np.int64) * STEP
    values = 0.93 * np.sin(np.arange(300) / 20)[None, :]  # axis: -1 to 1
    first = decoded(layout.datasets(times, values, 0))[AXES]
    # Each call a window of other samples (another first sample number): a layout takes a
    # window it has drawn, same samples, as unchanged.
    for seq, scale in enumerate((1.05, 0.8), 1):  # a little wider or narrower: the same axis
        assert decoded(layout.datasets(times, values * scale, seq))[AXES].equals(first)
    for seq, scale in enumerate((3, 0.3), 3):  # out of it, or less than half of it: a new one
        assert not decoded(layout.datasets(times, values * scale, seq))[AXES].equals(first)


def test_an_unchanged_window_is_sent_as_it_was_without_recomputing():
    layout = ChartLayout(100, ("A", "B"))
    times, values = window(300)
    first = layout.datasets(times, values, 0)
    assert layout.datasets(times, values, 0) is first
    assert layout.datasets(times[1:], values[:, 1:], 1) is not first


@pytest.mark.parametrize("level", [0.0, 1e6])  # a level far above its spread, too
def test_values_travel_as_16_bit_steps_of_the_value_axis(level):
    times, values = window(300)
    values = values + level
    values[0, 100:120] = np.nan
    sent = tests.sent.decoded(ChartLayout(100, ("A", "B")).datasets(times, values, 0).arrow)
    for name in PARTS:
        assert sent[name]["value"].dtype == pl.UInt16  # 2 bytes a point
    assert sent["body"]["value"].null_count() + sent["tail"]["value"].null_count() >= 20  # gaps
    (axes,) = sent[AXES].rows(named=True)
    assert axes["y0"] <= np.nanmin(values) and np.nanmax(values) <= axes["y1"]
    drawn = points(tests.sent.as_shown(sent))
    for i, name in enumerate("AB"):
        mine = drawn.filter(pl.col("series") == name)["value"]
        assert_drawn(mine.fill_nan(None).drop_nulls(), values[i][~np.isnan(values[i])], sent[AXES])


@pytest.mark.parametrize(
    ("values", "y0", "y1", "steps"),
    [
        ([0.0, 0.5, 1.0], 0.0, 1.0, [0, 32768, 65535]),
        ([np.nan, np.inf, -np.inf], 0.0, 1.0, [None, 65535, 0]),  # a gap; the axis' ends
        ([-3.0, -2.0], -4.0, -2.0, [32768, 65535]),
    ],
)
def test_grid_values_are_rounded_steps_null_in_a_gap(values, y0, y1, steps):
    assert grid_values(np.array(values), y0, y1).to_list() == steps


@pytest.mark.parametrize(("columns", "places"), [(704, 352), (100, 50), (8_000, 400)])
def test_the_crosshair_has_a_place_per_two_pixel_columns_up_to_its_most(columns, places):
    sent = decoded(ChartLayout(columns, ("A", "B")).datasets(*window(40_000), 0))
    axes, found = sent[AXES].row(0, named=True), sent[NEAREST]
    width = (axes["x1"] - axes["x0"]) / places  # places past the data are left out
    assert found["b"][0] - found["a"][0] == pytest.approx(width)
    assert places * 0.9 < found.height <= places


def test_times_travel_as_whole_ms_after_the_base():
    times, values = window(20_000)
    sent = ChartLayout(100, ("A", "B")).datasets(times, values, 0)
    parts = tests.sent.decoded(sent.arrow)
    assert parts["body"]["t"].dtype == pl.Int32  # 4 bytes a point
    assert parts[AXES]["base"][0] == sent.base_ns / 1e6 == time_base(int(times[-1])) / 1e6
    assert sent.base_ns % BASE_PERIOD_NS == 0 and 0 <= times[-1] - sent.base_ns < BASE_PERIOD_NS
    epoch = tests.sent.as_shown(parts)["body"]["t"].to_numpy()
    assert np.isin(epoch, times / 1e6).all()  # samples 0.1 s apart: whole ms already


def test_sub_millisecond_times_travel_as_floats():
    """Pixel columns under 20 ms wide: whole ms would move a point by a fortieth of a pixel
    or more, so the times go as 64-bit floats (ms after the base), exact."""
    times = EPOCH + np.arange(300, dtype=np.int64) * 37_000  # 37 us apart
    values = np.random.default_rng(0).standard_normal((1, 300))
    parts = tests.sent.decoded(ChartLayout(100, ("A",)).datasets(times, values, 0).arrow)
    assert parts["body"]["t"].dtype == pl.Float64
    offsets = points(parts)["t"].to_numpy()  # every point, once, in time order
    assert np.array_equal(offsets, (times - time_base(int(times[-1]))) / 1e6)  # to the ns


@pytest.mark.parametrize("zone_h", [0, 1, 5.5, -8])
def test_the_times_base_is_a_midnight_of_the_viewers_clock(zone_h):
    zone = int(zone_h * 3600) * 10**9
    newest = EPOCH + 12_345 * 10**9
    base = time_base(newest, zone)
    assert (base + zone) % (86_400 * 10**9) == 0  # midnight on their clock
    assert 0 <= newest - base < BASE_PERIOD_NS


def test_a_constant_window_gets_an_axis_around_its_level():
    """Zeros, the value the axis had before any data: the axis still spans a step."""
    times, _ = window(300)
    sent = tests.sent.decoded(ChartLayout(100, ("A",)).datasets(times, np.zeros((1, 300)), 0).arrow)
    (axes,) = sent[AXES].rows(named=True)
    assert axes["y0"] <= 0 < axes["y1"] and axes["ystep"] > 0
