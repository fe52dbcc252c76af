"""The feed app without its memory policy (``feed/ui/memory.py``'s hooks made no-ops): the app
as it was before that policy, for the soak to compare with ``app.py``.

The chart's spec keeps Vega-Lite's automatic parsing, the page keeps Streamlit's timing
entries, and the server runs no periodic collection (``postScriptGC = false`` as shipped).
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import feed
from feed.ui import memory

APP = Path(__file__).resolve().parents[2] / "app.py"
_compile_line_chart = feed.compile_line_chart


def _with_parsing(names: tuple[str, ...], **options: Any) -> dict:
    """The chart as compiled before: Vega-Lite's automatic parsing of the data left on, in
    every layer (``options`` as ``compile_line_chart`` takes them)."""
    return _parsed(_compile_line_chart(names, **options))


def _parsed(node: Any) -> Any:
    """``node`` with every ``"format": {"parse": null}`` of its data dropped, at any depth."""
    if isinstance(node, list):
        return [_parsed(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _parsed(value) for key, value in node.items()}
    data = node.get("data")
    if isinstance(data, dict) and data.get("format") == {"parse": None}:
        node["data"] = {key: value for key, value in data.items() if key != "format"}
    return node


feed.compile_line_chart = _with_parsing
memory.keep_page_timings_bounded = lambda every_s=10.0: None
memory.collect_now_and_then = lambda: False

runpy.run_path(str(APP), run_name="__main__")
