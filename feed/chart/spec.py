"""The line chart, compiled once to a Vega-Lite spec; per tick only its data changes.

Streamlit keys the browser's Vega view on the spec's JSON. If the JSON is byte-identical from
tick to tick, the frontend keeps the view and swaps in the datasets whose bytes changed; it
also skips the Altair schema validation that ``st.altair_chart`` and ``st.line_chart`` run on
every call.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from feed.chart.layers import AXES, PARTS

# Clock time for windows up to two days, as the tutorial shows; date and time beyond that.
TIME_LABELS = (
    "span(domain('x')) > 2 * 86400000"
    " ? timeFormat(datum.value, '%b %d %H:%M') : timeFormat(datum.value, '%H:%M:%S')"
)

ZOOM = "zoom"
"""The chart's zoom: an interval on the time axis bound to its scale, reported to Python."""
LEGEND = "legend"
"""The series the legend shows (empty: all)."""
HOVER = "hover"
"""The pointer's pixel column: a point selection over ``HOVER_COLUMNS`` targets."""
HOVER_COLUMNS = 400
LOW, HIGH = "(zoom_t ? +zoom_t[0] : x0)", "(zoom_t ? +zoom_t[1] : x1)"
"""The time axis' ends, zoomed or not (expressions)."""
HALF = f"({HIGH} - {LOW}) / {2 * HOVER_COLUMNS}"
"""Half a hover column's width, ms (an expression)."""
AXIS_SIGNALS = ("x0", "x1", "y0", "y1")
"""The chart's signals holding the axes' ends, read from the ``axes`` dataset."""


def _hover_layers(
    names: tuple[str, ...], encoding: dict[str, Any], legend: alt.Parameter
) -> list[alt.Chart]:
    """The crosshair: a vertical rule at the pointer's pixel column (snapped to one of
    ``HOVER_COLUMNS`` targets across the axis, so the nearest-point search never grows with
    the data), its time, and each shown series' sample nearest to it, with its value.

    A move of the pointer filters the drawn points by time once (the only cost that grows
    with them); the labels stand in for a tooltip, which Vega shows for one item only."""
    x = encoding["x"]
    # The axis' ends from the signals, not from the scale: data computed from the scale
    # kept the page re-laying itself out (as with the note's position).
    across = f"{LOW} + (datum.i + 0.5) * ({HIGH} - {LOW}) / {HOVER_COLUMNS}"
    hover = alt.selection_point(
        name=HOVER, nearest=True, on="pointermove", encodings=["x"], clear="pointerout"
    )
    targets = alt.Chart(alt.sequence(0, HOVER_COLUMNS, as_="i")).transform_calculate(t=across)
    when = alt.Tooltip("t:T", format="%H:%M:%S.%L", title="time")  # the viewer's local time
    layers = [targets.mark_point(opacity=0).encode(x=x, tooltip=when).add_params(hover)]
    order = "[" + ", ".join(repr(name) for name in names) + "]"
    for part in PARTS:
        # Each pointer move filters the part's every point: the cheapest test first, against
        # the column's ends computed once per move (hover_a, hover_b), not per point.
        nearest = (
            alt.Chart(alt.NamedData(part))
            .transform_filter("datum.t >= hover_a && datum.t <= hover_b")
            .transform_filter(legend)
            .transform_calculate(dist="abs(datum.t - hover_t)")
            .transform_joinaggregate(nearest="min(dist)", groupby=["series"])
            .transform_filter("datum.dist === datum.nearest")
            .transform_calculate(
                row=f"indexof({order}, datum.series)",
                label="datum.series + ': ' + format(datum.value, '.4~g')",
            )
        )
        # Separate layers, each naming its data: nested under one, Vega-Lite parsed `t` for
        # the whole part again (a formula over every row, which leaks; tests/ui/test_memory).
        layers.append(nearest.mark_rule(color="#808495", strokeWidth=1).encode(x=x))
        dots = nearest.mark_point(filled=True, size=30)
        layers.append(dots.encode(x=x, y=encoding["y"], color=encoding["color"]))
        layers.append(
            nearest.transform_calculate(px="20 + 14 * datum.row")
            .mark_text(align="left", baseline="top", dx=6, fontSize=11)
            .encode(x=x, y=alt.Y("px:Q", scale=None), text="label:N", color=encoding["color"])
        )
    return layers


def compile_line_chart(names: tuple[str, ...], height: int = 400) -> dict[str, Any]:
    """A Vega-Lite spec (a plain dict) drawing one line per series over time, from the
    datasets ``feed.chart.layers.ChartLayout`` sends (``tail``, ``body``, ``head``, ``axes``).

    Each points dataset is a layer of its own, so a tick that changes only the tail and the
    head leaves the body's points as they are in the page. The scales' domains come from
    the ``axes`` dataset through signals, not from the points, for the same reason; the
    colours' domain is ``names``. NaN breaks a line, so gaps show as gaps. Times are epoch
    milliseconds (UTC instants), drawn in the viewer's local time, and not parsed (parsing
    leaks in the page). The renderer and ARIA settings are fixed here because Streamlit's
    frontend would otherwise flip them at 2,000 and 5,000 rows, re-creating the view.
    """
    x0, x1, y0, y1 = (alt.ExprRef(name) for name in AXIS_SIGNALS)
    encoding = {
        "x": alt.X(
            "t:T",
            title=None,
            axis=alt.Axis(labelExpr=TIME_LABELS),
            scale=alt.Scale(domain=[x0, x1]),
        ),
        "y": alt.Y("value:Q", title=None, scale=alt.Scale(domain=[y0, y1], zero=False)),
        "color": alt.Color(
            "series:N",
            title=None,
            scale=alt.Scale(domain=list(names)),
            legend=alt.Legend(orient="bottom"),
        ),
    }
    # Wheel and drag zoom and pan the time axis (the scale's domain then follows the
    # selection, not the signals, until a double-click); a legend click shows one series,
    # shift-click adds or removes one.
    zoom = alt.selection_interval(name=ZOOM, encodings=["x"], bind="scales")
    legend = alt.selection_point(name=LEGEND, fields=["series"], bind="legend")
    shown = alt.condition(legend, alt.value(1), alt.value(0))
    lines = [
        alt.Chart(alt.NamedData(part))
        # Round joins: a dense line turns at every sample, and pointed (miter) joins would
        # draw tips that M4's fewer corners do not (tests/chart/test_fidelity.py).
        .mark_line(clip=True, invalid="break-paths-show-domains", strokeJoin="round")
        .encode(**encoding, strokeOpacity=shown)
        .properties(name=part)  # a fixed view name: the spec's JSON never changes
        for part in PARTS
    ]
    lines[1] = lines[1].add_params(zoom, legend)
    # The axes' dataset: the note saying how the chart is downsampled, top left (and a
    # layer that loads the dataset at all). Placed by constants: a position read from the
    # `width` signal kept the page re-laying itself out, and Streamlit's sidebar stopped
    # updating (seen in Chromium).
    note = (
        alt.Chart(alt.NamedData(AXES))
        .mark_text(align="left", baseline="top", dx=4, dy=4, color="#808495", fontSize=11)
        .encode(text="note:N", x=alt.value(0), y=alt.value(0))
    )
    chart = alt.layer(*lines, note, *_hover_layers(names, encoding, legend)).properties(
        height=height
    )
    with alt.theme.enable("none"):
        spec = chart.to_dict()
    spec.pop("$schema", None)  # the frontend pins its own Vega-Lite version
    # No automatic parsing of the data: Vega-Lite would parse ``t`` with a formula, which
    # makes Vega copy every row through a Relay operator that keeps one entry per row it
    # ever copied, for the page's lifetime (feed/ui/memory.py, "The page, Vega").
    for layer in spec["layer"]:
        if "name" in layer["data"]:
            layer["data"] = {**layer["data"], "format": {"parse": None}}
    spec["params"] = [
        *spec.get("params", []),
        *(
            {"name": name, "expr": f"length(data('{AXES}')) ? data('{AXES}')[0].{name} : 0"}
            for name in AXIS_SIGNALS
        ),
        {"name": "hover_t", "expr": f"{HOVER} && {HOVER}.t ? +{HOVER}.t[0] : null"},
        *(
            {"name": f"hover_{end}", "expr": f"hover_t === null ? {none} : hover_t {sign} {HALF}"}
            for end, none, sign in (("a", "1e300", "-"), ("b", "-1e300", "+"))
        ),
    ]
    spec["usermeta"] = {"embedOptions": {"renderer": "canvas"}}
    spec.setdefault("config", {}).setdefault("mark", {})["aria"] = False
    return spec
