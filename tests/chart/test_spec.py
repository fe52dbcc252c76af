"""The compiled chart: a plain Vega-Lite dict whose JSON never changes from tick to tick."""

from __future__ import annotations

import json

import numpy as np
from streamlit.testing.v1 import AppTest

from feed.chart.layers import AXES, PARTS, VALUE_GRID
from feed.chart.nearest import NEAREST
from feed.chart.spec import AXIS_SIGNALS, Y_TICKS, compile_line_chart
from tests import sent


def test_chart_draws_each_part_as_a_layer_over_the_axes_signals():
    spec = compile_line_chart(("A", "B"))
    layers = spec["layer"]
    assert [layer["data"] for layer in layers[:4]] == [
        {"name": name, "format": {"parse": None}} for name in (*PARTS, AXES)
    ]  # no parsing: it leaks in the page
    named = [layer["data"] for layer in layers if "name" in layer["data"]]
    assert all(data["format"] == {"parse": None} for data in named)  # the crosshair's too
    for layer in layers[:3]:
        assert layer["mark"]["type"] == "line"
        assert layer["mark"]["invalid"] == "break-paths-show-domains"  # NaN: a gap
        x, y, color = (layer["encoding"][c] for c in ("x", "y", "color"))
        assert (x["field"], x["type"]) == ("t", "temporal")
        assert x["scale"]["domain"] == [{"expr": "x0"}, {"expr": "x1"}]
        assert x["scale"]["type"] == "utc"  # ms after the base, a midnight
        assert y["scale"]["domain"] == [0, VALUE_GRID]  # steps of the value axis' grid
        assert y["axis"]["values"] == {"expr": Y_TICKS}  # its ticks from the axes' row
        assert color["scale"]["domain"] == ["A", "B"]  # not from the data either
    assert {p["name"]: p.get("expr") for p in spec["params"]}["x0"] == (
        "length(data('axes')) ? data('axes')[0].x0 : 0"
    )
    assert "datasets" not in spec  # no "empty" placeholder dataset from Altair


def test_chart_zooms_the_time_axis_and_filters_series_by_legend():
    spec = compile_line_chart(("A", "B"))
    params = {p["name"]: p for p in spec["params"]}
    assert params["zoom"]["select"] == {"type": "interval", "encodings": ["x"]}
    assert params["zoom"]["bind"] == "scales"  # wheel and drag; a double-click resets
    assert params["legend"]["select"] == {"type": "point", "fields": ["series"]}
    assert params["legend"]["bind"] == "legend"
    for layer in spec["layer"][:3]:
        assert layer["mark"]["strokeJoin"] == "round"
        # One line per series and block: a crosshair's move redraws the lines it crosses.
        assert layer["encoding"]["detail"] == {"field": "block", "type": "nominal"}
        opacity = layer["encoding"]["strokeOpacity"]
        assert opacity["condition"] == {"param": "legend", "value": 1}
        assert opacity["value"] == 0  # a series the legend does not show is not drawn
    note = spec["layer"][3]
    assert (note["mark"]["type"], note["encoding"]["text"]["field"]) == ("text", "note")


def test_chart_hover_picks_a_row_of_the_nearest_dataset_not_a_point_drawn():
    spec = compile_line_chart(("A", 'say "hi"'))
    hover = {p["name"]: p for p in spec["params"]}["hover"]
    assert hover["select"] == {"type": "point", "fields": ["a"], "on": "pointermove",
                               "clear": "pointerout"}  # fmt: skip
    crosshair = spec["layer"][4:]
    bands = crosshair[-1]  # drawn last, over everything: the one under the pointer is picked
    assert hover["views"] == [bands["name"]]  # the places, not the lines
    assert bands["mark"]["type"] == "rect" and bands["encoding"]["x2"]["field"] == "b"
    for layer in crosshair:
        assert layer["data"]["name"] == NEAREST
    for layer in crosshair[:-1]:
        assert layer["transform"][0] == {"filter": {"param": "hover", "empty": False}}
    tooltip = bands["mark"]["tooltip"]["expr"]
    assert tooltip.startswith("{title: timeFormat(datum.t + base, '%H:%M:%S.%L')")  # local
    assert '"A": datum.v0' in tooltip  # the value as the server wrote it: nothing to format
    assert '"say \\"hi\\"": datum.v1' in tooltip  # a name quoted
    assert "format(" not in tooltip and "vlSelectionTest" not in tooltip  # per place, per tick


def test_a_chart_without_interaction_has_no_selection_and_no_crosshair():
    spec = compile_line_chart(("A", "B"), interactive=False)
    assert [p["name"] for p in spec["params"]] == list(AXIS_SIGNALS)  # the axes only
    assert [layer["data"]["name"] for layer in spec["layer"]] == [*PARTS, AXES]
    for layer in spec["layer"][:3]:
        assert "strokeOpacity" not in layer["encoding"]  # no legend selection to read
    assert NEAREST not in json.dumps(spec)
    assert compile_line_chart(("A", "B"))["layer"][:3] != spec["layer"][:3]  # it can differ


def _static_chart_app() -> None:
    """Draws a chart compiled without interaction, as the app does with FEED_INTERACTIVE=0."""
    from feed import Feed, SyntheticSource, compile_line_chart
    from feed.ui.view import draw_tick

    spec = compile_line_chart(("A", "B"), interactive=False)
    draw_tick(Feed(SyntheticSource(seed=0)), spec, now=10**18)


def test_a_chart_without_interaction_is_sent_without_crosshair_data_or_selection():
    at = AppTest.from_function(_static_chart_app).run()
    assert not at.exception
    (chart,) = at.get("vega_lite_chart")
    assert [d.name for d in chart.proto.datasets] == [*PARTS, AXES]
    assert list(chart.proto.selection_mode) == []  # the page reports nothing back
    (interactive,) = AppTest.from_function(_chart_app).run().get("vega_lite_chart")[:1]
    assert sorted(interactive.proto.selection_mode) == ["legend", "zoom"]


def test_chart_scales_read_no_data_so_a_tick_moves_no_point_it_did_not_send():
    import vl_convert

    vega = vl_convert.vegalite_to_vega(compile_line_chart(("A", "B")))
    scales = {scale["name"]: scale for scale in vega["scales"]}
    # A time scale's domain of signals compiles to "fields" of signals (the crosshair's band,
    # with an x2, adds the pair again): still no dataset.
    x0, x1 = {"signal": "{data: x0}"}, {"signal": "{data: x1}"}
    assert scales["x"]["domain"] == {"fields": [x0, x1, [{"signal": "x0"}, {"signal": "x1"}]]}
    assert scales["y"]["domain"] == [0, VALUE_GRID]  # never changes
    assert scales["color"]["domain"] == ["A", "B"]


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
    from feed.ui.view import draw_tick

    spec = compile_line_chart(("A", "B"))
    feed = Feed(SyntheticSource(seed=0))
    for tick in range(3):
        draw_tick(feed, spec, now=10**18 + tick * 2 * 10**9, key=f"chart_{tick}")
    st.session_state.ticks = 3


def test_chart_spec_sent_to_the_browser_is_byte_identical_across_ticks():
    at = AppTest.from_function(_chart_app).run()
    assert not at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 3
    specs = {chart.proto.spec for chart in charts}
    assert len(specs) == 1
    for chart in charts:
        assert [d.name for d in chart.proto.datasets] == [*PARTS, AXES, NEAREST]
    heads = [chart.proto.datasets[2].data.data for chart in charts]
    assert len(set(heads)) == 3  # the data did change
    assert np.all([len(head) > 0 for head in heads])


def _growing_window_app() -> None:
    """Draws one chart per window size, across the frontend's 2,000 and 5,000-row switches
    and into M4 downsampling, as a session changing its window would."""
    import streamlit as st

    from feed import Feed, SyntheticSource, compile_line_chart
    from feed.ui.view import draw_tick

    spec = compile_line_chart(("A", "B"))
    feed = Feed(SyntheticSource(seed=0, backfill=20_000), capacity=50_000)
    for window in (100, 1_999, 2_001, 4_999, 5_001, 20_000):
        draw_tick(feed, spec, now=10**18, width_px=800, window=window, key=f"chart_{window}")
    st.session_state.done = True


def test_chart_spec_stays_byte_identical_as_the_window_grows_and_downsamples():
    at = AppTest.from_function(_growing_window_app, default_timeout=30).run()
    assert not at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 6
    assert len({chart.proto.spec for chart in charts}) == 1
    rows = [sent.wide(sent.datasets(c.proto)).height for c in charts]
    assert rows[:3] == [100, 1_999, 2_001]  # up to 4 points per pixel column: sent whole
    assert all(n <= 4 * 800 * 2 for n in rows[3:])  # beyond: M4, bounded by the width


def test_chart_takes_names_with_dots_and_brackets_as_they_are():
    spec = compile_line_chart(("temp.c", "p[0]"))  # values of `series`, not field paths
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["temp.c", "p[0]"]
