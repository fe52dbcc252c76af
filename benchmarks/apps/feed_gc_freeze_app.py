"""The feed app with an alternative GC handling: Streamlit's per-run ``gc.collect()`` kept
(``runner.postScriptGC = true``), but ``gc.freeze()`` called once after the first run.

Serve with ``--runner.postScriptGC true``: the benchmark compares this with the project's
choice (``postScriptGC = false``) for CPU per tick and server memory.
"""

from __future__ import annotations

import runpy
from pathlib import Path

from _gc_once import freeze_once  # this folder is on sys.path: Streamlit adds the script's

APP = Path(__file__).resolve().parents[2] / "app.py"

runpy.run_path(str(APP), run_name="__main__")
freeze_once()
