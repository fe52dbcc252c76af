"""The compiled chart: a plain Vega-Lite dict whose JSON never changes from tick to tick."""

from __future__ import annotations

import io
import json

import numpy as np
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from feed.chart import DATASET, compile_line_chart


def test_chart_reads_the_named_dataset_and_folds_the_series():
    spec = compile_line_chart(("A", "B"))
    assert spec["data"] == {"name": DATASET, "format": {"parse": None}}  # parsing leaks
    assert spec["transform"] == [
        {"fold": ["A", "B"], "as": ["series", "value"]},
        {"filter": "datum.value !== null"},  # nulls pad downsampled rows; NaN stays a gap
    ]
    assert spec["mark"]["invalid"] == "break-paths-show-domains"
    assert spec["encoding"]["x"]["field"] == "t"
    assert spec["encoding"]["x"]["type"] == "temporal"
    assert "datasets" not in spec  # no "empty" placeholder dataset from Altair


def test_chart_pins_renderer_and_aria_so_the_frontend_never_flips_them():
    spec = compile_line_chart(("A", "B"))
    assert spec["usermeta"]["embedOptions"]["renderer"] == "canvas"
    assert spec["config"]["mark"]["aria"] is False


def test_chart_compiles_to_the_same_json_every_time():
    assert json.dumps(compile_line_chart(("A",))) == json.dumps(compile_line_chart(("A",)))


def _chart_app() -> None:
    """Draws the chart for three ticks of new data, as the app's fragment does."""
    import streamlit as st

    from feed import Feed, SyntheticSource, compile_line_chart
    from feed.view import draw_tick

    spec = compile_line_chart(("A", "B"))
    feed = Feed(SyntheticSource(seed=0))
    for tick in range(3):
        draw_tick(feed, spec, now=10**18 + tick * 2 * 10**9)
    st.session_state.ticks = 3


def test_chart_spec_sent_to_the_browser_is_byte_identical_across_ticks():
    at = AppTest.from_function(_chart_app).run()
    assert not at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 3
    specs = {chart.proto.spec for chart in charts}
    assert len(specs) == 1
    datasets = [chart.proto.datasets[0] for chart in charts]
    assert {d.name for d in datasets} == {DATASET}
    assert len({d.data.data for d in datasets}) == 3  # the data did change
    assert np.all([len(d.data.data) > 0 for d in datasets])


def _growing_window_app() -> None:
    """Draws one chart per window size, across the frontend's 2,000 and 5,000-row switches
    and into M4 downsampling, as a session changing its window would."""
    import streamlit as st

    from feed import Feed, SyntheticSource, compile_line_chart
    from feed.view import draw_tick

    spec = compile_line_chart(("A", "B"))
    feed = Feed(SyntheticSource(seed=0, backfill=20_000), capacity=50_000)
    for window in (100, 1_999, 2_001, 4_999, 5_001, 20_000):
        draw_tick(feed, spec, now=10**18, width_px=800, window=window)
    st.session_state.done = True


def test_chart_spec_stays_byte_identical_as_the_window_grows_and_downsamples():
    at = AppTest.from_function(_growing_window_app, default_timeout=30).run()
    assert not at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 6
    assert len({chart.proto.spec for chart in charts}) == 1
    rows = [pl.read_ipc_stream(io.BytesIO(c.proto.datasets[0].data.data)).height for c in charts]
    assert rows[:3] == [100, 1_999, 2_001]  # up to 4 points per pixel column: sent whole
    assert all(n <= 4 * 800 * 2 for n in rows[3:])  # beyond: M4, bounded by the width


def test_chart_escapes_dots_and_brackets_so_names_are_not_nested_paths():
    spec = compile_line_chart(("temp.c", "p[0]"))
    assert spec["transform"][0]["fold"] == ["temp\\.c", "p\\[0\\]"]
    assert spec["transform"][1] == {
        "calculate": "replace(datum.series, /\\\\([.\\[\\]])/g, '$1')",
        "as": "series",
    }  # the legend shows the names as given
    assert spec["encoding"]["color"]["sort"] == ["temp.c", "p[0]"]


def test_chart_rejects_a_backslash_in_a_name():
    with pytest.raises(ValueError, match="`names` must not contain a backslash"):
        compile_line_chart(("a\\b",))
