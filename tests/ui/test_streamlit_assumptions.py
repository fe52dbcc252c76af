"""What feed assumes about Streamlit's internals, one test each, checked in the installed
package (its Python code and its frontend's minified JavaScript bundle).

pyproject caps Streamlit below the newest release these were checked on. When a new release is
out: install it, run this file, and raise the cap if it passes; a failure names the assumption
broken and what of feed relies on it.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import tomllib
from pathlib import Path

import streamlit
import streamlit.config
from streamlit.testing.v1 import AppTest

from feed.chart.spec import compile_line_chart
from feed.ui.memory import STREAMLIT_TIMING_MARKS, STREAMLIT_TIMING_MEASURES

PROJECT = Path(__file__).resolve().parents[2]
BUNDLE = Path(streamlit.__file__).parent / "static" / "static" / "js"
VERSION = f"Streamlit {streamlit.__version__}"


@functools.cache
def bundle(pattern: str = "*.js") -> dict[str, str]:
    """The frontend's JavaScript files matching ``pattern``, by name."""
    return {path.name: path.read_text(errors="replace") for path in sorted(BUNDLE.glob(pattern))}


def vega_chart_bundle() -> str:
    files = bundle("*VegaLite*.js")
    assert files, (
        f"{VERSION} has no VegaLite chart bundle in {BUNDLE}: find where its chart code went"
    )
    return "\n".join(files.values())


def test_frontend_replaces_a_dataset_only_when_its_bytes_changed():
    # function(view, name, previous, next) { ... !next.hasSameBytes(previous) && view.data(...) }
    assert re.search(r"\.hasSameBytes\(\w+\)[^;]{0,60}\.data\(", vega_chart_bundle()), (
        f"{VERSION} no longer skips a dataset whose Arrow bytes are unchanged (`hasSameBytes` "
        "before the Vega view's `data(...)` in its chart bundle); feed relies on it: "
        "feed/chart/layers.py keeps the `body` dataset's bytes the same between ticks so the page "
        "re-encodes only the tail and head"
    )


def test_feed_pins_the_renderer_and_aria_the_frontend_would_flip_at_2000_and_5000_rows():
    spec = compile_line_chart(("A", "B"))
    assert spec["usermeta"]["embedOptions"]["renderer"] == "canvas"
    assert spec["config"]["mark"]["aria"] is False
    code = vega_chart_bundle()
    assert re.search(r">\s*2e3.{0,80}renderer\s*===\s*(void 0|undefined).{0,120}canvas", code), (
        f"{VERSION} no longer switches to the canvas renderer past 2,000 rows unless the spec "
        "sets one; feed pins `usermeta.embedOptions.renderer` (feed/chart/spec.py) so a window "
        "crossing 2,000 rows does not re-create the Vega view: check the pin still holds"
    )
    assert re.search(r">\s*5e3.{0,80}aria\s*===\s*(void 0|undefined).{0,160}aria:\s*!1", code), (
        f"{VERSION} no longer turns ARIA off past 5,000 rows unless the spec sets it; feed pins "
        "`config.mark.aria` (feed/chart/spec.py) so a window crossing 5,000 rows does not "
        "re-create "
        "the Vega view: check the pin still holds"
    )


def test_frontend_makes_the_timing_marks_and_measures_feed_clears():
    # The marks are the script-run states' names (`performance.mark(state)`); the measure
    # spans a run (`performance.measure("script-run-cycle", "running", "notRunning")`).
    code = "\n".join(bundle().values())
    calls = all(f"performance.{call}(" in code for call in ("mark", "measure"))
    missing = [
        name
        for name in (*STREAMLIT_TIMING_MARKS, *STREAMLIT_TIMING_MEASURES)
        if not re.search(rf"[`'\"]{re.escape(name)}[`'\"]", code)
    ]
    assert calls and not missing, (
        f"{VERSION}'s frontend no longer makes the page timing marks or measures "
        f"{missing or 'at all'}; feed/ui/memory.py clears them by name "
        "(STREAMLIT_TIMING_MARKS, STREAMLIT_TIMING_MEASURES) so they do not pile up in a "
        "page streaming for hours: find the new names"
    )


def test_post_script_gc_option_exists_and_feed_turns_it_off():
    assert "runner.postScriptGC" in streamlit.config.get_config_options(), (
        f"{VERSION} no longer has the config option `runner.postScriptGC`; feed's "
        ".streamlit/config.toml sets it false because a full gc.collect() after every "
        "fragment run costs more than the tick itself"
    )
    config = tomllib.loads((PROJECT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def test_html_still_runs_javascript_when_allowed():
    assert "unsafe_allow_javascript" in inspect.signature(streamlit.html).parameters, (
        f"{VERSION}'s st.html no longer takes `unsafe_allow_javascript`; feed/ui/memory.py "
        "(keep_page_timings_bounded) uses it to clear the page's timing entries"
    )


APP = """
import io
import polars as pl
import streamlit as st
from feed.chart.spec import compile_line_chart

def arrow(frame):
    buffer = io.BytesIO()
    frame.write_ipc_stream(buffer, compat_level=pl.CompatLevel.oldest())
    return buffer.getvalue()

n = st.session_state.get("n", 1)
sent = {part: arrow(pl.DataFrame({"t": [float(n)], "series": ["A"], "value": [1.0 * n]}))
        for part in ("tail", "body", "head")}
sent["axes"] = arrow(pl.DataFrame({"x0": [0.0], "x1": [1.0], "y0": [0.0], "y1": [1.0],
                                   "note": [""]}))
st.session_state["sent"] = sent
st.vega_lite_chart({**compile_line_chart(("A", "B")), "datasets": sent}, width="stretch")
"""


def test_vega_lite_chart_takes_arrow_ipc_bytes_as_datasets_and_sends_them_as_they_are():
    app = AppTest.from_string(APP, default_timeout=30).run()
    assert not app.exception, app.exception
    first = app.get("vega_lite_chart")[0].proto
    sent = app.session_state["sent"]
    received = {dataset.name: dataset.data.data for dataset in first.datasets}
    assert received == sent, (
        f"{VERSION}'s st.vega_lite_chart no longer passes Arrow IPC bytes given in the spec's "
        "`datasets` through unchanged; feed (feed/ui/view.py, draw_tick) sends its datasets so, "
        "encoded once, and relies on equal bytes reaching the page for unchanged datasets"
    )
    assert "datasets" not in json.loads(first.spec)
    app.session_state["n"] = 2
    second = app.run().get("vega_lite_chart")[0].proto
    assert second.datasets[0].data.data != first.datasets[0].data.data
    assert second.spec == first.spec, (
        f"{VERSION} sends a different spec when only the datasets change; feed relies on an "
        "identical spec so the frontend keeps its Vega view and swaps only the data"
    )
