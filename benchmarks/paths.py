"""The four fragment bodies the in-process benchmark times, each with its own untimed setup.

Like an asv benchmark class: the constructor prepares a full window (never timed) and
``tick`` is the fragment body (timed). Every tick draws into the Streamlit container that is
current when it is called, exactly as a fragment run draws into the fragment's container.

- ``baseline``: the tutorial's code (``benchmarks.baseline``): ``pd.concat``, keep the last
  ``rows`` rows, ``st.line_chart``.
- ``altair-per-tick``: feed's ring buffer and chart datasets (the same ``tail``, ``body``,
  ``head`` and ``axes`` feed sends, decoded from their Arrow bytes), but a layered
  ``alt.Chart`` with the data inline built each tick and drawn with ``st.altair_chart``:
  what compiling the spec once buys, alone.
- ``feed``: ``feed.ui.view.draw_tick`` at the app's default chart width, the app's fragment body.
- ``floor``: one small element (``st.caption``): what Streamlit itself costs per tick.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Protocol

import altair as alt
import polars as pl
import streamlit as st

from benchmarks import baseline
from feed import Feed, SyntheticSource, compile_line_chart
from feed.chart.layers import AXES, PARTS, VALUE_GRID
from feed.chart.spec import BASE, TIME_LABELS, Y_LABELS, Y_TICKS
from feed.sources.base import NS_PER_SECOND
from feed.ui.view import CHART_KEY, DEFAULT_WIDTH_PX, draw_tick

SAMPLE_NS = NS_PER_SECOND // 2  # the tutorial samples every 0.5 s
PATHS = ("baseline", "altair-per-tick", "feed", "floor")


@dataclass(frozen=True)
class Now:
    """One instant of the fake clock, in both forms the paths use (computed outside timing)."""

    ns: int

    @property
    def dt(self) -> datetime:
        """Naive local-less datetime, as the tutorial's ``datetime.now()`` is naive."""
        return datetime.fromtimestamp(self.ns / NS_PER_SECOND, UTC).replace(tzinfo=None)


class Path(Protocol):
    """A fragment body ready to tick over a full window."""

    def tick(self, now: Now) -> None: ...


class BaselinePath:
    """The tutorial's fragment body over a pandas window of ``rows`` rows."""

    def __init__(self, rows: int, names: tuple[str, ...], now: Now, seed: int = 0) -> None:
        self.rows = rows
        self.state = SimpleNamespace(data=baseline.full_window(rows, names, now.dt, seed))

    def tick(self, now: Now) -> None:
        baseline.show_latest_data(self.state, now.dt, self.rows)


class AltairPath:
    """Feed's data path, but an Altair chart built, validated and compiled every tick."""

    def __init__(self, rows: int, names: tuple[str, ...], now: Now, seed: int = 0) -> None:
        self.feed = full_feed(rows, names, now, seed)

    def tick(self, now: Now) -> None:
        self.feed.refresh(now.ns)  # the same poll as draw_tick's
        sent = self.feed.chart_data(DEFAULT_WIDTH_PX)  # the same datasets feed sends
        frames = {
            name: pl.read_ipc_stream(io.BytesIO(data)) for name, data in sent.datasets.items()
        }
        st.altair_chart(altair_line_chart(frames, self.feed.names), width="stretch")


class FeedPath:
    """This project's fragment body: ``draw_tick`` with a spec compiled once, in setup."""

    def __init__(self, rows: int, names: tuple[str, ...], now: Now, seed: int = 0) -> None:
        self.feed = full_feed(rows, names, now, seed)
        self.spec = compile_line_chart(names)
        self.count = 0

    def tick(self, now: Now) -> None:
        # The chart is a keyed element (its zoom is widget state): a key may be used once per
        # script run, and every tick here runs in the cell's one script run.
        self.count += 1
        draw_tick(self.feed, self.spec, now.ns, key=f"{CHART_KEY}_{self.count}")


class FloorPath:
    """One small element per tick: Streamlit's own cost, whatever the window."""

    def __init__(self, rows: int, names: tuple[str, ...], now: Now, seed: int = 0) -> None:
        self.count = 0

    def tick(self, now: Now) -> None:
        self.count += 1
        st.caption(f"Tick {self.count}")


def make_path(name: str, rows: int, names: tuple[str, ...], now: Now, seed: int = 0) -> Path:
    """The path called ``name`` (one of ``PATHS``), set up over a full window."""
    classes = {
        "baseline": BaselinePath,
        "altair-per-tick": AltairPath,
        "feed": FeedPath,
        "floor": FloorPath,
    }
    if name not in classes:
        raise ValueError(f"`name` must be one of {sorted(classes)}, got {name!r}")
    return classes[name](rows, names, now, seed)


def full_feed(rows: int, names: tuple[str, ...], now: Now, seed: int = 0) -> Feed:
    """A ``Feed`` whose first poll, at ``now``, filled its window (as the app's first load
    does), so each later tick adds only what is new."""
    backfill = max(60.0, (rows + 1) * SAMPLE_NS / NS_PER_SECOND)  # the grid excludes both ends
    source = SyntheticSource(names, SAMPLE_NS / NS_PER_SECOND, seed=seed, backfill=backfill)
    feed = Feed(source, capacity=rows)
    feed.update(now.ns)
    return feed


def altair_line_chart(frames: dict[str, pl.DataFrame], names: tuple[str, ...]) -> alt.LayerChart:
    """The same chart as ``feed.compile_line_chart``, built the obvious way: one layer per
    points dataset (``tail``, ``body``, ``head``) with its frame inline, and the scales'
    domains written from the ``axes`` row rather than read from it by signals."""
    axes = frames[AXES].row(0, named=True)
    encoding = {
        "x": alt.X(
            "t:T",
            title=None,
            axis=alt.Axis(labelExpr=TIME_LABELS),
            scale=alt.Scale(type="utc", domain=[axes["x0"], axes["x1"]]),
        ),
        "y": alt.Y(
            "value:Q",
            title=None,
            axis=alt.Axis(values=alt.ExprRef(Y_TICKS), labelExpr=Y_LABELS),
            scale=alt.Scale(domain=[0, VALUE_GRID], zero=False, nice=False),
        ),
        "color": alt.Color(
            "series:N",
            title=None,
            scale=alt.Scale(domain=list(names)),
            legend=alt.Legend(orient="bottom"),
        ),
    }
    lines = [
        alt.Chart(frames[part])
        .mark_line(clip=True, invalid="break-paths-show-domains")
        .encode(**encoding)
        for part in PARTS
    ]
    # The times are ms after the base, the values steps of the value axis' grid: the labels
    # read these.
    read = ("y0", "y1", "ystep", "ydigits", BASE)
    known = [alt.param(name=name, value=axes[name]) for name in read]
    return alt.layer(*lines).add_params(*known).properties(height=400)
