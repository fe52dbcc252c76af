"""The line chart, compiled once to a Vega-Lite spec; per tick only its data changes.

Streamlit keys the browser's Vega view on the spec's JSON. If the JSON is byte-identical from
tick to tick, the frontend keeps the view and swaps in the datasets whose bytes changed; it
also skips the Altair schema validation that ``st.altair_chart`` and ``st.line_chart`` run on
every call.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt

from feed.chart.layers import AXES, PARTS, VALUE_GRID
from feed.chart.nearest import NEAREST, value_field

BASE = "base"
"""The signal holding the times' base (epoch ms, from the ``axes`` dataset): the points'
times, and the time axis' scale, are ms after it."""
# Clock time for windows up to two days, as the tutorial shows; date and time beyond that.
# The tick is ms after the base, on a UTC scale; the label is that instant's local time.
TIME_LABELS = (
    f"span(domain('x')) > 2 * 86400000"
    f" ? timeFormat(time(datum.value) + {BASE}, '%b %d %H:%M')"
    f" : timeFormat(time(datum.value) + {BASE}, '%H:%M:%S')"
)

ZOOM = "zoom"
"""The chart's zoom: an interval on the time axis bound to its scale, reported to Python."""
LEGEND = "legend"
"""The series the legend shows (empty: all)."""
HOVER = "hover"
"""The place the pointer rests on: a point selection of one of the ``nearest`` dataset's rows."""
AXIS_SIGNALS = ("x0", "x1", "y0", "y1", "ystep", "ydigits", BASE)
"""The chart's signals holding the axes' ends, the value axis' step and decimals, and the
times' base, read from the ``axes`` dataset."""
# The value axis: the points are steps of a grid from y0 to y1; a tick every ystep, labelled
# with the value (a whole number of steps from 0, so 0 is 0), as d3 writes a linear axis'.
Y_TICKS = f"sequence(0, {VALUE_GRID} * (1 + 1e-9), {VALUE_GRID} * ystep / (y1 - y0))"
Y_LABELS = (
    f"format((round(y0 / ystep) + round(datum.value * (y1 - y0) / ({VALUE_GRID} * ystep)))"
    " * ystep, ',.' + ydigits + 'f')"
)
TO_GRID = f"(datum.value - y0) * {VALUE_GRID} / (y1 - y0)"
"""An expression: a value's place on the value axis' grid."""


def _time(field: str) -> alt.X:
    """The time axis, encoding ``field`` (ms after the base) on a UTC scale, so that its
    ticks fall on whole units after the base, a midnight of the viewer's clock, labelled in
    the viewer's local time; its ends come from the signals read from the ``axes`` dataset."""
    return alt.X(
        f"{field}:T",
        title=None,
        axis=alt.Axis(labelExpr=TIME_LABELS),
        scale=alt.Scale(type="utc", domain=[alt.ExprRef("x0"), alt.ExprRef("x1")]),
    )


def _value(field: str) -> alt.Y:
    """The value axis, encoding ``field`` (steps of the grid from ``y0`` to ``y1``) on a scale
    of the grid, whose domain never changes; its ticks and labels are the values'."""
    return alt.Y(
        f"{field}:Q",
        title=None,
        axis=alt.Axis(values=alt.ExprRef(Y_TICKS), labelExpr=Y_LABELS),
        scale=alt.Scale(domain=[0, VALUE_GRID], zero=False, nice=False),
    )


def _shown(series: str) -> str:
    """An expression: whether the legend shows the series named by the expression ``series``."""
    store = f"{LEGEND}_store"
    return f"(!length(data('{store}')) || vlSelectionTest('{store}', {{series: {series}}}))"


def _tooltip(names: tuple[str, ...]) -> str:
    """An expression: the crosshair's tooltip, the sample's time (the viewer's local time) as
    its title and each series' value as the server rounded it (the tooltip writes a number
    as it is). The server leaves out the values of a series the legend hides, and an absent
    value is no row of the tooltip."""
    rows = [f"title: timeFormat(datum.t + {BASE}, '%H:%M:%S.%L')"]
    rows += [f"{json.dumps(name)}: datum.{value_field(i)}" for i, name in enumerate(names)]
    return "{" + ", ".join(rows) + "}"


def _hover_layers(
    names: tuple[str, ...], encoding: dict[str, Any], *params: alt.Parameter
) -> list[alt.Chart]:
    """The crosshair: on the place under the pointer (one of the ``nearest`` dataset's rows,
    so a move costs the same whatever the window holds), a vertical rule at the nearest
    sample, a dot on each shown series there, and a tooltip with the time and the values.
    (Labels beside the rule cost a redraw of every line they overlap: 2.3x the move.)

    The places are transparent bands side by side across the axis, drawn over everything:
    the band under the pointer is the one picked, and its tooltip shows at once. ``params``
    (the zoom and the legend) live on the dots' layer: the layer holding a selection takes
    pointer events, and the browser would test every line's points against each move."""
    hover = alt.selection_point(name=HOVER, on="pointermove", fields=["a"], clear="pointerout")
    places = alt.Chart(alt.NamedData(NEAREST))
    bands = places.mark_rect(fill="transparent", tooltip=alt.ExprRef(_tooltip(names)))
    bands = bands.encode(x=_time("a"), x2="b:T").add_params(hover)
    # The rule and dots stand at the sample, whose time the dataset holds as `t`, the time
    # axis' field: a formula here would make Vega copy every row of every tick's places
    # and remember each for the page's lifetime (feed/ui/memory.py, "The page, Vega").
    at = places.transform_filter({"param": HOVER, "empty": False})
    x = encoding["x"]
    fields = [value_field(i) for i in range(len(names))]
    values = (
        at.transform_fold(fields, as_=["field", "value"])
        .transform_calculate(series=f"{json.dumps(list(names))}[toNumber(slice(datum.field, 1))]")
        .transform_filter(f"isFinite(datum.value) && {_shown('datum.series')}")
        .transform_calculate(place=TO_GRID)  # the points' grid, from the value sent
    )
    return [
        at.mark_rule(color="#808495", strokeWidth=1).encode(x=x),
        values.mark_point(filled=True, size=30)
        .encode(x=x, y=_value("place"), color=encoding["color"])
        .add_params(*params),
        bands,
    ]


def compile_line_chart(
    names: tuple[str, ...], height: int = 400, interactive: bool = True
) -> dict[str, Any]:
    """A Vega-Lite spec (a plain dict) drawing one line per series over time, from the
    datasets ``feed.chart.layers.ChartLayout`` sends (``tail``, ``body``, ``head``, ``axes``).

    Each points dataset is a layer of its own, so a tick that changes only the tail and the
    head leaves the body's points as they are in the page. The scales' domains come from
    the ``axes`` dataset through signals, not from the points, for the same reason; the
    colours' domain is ``names``. NaN breaks a line, so gaps show as gaps. Times are
    milliseconds after the ``axes`` dataset's ``base`` instant, labelled in the viewer's local
    time, and not parsed (parsing leaks in the page). The renderer and ARIA settings are
    fixed here because Streamlit's frontend would otherwise flip them at 2,000 and 5,000
    rows, re-creating the view.

    ``interactive=False`` leaves out zoom, legend clicks and hover, and with them the page's
    work for them each tick: for a wall display nobody points at.
    """
    encoding = {
        "x": _time("t"),
        "y": _value("value"),
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
    shown = alt.condition(legend, alt.value(1), alt.value(0)) if interactive else alt.Undefined
    lines = [
        alt.Chart(alt.NamedData(part))
        # Round joins: a dense line turns at every sample, and pointed (miter) joins would
        # draw tips that M4's fewer corners do not (tests/chart/test_fidelity.py).
        .mark_line(clip=True, invalid="break-paths-show-domains", strokeJoin="round")
        .encode(**encoding, detail="block:N", strokeOpacity=shown)
        .properties(name=part)  # a fixed view name: the spec's JSON never changes
        for part in PARTS
    ]
    # The axes' dataset: the note saying how the chart is downsampled, top left (and a
    # layer that loads the dataset at all). Placed by constants: a position read from the
    # `width` signal kept the page re-laying itself out, and Streamlit's sidebar stopped
    # updating (seen in Chromium).
    note = (
        alt.Chart(alt.NamedData(AXES))
        .mark_text(align="left", baseline="top", dx=4, dy=4, color="#808495", fontSize=11)
        .encode(text="note:N", x=alt.value(0), y=alt.value(0))
    )
    hover = _hover_layers(names, encoding, zoom, legend) if interactive else []
    chart = alt.layer(*lines, note, *hover).properties(height=height)
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
    ]
    spec["usermeta"] = {"embedOptions": {"renderer": "canvas"}}
    spec.setdefault("config", {}).setdefault("mark", {})["aria"] = False
    return spec
