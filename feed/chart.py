"""The line chart, compiled once to a Vega-Lite spec; per tick only its data changes.

Streamlit keys the browser's Vega view on the spec's JSON. If the JSON is byte-identical from
tick to tick, the frontend keeps the view and swaps in the new rows; it also skips the Altair
schema validation that ``st.altair_chart`` and ``st.line_chart`` run on every call.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from feed.frame import TIME_COLUMN

# Clock time for windows up to two days, as the tutorial shows; date and time beyond that.
TIME_LABELS = (
    "span(domain('x')) > 2 * 86400000"
    " ? timeFormat(datum.value, '%b %d %H:%M') : timeFormat(datum.value, '%H:%M:%S')"
)

DATASET = "ts"
"""Name of the spec's one dataset: the window frame travels under this name each tick."""


def compile_line_chart(names: tuple[str, ...], height: int = 400) -> dict[str, Any]:
    """A Vega-Lite spec (a plain dict) drawing one line per series over time.

    The frame stays wide (``t`` plus one column per series) and Vega-Lite folds it, which
    sends half the bytes of a long frame. Null cells (rows another series needed, in a
    downsampled frame) are dropped; NaN breaks the line, so gaps show as gaps. Times are UTC
    instants, drawn in the viewer's local time, and not parsed (parsing leaks in the page).
    The renderer and ARIA settings are fixed here because Streamlit's frontend would otherwise
    flip them at 2,000 and 5,000 rows, re-creating the view.
    """
    if any("\\" in name for name in names):
        raise ValueError(f"`names` must not contain a backslash, got {names!r}")
    fields = [_field(name) for name in names]
    chart = alt.Chart(alt.NamedData(DATASET)).transform_fold(fields, as_=["series", "value"])
    if fields != list(names):  # Vega-Lite names the folded series as escaped: unescape them
        chart = chart.transform_calculate(series=r"replace(datum.series, /\\([.\[\]])/g, '$1')")
    chart = (
        chart.transform_filter("datum.value !== null")
        .mark_line(clip=True, invalid="break-paths-show-domains")
        .encode(
            x=alt.X(f"{TIME_COLUMN}:T", title=None, axis=alt.Axis(labelExpr=TIME_LABELS)),
            y=alt.Y("value:Q", title=None),
            color=alt.Color(
                "series:N", title=None, sort=list(names), legend=alt.Legend(orient="bottom")
            ),
        )
        .properties(height=height)
    )
    with alt.theme.enable("none"):
        spec = chart.to_dict()
    spec.pop("$schema", None)  # the frontend pins its own Vega-Lite version
    # No automatic parsing of the data: Vega-Lite would parse ``t`` with a formula before
    # the fold, which makes Vega copy every row through a Relay operator that keeps one
    # entry per row it ever copied, for the page's lifetime (feed/memory.py, "The page,
    # Vega"). Times arrive as epoch milliseconds, which the time scale reads as they are.
    spec["data"] = {**spec["data"], "format": {"parse": None}}
    spec["usermeta"] = {"embedOptions": {"renderer": "canvas"}}
    spec.setdefault("config", {}).setdefault("mark", {})["aria"] = False
    return spec


def _field(name: str) -> str:
    """``name`` as a Vega-Lite field: dots and brackets would otherwise mean nested access."""
    return name.replace(".", "\\.").replace("[", "\\[").replace("]", "\\]")
