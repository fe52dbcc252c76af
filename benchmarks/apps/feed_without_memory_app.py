"""The feed app without its memory policy (``feed/memory.py``'s hooks made no-ops): the app
as it was before that policy, for the soak to compare with ``app.py``.

The chart's spec keeps Vega-Lite's automatic parsing, the page keeps Streamlit's timing
entries, and the server runs no periodic collection (``postScriptGC = false`` as shipped).
"""

from __future__ import annotations

import runpy
from pathlib import Path

from feed import memory

APP = Path(__file__).resolve().parents[2] / "app.py"

memory.page_spec = lambda spec: spec
memory.keep_page_timings_bounded = lambda every_s=10.0: None
memory.collect_now_and_then = lambda: False

runpy.run_path(str(APP), run_name="__main__")
