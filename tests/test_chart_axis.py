"""The chart's time axis is the downsampling grid: rendered by Vega-Lite itself (vl-convert),
a downsampled window's line starts and ends where the grid puts its samples, so the grid's
bins are the chart's pixel columns."""

from __future__ import annotations

import re

import numpy as np
import polars as pl
import pytest
import vl_convert

from feed.chart import DATASET, compile_line_chart
from feed.frame import TIME_COLUMN, downsampled_frame, window_frame
from feed.ring import RingBuffer

COLUMNS = 200
EPOCH = 1_800_000_000 * 10**9


def line_xs(frame: pl.DataFrame, vl_version: str) -> list[float]:
    """The x coordinates of the first series' line, as Vega-Lite draws ``frame`` in SVG
    ``COLUMNS`` px wide.

    The browser gets the frame as Arrow, where NaN stays NaN; JSON has no NaN, so NaN cells
    travel as the string "NaN" and the data's format parses them back into numbers.
    """
    names = tuple(frame.columns[1:])
    spec = compile_line_chart(names)
    spec["width"] = COLUMNS
    rows = frame.with_columns(pl.col(TIME_COLUMN).dt.epoch("ms")).fill_nan("NaN").to_dicts()
    spec["datasets"] = {DATASET: rows}
    spec["data"] = {"name": DATASET, "format": {"parse": dict.fromkeys(names, "number")}}
    svg = vl_convert.vegalite_to_svg(spec, vl_version=vl_version)
    line = next(d for d in re.findall(r'<path aria-hidden="true" d="(M[^"]+)"', svg) if "L" in d)
    return [float(x) for x in re.findall(r"[ML](-?[\d.]+),", line)]


def ring_of(rows: int) -> RingBuffer:
    ring = RingBuffer(rows, 2)
    ring.extend(
        EPOCH + np.arange(rows, dtype=np.int64) * 10**8,
        np.random.default_rng(0).standard_normal((rows, 2)),
    )
    return ring


@pytest.mark.parametrize("vl_version", ["5.21", "6.4"])
def test_a_downsampled_line_sits_on_the_grid_not_stretched_over_the_axis(vl_version):
    frame = downsampled_frame(ring_of(20_000), ("A", "B"), COLUMNS)
    t = frame[TIME_COLUMN].dt.epoch("ns").to_numpy()
    start, stop = int(t[0]), int(t[-1])  # the rows that pin the axis
    xs = line_xs(frame, vl_version)
    assert xs[0] == pytest.approx((t[1] - start) / (stop - start) * COLUMNS, abs=0.01)
    assert xs[-1] == pytest.approx((t[-2] - start) / (stop - start) * COLUMNS, abs=0.01)
    assert xs[0] > 0.5  # the oldest sample is not at the axis' start: the axis is the grid's


@pytest.mark.parametrize("vl_version", ["5.21", "6.4"])
def test_a_whole_window_spans_the_axis(vl_version):
    xs = line_xs(window_frame(ring_of(500), ("A", "B")), vl_version)
    assert xs[0] == pytest.approx(0, abs=0.01)
    assert xs[-1] == pytest.approx(COLUMNS, abs=0.01)
