"""The chart's time axis is the downsampling grid: rendered by Vega-Lite itself (vl-convert),
the line sits where the axes' dataset puts it, so the grid's bins are the chart's pixel
columns, and the oldest and newest samples are inside the axis."""

from __future__ import annotations

import re

import numpy as np
import polars as pl
import pytest
import vl_convert

from feed.chart.layers import AXES, ChartLayout
from feed.chart.spec import compile_line_chart
from feed.window.ring import RingBuffer
from tests.sent import decoded

COLUMNS = 200
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
    x = lambda t: (t / 1e6 - axes["x0"]) / (axes["x1"] - axes["x0"]) * COLUMNS  # noqa: E731
    xs = rendered_xs(sent, vl_version)
    assert min(xs) == pytest.approx(x(ring.times[0]), abs=0.01)
    assert max(xs) == pytest.approx(x(ring.times[-1]), abs=0.01)
    assert min(xs) > 0 and max(xs) < COLUMNS  # every sample inside the axis


def test_a_downsampled_axis_is_the_grids_bins_one_per_pixel_column():
    ring = ring_of(20_000)
    layout = ChartLayout(COLUMNS, ("A", "B"))
    sent = layout.datasets(ring.times, ring.values, 0)
    (axes,) = decoded(sent.arrow)[AXES].rows(named=True)
    bin_ms = layout._grid.bin_ns / 1e6
    assert (axes["x1"] - axes["x0"]) / bin_ms == pytest.approx(COLUMNS)
    assert axes["x0"] / bin_ms == pytest.approx(round(axes["x0"] / bin_ms))  # on the grid
