"""Process-wide state for ``feed_run_log_app``: imported once per server process."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

RUN_LOG_ENV = "FEED_RUN_LOG"
_lock = threading.Lock()
_installed = False


def install() -> bool:
    """Wrap ``AppSession._enqueue_forward_msg`` to log each ``script_finished`` it enqueues
    to the file ``FEED_RUN_LOG`` names, the first time only (and not without the variable).
    True if this call installed it."""
    global _installed
    path = os.environ.get(RUN_LOG_ENV)
    with _lock:
        if _installed or not path:
            return False
        from streamlit.runtime.app_session import AppSession

        log = open(path, "a", buffering=1)  # noqa: SIM115 - open for the process' life
        enqueue = AppSession._enqueue_forward_msg

        def logged(self: Any, msg: Any) -> None:
            if msg.WhichOneof("type") == "script_finished":
                log.write(f"{time.monotonic():.6f} {msg.script_finished}\n")
            enqueue(self, msg)

        AppSession._enqueue_forward_msg = logged
        _installed = True
        return True
