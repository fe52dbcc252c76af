"""The chart's time axis is the downsampling grid: rendered by Vega-Lite itself (vl-convert),
the line sits where the axes' dataset puts it, so the grid's bins are the chart's pixel
columns, and the oldest and newest samples are inside the axis."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import vl_convert

from feed.chart.layers import AXES, ChartLayout, time_base
from feed.chart.spec import compile_line_chart
from feed.window.ring import RingBuffer
from tests.sent import decoded, decoded_shown

COLUMNS = 200
IST = (5 * 60 + 30) * 60 * 10**9
"""India's clock, ahead of UTC (ns)."""
DATE = r"\w\w\w \d\d \d\d:\d\d"
"""A time axis label of a window over two days long."""
EPOCH = 1_800_000_000 * 10**9


def rendered_xs(sent, vl_version: str) -> list[float]:
    """The x coordinates of every vertex of the series' lines, as Vega-Lite draws ``sent``
    in SVG, ``COLUMNS`` px wide. JSON has no NaN: gaps travel as None."""
    spec = compile_line_chart(("A", "B"))
    spec["width"] = COLUMNS
    frames = decoded(sent.arrow)
    spec["datasets"] = {
        name: frame.with_columns(pl.col(pl.Enum).cast(pl.String)).fill_nan(None).to_dicts()
        for name, frame in frames.items()
    }
    svg = vl_convert.vegalite_to_svg(spec, vl_version=vl_version)
    lines = [d for d in re.findall(r'<path aria-hidden="true" d="(M[^"]+)"', svg) if "L" in d]
    return [float(x) for line in lines for x in re.findall(r"[ML](-?[\d.]+),", line)]


def ring_of(rows: int) -> RingBuffer:
    ring = RingBuffer(rows, 2)
    ring.extend(
        EPOCH + np.arange(rows, dtype=np.int64) * 10**8,
        np.random.default_rng(0).standard_normal((rows, 2)),
    )
    return ring


@pytest.mark.parametrize("rows", [500, 20_000])  # drawn whole; downsampled
@pytest.mark.parametrize("vl_version", ["5.21", "6.4"])
def test_the_line_sits_on_the_axes_dataset_inside_the_axis(rows, vl_version):
    ring = ring_of(rows)
    sent = ChartLayout(COLUMNS, ("A", "B")).datasets(ring.times, ring.values, 0)
    (axes,) = decoded(sent.arrow)[AXES].rows(named=True)
    at = lambda t: (t - sent.base_ns) / 1e6  # noqa: E731  (the chart's times: ms after the base)
    x = lambda t: (at(t) - axes["x0"]) / (axes["x1"] - axes["x0"]) * COLUMNS  # noqa: E731
    xs = rendered_xs(sent, vl_version)
    assert min(xs) == pytest.approx(x(ring.times[0]), abs=0.01)
    assert max(xs) == pytest.approx(x(ring.times[-1]), abs=0.01)
    assert min(xs) > 0 and max(xs) < COLUMNS  # every sample inside the axis


def test_a_downsampled_axis_is_the_grids_bins_one_per_pixel_column():
    ring = ring_of(20_000)
    layout = ChartLayout(COLUMNS, ("A", "B"))
    sent = layout.datasets(ring.times, ring.values, 0)
    (axes,) = decoded_shown(sent.arrow)[AXES].rows(named=True)
    bin_ms = layout._grid.bin_ns / 1e6
    assert (axes["x1"] - axes["x0"]) / bin_ms == pytest.approx(COLUMNS)
    assert axes["x0"] / bin_ms == pytest.approx(round(axes["x0"] / bin_ms))  # on the grid


def axis_labels(node) -> list[str]:
    """The text of every label of the chart's axes, in a Vega scenegraph."""
    found = []
    if node.get("role") == "axis-label":
        found = [item["text"] for item in node["items"]]
    for child in node.get("items", []):
        found += axis_labels(child)
    return found


@pytest.mark.parametrize(
    ("step_s", "pattern", "label"),
    [
        (0.1, r"\d\d:\d\d:\d\d", "%H:%M:%S"),  # 50 s: the clock
        (60, DATE, "%b %d %H:%M"),  # 3.5 days: the date too
    ],
)
def test_the_time_axis_labels_the_base_plus_the_offset_in_local_time(step_s, pattern, label):
    """The points' times are ms after the base; the labels are the instants themselves, on
    whole seconds of the clock (the machine's local time: UTC here and in CI)."""
    rows = 500 if step_s < 1 else 5_000
    times = EPOCH + (np.arange(rows) * step_s * 1e9).astype(np.int64)
    values = np.random.default_rng(0).standard_normal((2, rows))
    sent = ChartLayout(COLUMNS, ("A", "B")).datasets(times, values, 0)
    assert sent.base_ns < times[0] - 86_400 * 10**9  # a UTC midnight days before
    spec = compile_line_chart(("A", "B"))
    spec["width"] = COLUMNS
    frames = decoded(sent.arrow)
    spec["datasets"] = {
        name: frame.with_columns(pl.col(pl.Enum).cast(pl.String)).to_dicts()
        for name, frame in frames.items()
    }
    labels = axis_labels(vl_convert.vegalite_to_scenegraph(spec)["scenegraph"])
    shown = [text for text in labels if re.fullmatch(pattern, text)]
    seconds = range(EPOCH // 10**9, int(times[-1] // 10**9) + 1)
    clock = {time.strftime(label, time.gmtime(s)) for s in seconds}
    assert len(shown) >= 3 and set(shown) <= clock  # 08:00:10, ... or Jan 15 12:00, ...


RENDER_LABELS = """
import json, sys, vl_convert
from tests.chart.test_axis import axis_labels
spec = json.load(sys.stdin)
print(json.dumps(axis_labels(vl_convert.vegalite_to_scenegraph(spec)["scenegraph"])))
"""


def labels_in_zone(spec: dict, zone: str) -> list[str]:
    """The axis labels of ``spec`` rendered by a renderer whose local time is ``zone``."""
    done = subprocess.run(
        [sys.executable, "-c", RENDER_LABELS],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TZ": zone},
        cwd=Path(__file__).resolve().parents[2],
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize(("zone_ns", "midnights"), [(IST, True), (0, False)])
def test_ticks_fall_on_the_viewers_midnights_when_the_base_is_theirs(zone_ns, midnights):
    """A viewer 5:30 ahead of UTC: with the base at their midnight, the day ticks of a window
    days long are their midnights; with the base at UTC's, 05:30 (the negative check)."""
    rows = 5_000
    times = EPOCH + np.arange(rows, dtype=np.int64) * 60 * 10**9  # 3.5 days, a minute apart
    values = np.random.default_rng(0).standard_normal((2, rows))
    base = time_base(int(times[-1]), zone_ns)
    sent = ChartLayout(COLUMNS, ("A", "B")).datasets(times, values, 0, base_ns=base)
    spec = compile_line_chart(("A", "B"))
    spec["width"] = COLUMNS
    spec["datasets"] = {
        name: frame.with_columns(pl.col(pl.Enum).cast(pl.String)).to_dicts()
        for name, frame in decoded(sent.arrow).items()
    }
    dates = [text for text in labels_in_zone(spec, "Asia/Kolkata") if re.fullmatch(DATE, text)]
    assert len(dates) >= 3
    assert all(text.endswith(" 00:00") for text in dates) == midnights
    assert all(text.endswith(" 05:30") for text in dates) != midnights


@pytest.mark.parametrize(("scale", "level"), [(1.0, 0.0), (1.0, 1_000.0), (1e-4, -0.002)])
def test_the_value_axis_labels_the_values_at_nice_steps(scale, level):
    """The points are steps of a grid; the value axis' ticks and labels are the values', from
    ``y0`` to ``y1`` every ``ystep``, with d3's fixed decimals, separators and minus sign."""
    ring = ring_of(500)
    values = ring.values * scale + level
    sent = ChartLayout(COLUMNS, ("A", "B")).datasets(ring.times, values, 0)
    (axes,) = decoded(sent.arrow)[AXES].rows(named=True)
    spec = compile_line_chart(("A", "B"))
    spec["width"] = COLUMNS
    spec["datasets"] = {
        name: frame.with_columns(pl.col(pl.Enum).cast(pl.String)).to_dicts()
        for name, frame in decoded(sent.arrow).items()
    }
    labels = axis_labels(vl_convert.vegalite_to_scenegraph(spec)["scenegraph"])
    step, first = axes["ystep"], round(axes["y0"] / axes["ystep"])
    ticks = [(first + k) * step for k in range(round((axes["y1"] - axes["y0"]) / step) + 1)]
    expected = [f"{v:,.{axes['ydigits']}f}".replace("-", "\u2212") for v in ticks]
    assert 5 <= len(expected) <= 11 and labels[-len(expected) :] == expected


@pytest.mark.parametrize("size", [2_000, 20_000], ids=["whole", "downsampled"])
def test_the_value_axis_holds_a_spike_through_the_window_and_lets_it_go(size):
    """A spike enters at the newest end, crosses the window (head, body, tail) and leaves:
    each tick the value axis holds every value in the window and the values fill at least
    half of it, so it takes the spike in, keeps it, and shrinks once it has gone."""
    rng = np.random.default_rng(3)
    total = 2 * size
    values = rng.standard_normal(total)
    values[size + size // 3] = 100.0  # in the window from a third of the way on
    times = EPOCH + np.arange(total, dtype=np.int64) * 10**9
    layout, step = ChartLayout(COLUMNS * 4, ("A",)), size // 40
    for end in range(size, total + 1, step):
        window = slice(end - size, end)
        sent = layout.datasets(times[window], values[None, window], end - size)
        (axes,) = decoded(sent.arrow)[AXES].rows(named=True)
        low, high = values[window].min(), values[window].max()
        assert axes["y0"] <= low and high <= axes["y1"], (end, axes)
        assert high - low >= (axes["y1"] - axes["y0"]) / 2, (end, axes)
