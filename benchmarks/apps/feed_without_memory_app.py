"""The feed app without its memory policy (``feed/memory.py``'s hooks made no-ops): the app
as it was before that policy, for the soak to compare with ``app.py``.

The chart's spec keeps Vega-Lite's automatic parsing, the page keeps Streamlit's timing
entries, and the server runs no periodic collection (``postScriptGC = false`` as shipped).
"""

from __future__ import annotations

import runpy
from pathlib import Path

import feed
from feed import memory

APP = Path(__file__).resolve().parents[2] / "app.py"
_compile_line_chart = feed.compile_line_chart


def _with_parsing(names: tuple[str, ...]) -> dict:
    """The chart as compiled before: Vega-Lite's automatic parsing of the data left on."""
    spec = _compile_line_chart(names)
    return {**spec, "data": {"name": spec["data"]["name"]}}


feed.compile_line_chart = _with_parsing
memory.keep_page_timings_bounded = lambda every_s=10.0: None
memory.collect_now_and_then = lambda: False

runpy.run_path(str(APP), run_name="__main__")
