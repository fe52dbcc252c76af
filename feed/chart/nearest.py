"""What the chart's crosshair shows, sent as data: each series' sample nearest to each place
the pointer can rest, its values already rounded as the tooltip shows them.

The pointer snaps to one of at most ``TARGETS`` places spread evenly across the time axis
(no more than the samples in view: a short window gets one place per sample, roughly). For
each, the server looks up the nearest sample of the raw window (every series shares its
times) and sends its time and every shown series' value, one row per place. A pointer move
in the page then picks one of a few hundred rows, whatever the window holds: searching the
points drawn instead cost 200 ms a move at 16 series (``benchmarks/bench_hover.py``).

The values travel rounded to the digits the tooltip shows, so the page only reads them:
it evaluates Vega expressions with an interpreter, and formatting each value of each place
on every tick (the places are new every tick) was most of the crosshair's cost at 16
series. (As text they were 40% more bytes than these 64-bit floats.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

TARGETS = 400
"""Places across the time axis the pointer snaps to, at most (a chart asks for one per two
pixel columns, up to this many)."""
NEAREST = "nearest"
"""The dataset: ``a``, ``b`` (the place's ends), ``t`` (the nearest sample's time: the time
axis' field, so the rule and dots stand on it as it is), all three in ms after the chart's
time base (``feed.chart.layers.time_base``), and ``v0``,
``v1``, ... (each shown series' value there, by its number in the feed's order, rounded to
``DIGITS`` significant digits, NaN in a gap; a hidden series' column is left out)."""
DIGITS = 6
"""Significant digits the crosshair shows a value with."""


def value_field(series: int) -> str:
    """The nearest dataset's column holding series number ``series``'s values."""
    return f"v{series}"


def nearest_samples(
    times: npt.NDArray[np.int64],
    values: npt.NDArray[np.float64],
    low_ns: int,
    high_ns: int,
    targets: int = TARGETS,
    shown: Sequence[int] | None = None,
    base_ns: int = 0,
) -> pl.DataFrame:
    """For places evenly across ``[low_ns, high_ns]`` (the time axis), as many as the samples
    in that range but at most ``targets``, the sample of ``times`` (sorted ns, at least one)
    and ``values`` ``(series, len(times))`` nearest to each, with the values of the series
    numbered in ``shown`` (default: all); times in ms after ``base_ns``. Places farther than
    half a place from the first or last sample have none and are left out: the crosshair
    shows only where lines are drawn."""
    first = np.searchsorted(times, low_ns)
    stop = np.searchsorted(times, high_ns, "right")
    count = int(min(targets, max(stop - first, 1)))
    half = (high_ns - low_ns) / (2 * count)
    places = low_ns + half * (2 * np.arange(count) + 1)  # float ns: within 0.25 us at 2050
    places = places[(places >= times[0] - half) & (places <= times[-1] + half)]
    wanted = np.rint(places).astype(np.int64)
    after = np.searchsorted(times, wanted).clip(0, len(times) - 1)
    before = (after - 1).clip(0, None)
    rows = np.where(wanted - times[before] < times[after] - wanted, before, after)
    series = list(range(len(values)) if shown is None else shown)
    fields = [value_field(i) for i in series]
    picked = values[np.ix_(series, rows)]  # only the rows: ``values[series]`` copies them all
    ends = (places - base_ns - half) / 1e6, (places - base_ns + half) / 1e6
    columns = [*ends, (times[rows] - base_ns) / 1e6, *significant(picked)]
    names = ["a", "b", "t", *fields]
    return pl.DataFrame(
        [pl.Series(name, column) for name, column in zip(names, columns, strict=True)]
    )


def significant(values: npt.NDArray[np.float64], digits: int = DIGITS) -> npt.NDArray[np.float64]:
    """``values`` rounded to ``digits`` significant digits, each the double nearest its
    decimal (so it is written as that decimal: 123.457, not 123.45700000000001). Zero, NaN
    and infinities stay as they are.

    The scale is a power of ten applied by multiplying or dividing by an exact one (10**0
    to 10**22), which rounds once; polars' ``round_sig_figs`` multiplies by an inexact 0.01
    and cost 0.4 ms a tick at 16 series."""
    finite = np.isfinite(values) & (values != 0)
    safe = np.where(finite, np.abs(values), 1.0)
    shift = (digits - 1 - np.floor(np.log10(safe))).clip(-22, 22)
    up = 10.0 ** np.abs(shift)
    rounded = np.where(shift >= 0, np.round(values * up) / up, np.round(values / up) * up)
    return np.where(finite, rounded, values)


def no_samples(series: int) -> pl.DataFrame:
    """The nearest dataset of a window without samples: its columns, no rows."""
    values = {value_field(i): pl.Float64 for i in range(series)}
    return pl.DataFrame(schema={"a": pl.Float64, "b": pl.Float64, "t": pl.Float64, **values})
