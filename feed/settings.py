"""Settings the app reads from its environment."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

RUN_EVERY_ENV = "FEED_RUN_EVERY"


def run_every_override(environ: Mapping[str, str] = os.environ) -> float | None:
    """The tick interval in seconds from ``FEED_RUN_EVERY``, or None when it is unset.

    Lets benchmarks stream faster than the slider's 0.5 s minimum, which keeps the tutorial's
    range for people.
    """
    raw = environ.get(RUN_EVERY_ENV, "").strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(
            f"`{RUN_EVERY_ENV}` must be a positive number of seconds (e.g. 0.1), got {raw!r}"
        )
    return seconds


def int_setting(environ: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """An integer from ``environ[name]`` in ``[low, high]``, or ``default`` when unset.

    Sets the sidebar's starting values (``FEED_WINDOW``, ``FEED_SERIES``), so a benchmark or a
    deployment can open on a big window without clicking.
    """
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ValueError(f"`{name}` must be an integer from {low} to {high}, got {raw!r}")
    return value
