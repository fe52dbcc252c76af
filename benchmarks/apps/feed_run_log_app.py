"""The feed app, as shipped, with the server's own record of every run's end: for checking
that the benchmark's browser-side tick count agrees with what the server sent.

Each ``script_finished`` message the server enqueues for the page is appended to the file
``FEED_RUN_LOG`` names, one line each: ``time.monotonic()`` (the machine's monotonic clock,
which the benchmark and Chromium read too) and the status, a ``ForwardMsg.ScriptFinishedStatus``.
"""

from __future__ import annotations

import runpy
from pathlib import Path

from _run_log import install  # this folder is on sys.path: Streamlit adds the script's

APP = Path(__file__).resolve().parents[2] / "app.py"

install()
runpy.run_path(str(APP), run_name="__main__")
