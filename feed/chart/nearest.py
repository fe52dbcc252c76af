"""What the chart's crosshair shows, sent as data: each series' sample nearest to each place
the pointer can rest.

The pointer snaps to one of ``TARGETS`` places spread evenly across the time axis. For each,
the server looks up the nearest sample of the raw window (every series shares its times) and
sends its time and every series' value, one row per place. A pointer move in the page then
picks one of a few hundred rows, whatever the window holds: searching the points drawn
instead cost 200 ms a move at 16 series (``benchmarks/bench_hover.py``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

TARGETS = 400
"""Places across the time axis the pointer snaps to: one per two pixel columns at 800."""
NEAREST = "nearest"
"""The dataset: ``a``, ``b`` (the place's ends, epoch ms), ``at`` (the nearest sample's time,
epoch ms) and ``v0``, ``v1``, ... (each series' value there, in the feed's order, as 32-bit
floats: the tooltip shows six digits; NaN in a gap)."""


def value_field(series: int) -> str:
    """The nearest dataset's column holding series number ``series``'s values."""
    return f"v{series}"


def nearest_samples(
    times: npt.NDArray[np.int64],
    values: npt.NDArray[np.float64],
    low_ms: float,
    high_ms: float,
    targets: int = TARGETS,
) -> pl.DataFrame:
    """For ``targets`` places evenly across ``[low_ms, high_ms]`` (the time axis, epoch ms),
    the sample of ``times`` (sorted ns, at least one) and ``values`` ``(series,
    len(times))`` nearest to each. Places farther than half a place from the first or last
    sample have none and are left out: the crosshair shows only where lines are drawn."""
    half = (high_ms - low_ms) / (2 * targets)
    places = low_ms + half * (2 * np.arange(targets) + 1)
    places = places[(places >= times[0] / 1e6 - half) & (places <= times[-1] / 1e6 + half)]
    wanted = np.rint(places * 1e6).astype(np.int64)
    after = np.searchsorted(times, wanted).clip(0, len(times) - 1)
    before = (after - 1).clip(0, None)
    rows = np.where(wanted - times[before] < times[after] - wanted, before, after)
    columns = [
        pl.Series("a", places - half),
        pl.Series("b", places + half),
        pl.Series("at", times[rows] / 1e6),
        *(pl.Series(value_field(i), values[i, rows], pl.Float32) for i in range(len(values))),
    ]
    return pl.DataFrame(columns)


def no_samples(series: int) -> pl.DataFrame:
    """The nearest dataset of a window without samples: its columns, no rows."""
    values = {value_field(i): pl.Float32 for i in range(series)}
    return pl.DataFrame(schema={"a": pl.Float64, "b": pl.Float64, "at": pl.Float64, **values})
