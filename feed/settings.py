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
