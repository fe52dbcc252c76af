"""What a chart element carried to the browser, decoded: the datasets, and the points as a wide
frame (``t`` and one column per series), as the tests of the app read them."""

from __future__ import annotations

import io
from collections.abc import Mapping

import polars as pl

from feed.chart.layers import AXES, PARTS, VALUE_GRID
from feed.chart.nearest import NEAREST

TIMES = ("t", "a", "b", "x0", "x1")
"""The datasets' columns holding times, in ms after the ``axes`` row's ``base``."""


def decoded(arrow: Mapping[str, bytes]) -> dict[str, pl.DataFrame]:
    """Datasets by name, decoded from their Arrow IPC bytes, as the page reads them."""
    return {name: pl.read_ipc_stream(io.BytesIO(data)) for name, data in arrow.items()}


def as_shown(frames: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """``frames`` as the chart shows them: every time as epoch ms, and the points' values as
    values (64-bit floats; NaN in a gap), not steps of the value axis' grid."""
    axes = frames[AXES].row(0, named=True)
    per_step = (axes["y1"] - axes["y0"]) / VALUE_GRID
    shown = {}
    for name, frame in frames.items():
        times = [pl.col(c).cast(pl.Float64) + axes["base"] for c in TIMES if c in frame.columns]
        if name in PARTS:
            value = pl.col("value").cast(pl.Float64) * per_step + axes["y0"]
            times.append(value.fill_null(float("nan")))
        shown[name] = frame.with_columns(times)
    return shown


def decoded_shown(arrow: Mapping[str, bytes]) -> dict[str, pl.DataFrame]:
    """``decoded``, as the chart shows them (``as_shown``)."""
    return as_shown(decoded(arrow))


def datasets(chart_proto) -> dict[str, pl.DataFrame]:
    """The chart's datasets by name, decoded from the Arrow bytes on the wire, as the chart
    shows them (``as_shown``)."""
    return decoded_shown({d.name: d.data.data for d in chart_proto.datasets})


def drawn(parts: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Every point the ``tail``, ``body`` and ``head`` datasets draw, once (the parts repeat
    the points that join them), in the parts' order; values of either float width."""
    points = pl.concat([parts[name] for name in PARTS], how="vertical_relaxed")
    return points.unique(["t", "series"], keep="first", maintain_order=True)


def wide(parts: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The points of the ``tail``, ``body`` and ``head`` datasets as one wide frame sorted by
    time, each point once (the parts repeat the points that join them), ``t`` as UTC instants."""
    assert set(parts) == {*PARTS, AXES, NEAREST}
    points = drawn(parts)
    names = parts["body"]["series"].dtype.categories.to_list()
    frame = points.with_columns(pl.col("series").cast(pl.String)).pivot(
        on="series", index="t", values="value"
    )
    missing = [pl.lit(None, pl.Float64).alias(n) for n in names if n not in frame.columns]
    frame = frame.with_columns(missing).select("t", *names).sort("t")
    return frame.with_columns(
        pl.from_epoch(pl.col("t").cast(pl.Int64), "ms").dt.replace_time_zone("UTC")
    )
