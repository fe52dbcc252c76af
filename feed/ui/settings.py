"""Settings the app reads from its environment."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

RUN_EVERY_ENV = "FEED_RUN_EVERY"
SAMPLE_INTERVAL_ENV = "FEED_SAMPLE_INTERVAL"

# What a viewer can ask of the app, at most: every value the sidebar sends is checked
# against these (``checked_int``), however it was sent.
MAX_WINDOW = 1_000_000
"""Points per series in a viewer's window, the chart's and the download's."""
MIN_WIDTH_PX, MAX_WIDTH_PX = 100, 8_000
"""The chart width the window is downsampled for."""
MIN_RUN_EVERY_S, MAX_RUN_EVERY_S = 0.5, 5.0
"""The sidebar's interval, the tutorial's range."""
MIN_SAMPLE_INTERVAL_S, MAX_SAMPLE_INTERVAL_S = 0.01, 60.0
"""The synthetic source's sample interval an operator may set (``FEED_SAMPLE_INTERVAL``)."""


def run_every_override(environ: Mapping[str, str] = os.environ) -> float | None:
    """The tick interval in seconds from ``FEED_RUN_EVERY``, or None when it is unset.

    Lets benchmarks stream faster than the slider's 0.5 s minimum, which keeps the tutorial's
    range for people.
    """
    raw, seconds = _seconds_setting(environ, RUN_EVERY_ENV)
    if not raw:
        return None
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(
            f"`{RUN_EVERY_ENV}` must be a positive number of seconds (e.g. 0.1), got {raw!r}"
        )
    return seconds


def sample_interval_override(environ: Mapping[str, str] = os.environ) -> float | None:
    """The synthetic source's seconds between samples from ``FEED_SAMPLE_INTERVAL``, or None
    when it is unset (the tutorial's 0.5 s then).

    Lets a benchmark or a deployment have a new sample on every tick at a fast interval.
    """
    raw, seconds = _seconds_setting(environ, SAMPLE_INTERVAL_ENV)
    if not raw:
        return None
    if not MIN_SAMPLE_INTERVAL_S <= seconds <= MAX_SAMPLE_INTERVAL_S:  # NaN fails too
        raise ValueError(
            f"`{SAMPLE_INTERVAL_ENV}` must be from {MIN_SAMPLE_INTERVAL_S:g} to "
            f"{MAX_SAMPLE_INTERVAL_S:g} seconds, got {raw!r}"
        )
    return seconds


def _seconds_setting(environ: Mapping[str, str], name: str) -> tuple[str, float]:
    """``environ[name]`` as given (stripped; "" when unset) and as seconds (NaN when it is
    not a number): the callers check the range and word the error."""
    raw = environ.get(name, "").strip()
    try:
        return raw, float(raw)
    except ValueError:
        return raw, math.nan


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


def checked_int(name: str, value: object, low: int, high: int) -> int:
    """``value`` if it is an integer in ``[low, high]``; else the error naming the bound."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"`{name}` must be an integer from {low} to {high}, got {value!r}")
    return value


def checked_seconds(name: str, value: object, low: float, high: float) -> float:
    """``value`` if it is a number of seconds in ``[low, high]``; else the error naming it."""
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if number is None or not low <= number <= high:
        raise ValueError(f"`{name}` must be from {low:g} to {high:g} seconds, got {value!r}")
    return float(number)
