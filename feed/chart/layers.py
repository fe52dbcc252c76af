"""The window as the chart's datasets, cut so that most of their bytes stay the same tick to tick.

Streamlit's frontend replaces a dataset in the browser's Vega view only when its bytes changed,
and Vega then encodes only that dataset's points, unless a scale changed: then it encodes every
point again (about 15 us a point in headless Chromium: 800 ms for 16 series of 3,200 points).
So the axes travel as data of their own, read by the chart's scales through signals, and the
points are cut in time:

- the time axis is ``columns`` bins of a grid (one per pixel column), cut into blocks of
  ``columns // BLOCKS`` bins fixed in time. It ends where the newest sample's block ends, so it
  moves only when a new block begins: every 1/32 of the window;
- ``body``: the points in the blocks between the oldest and the newest, whose bytes stay the
  same until a new block begins;
- ``tail`` and ``head``: the points in the oldest and the newest block, and per series the
  point that joins them to the rest: small, and new every tick;
- ``axes``: one row, the time axis' ends and the value axis' ends rounded out to a nice step,
  that step and the digits its labels show, the times' ``base``, and a note saying how the
  points are downsampled;
- ``nearest``: what the crosshair shows (``feed.chart.nearest``).

Points are long (``t``, ``series``, ``value``, and ``block``): one row per point a series
draws, none for the others, so nothing is folded or dropped in the page. ``t`` is ms after
the ``base`` instant (``time_base``), as 32-bit integers wherever whole milliseconds place
every point within a fortieth of a pixel: 4 bytes a point instead of 8, most of a dense
window's bytes. The page draws them on a UTC time scale as they are, and adds ``base`` only to
the few numbers it writes (the axis' labels, the tooltip's title). ``value`` is likewise a
place on the value axis: a 16-bit step of ``VALUE_GRID`` from its low end ``y0`` to its high
end ``y1`` (a 160th of a pixel on a plot 400 px tall; null in a gap), drawn on a scale of
the grid as it is; the axis' ticks and labels are written from ``y0``, ``y1`` and the step.
2 bytes a point instead of 4. The page
draws a series as one line per block, so that a pointer move redraws only the short lines
under the crosshair; a block's line reaches the next block's first point. Where blocks hold
few points, a line spans several (``line_blocks``): each line costs the page a dataflow.
"""

from __future__ import annotations

import io
import math
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from feed.chart.grid_m4 import GridM4, fitted_bin_width
from feed.chart.nearest import NEAREST, TARGETS, nearest_samples, no_samples
from feed.chart.occlusion import MARGIN_PARTS, thinned

BLOCKS = 32
"""Blocks the time axis is cut into: the axis moves, and every point is drawn again, once
per block; a tick re-sends the points of two blocks."""
PARTS = ("tail", "body", "head")
"""The datasets holding points, oldest first."""
AXES = "axes"
"""The dataset holding the axes' ends: one row, ``x0``, ``x1`` (ms after ``base``), ``y0``,
``y1``, ``ystep`` (between the value axis' ticks), ``ydigits`` (the decimals its labels
show), ``base`` (epoch ms) and ``note`` (how the points are downsampled)."""
VALUE_GRID = 65_535
"""The value axis in steps: ``value`` is sent as ``round((v - y0) / (y1 - y0) * VALUE_GRID)``,
a 16-bit integer; values beyond the axis (infinities) are sent at its ends."""
BASE_PERIOD_NS = 8 * 86_400 * 10**9
"""The times' base is the newest sample's time rounded down to this (a midnight): it moves,
and every point is sent again, once in eight days, and a window up to 16 days long still
fits 32-bit offsets in ms."""
INT32_MS = 2**31 - 1
WHOLE_MS_COLUMN_NS = 20 * 10**6
"""Times go as whole milliseconds where a pixel column is at least this wide (rounding then
moves a point by at most 1/40 px), else as 64-bit floats."""
NO_VALUES = (0.0, 1.0, 0.2)
"""The value axis' ends and step where there is no finite value."""
LINE_ROWS = 64
"""Rows a block should hold for a series to be drawn as one line per block (fewer: one line
spans several blocks, ``line_blocks``)."""
DOWNSAMPLE_FROM = 4
"""Points per pixel column beyond which a window is M4-downsampled."""
MIN_COLUMNS = 8


@dataclass(frozen=True)
class ChartDatasets:
    """One tick's datasets as Arrow IPC bytes, by name in the chart's order, the points the
    chart draws from them, and the instant (ns) their times are ms after."""

    arrow: dict[str, bytes]
    points: int
    base_ns: int = 0


@dataclass(frozen=True)
class _Points:
    """Candidate points, sorted by time: ``times`` (ns), ``values`` ``(series, rows)``, and
    ``held[i, j]`` whether series ``i`` draws row ``j`` (None: every series draws every row)."""

    times: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]
    held: npt.NDArray[np.bool_] | None


class ChartLayout:
    """How a chart ``columns`` pixel columns wide draws a live window, tick after tick: its
    grid, where the blocks fall, and the body's bytes, kept until they change.

    Feed it the same window tick after tick (the newest samples of one ring); not thread-safe.
    """

    def __init__(self, columns: int, names: tuple[str, ...], crosshair: bool = True) -> None:
        if isinstance(columns, bool) or not isinstance(columns, int) or columns < MIN_COLUMNS:
            raise ValueError(f"`columns` must be an integer >= {MIN_COLUMNS}, got {columns!r}")
        self.columns = columns
        self.block_bins = max(1, columns // BLOCKS)
        self.crosshair = crosshair  # whether the datasets include ``nearest``
        self._series = pl.Series("series", names, dtype=pl.Enum(names))
        self._grid: GridM4 | None = None
        self._raw_bin_ns = 0
        self._body_key: tuple[int, ...] | None = None
        self._body: tuple[bytes, int] = (b"", 0)
        self._y = (math.nan, math.nan, math.nan)  # the value axis' ends and step (none yet)
        self._body_range: tuple[tuple, tuple[float, float]] = ((), (math.nan, math.nan))
        self._axes: tuple[tuple, bytes] = ((), b"")  # the axes' figures, and their bytes
        self._seen: tuple = ()  # the window last drawn: first sample, size, end; series shown
        self._sent: ChartDatasets | None = None

    @property
    def blocks(self) -> int:
        """The blocks a time axis spans, at most: each series' line has a seam (a point sent
        twice) between each two."""
        return -(-self.columns // self.block_bins) + 1

    def datasets(
        self,
        times: npt.NDArray[np.int64],
        values: npt.NDArray[np.float64],
        first_seq: int,
        view: tuple[int, int] | None = None,
        shown: tuple[int, ...] | None = None,
        base_ns: int | None = None,
    ) -> ChartDatasets:
        """The chart's datasets for the window ``times`` (sorted ns), ``values`` ``(series,
        len(times))``, its oldest sample numbered ``first_seq``: whole while it holds at most
        ``DOWNSAMPLE_FROM`` points per pixel column, M4-downsampled beyond that. ``view``
        (start, end ns) is the range a zoomed chart shows, where the crosshair's places lie
        (default: the time axis); ``shown``, the series (by number) whose values the crosshair
        shows (default: all); ``base_ns``, the instant times are sent after (default:
        ``time_base`` of the newest sample; a zoomed chart takes its live window's)."""
        if not len(times):
            return self._empty()
        base = time_base(int(times[-1])) if base_ns is None else base_ns
        seen = (first_seq, len(times), int(times[-1]), shown, base)
        if seen == self._seen and self._sent is not None:
            return self._sent  # the window has not changed since the last tick
        points, bin_ns, mode = self._points(times, values, first_seq)
        block_ns = bin_ns * self.block_bins
        first_block, last_block = int(times[0]) // block_ns, int(times[-1]) // block_ns
        end = (last_block + 1) * block_ns
        if first_block == last_block:
            tail_end = body_end = 0
        else:
            tail_end, body_end = np.searchsorted(
                points.times, [(first_block + 1) * block_ns, last_block * block_ns]
            ).tolist()
        size = len(points.times)
        line_ns = block_ns * line_blocks(size / (last_block - first_block + 1))
        body_from = int(points.times[tail_end]) if body_end > tail_end else 0
        body_id = (mode, bin_ns, first_block, last_block, body_from, body_end - tail_end)
        low, high, step = self._value_axis(*self._points_range(points, tail_end, body_end, body_id))
        key = (mode, bin_ns, first_block, last_block, line_ns, shown, low, high, base)
        clock = (base, bin_ns, line_ns)
        if key != self._body_key:
            body_points = self._uncovered(points, bin_ns, tail_end, body_end, shown)
            body = self._frame(body_points, clock, tail_end, body_end)
            self._body_key, self._body = key, (_ipc(body), body.height)
        joins = tail_end and _first_rows(points, tail_end, size)  # the tail's line goes on
        tail = self._frame(points, clock, 0, tail_end, after=joins or None)
        joins = body_end > tail_end and _last_rows(points, tail_end, body_end)
        head = self._frame(points, clock, body_end, size, before=joins or None)
        note = f"M4, 1 column = {duration(bin_ns)}" if mode else ""
        start = end - self.columns * bin_ns
        x0, x1 = (start - base) / 1e6, (end - base) / 1e6
        axes = (x0, x1, low, high, step, _decimals(step), base / 1e6, note)
        if axes != self._axes[0]:
            self._axes = (axes, _axes(*axes))
        body_bytes, body_points = self._body
        arrow = {"tail": _ipc(tail), "body": body_bytes, "head": _ipc(head), AXES: self._axes[1]}
        if self.crosshair:
            places = view or (start, end)
            targets = min(TARGETS, self.columns // 2)  # a place per two pixel columns
            found = nearest_samples(times, values, *places, targets, shown, base)
            arrow[NEAREST] = _ipc(found)
        self._seen = seen
        self._sent = ChartDatasets(arrow, tail.height + body_points + head.height, base)
        return self._sent

    def _uncovered(
        self, points: _Points, bin_ns: int, start: int, stop: int, shown: tuple[int, ...] | None
    ) -> _Points:
        """``points`` less, in rows ``[start, stop)``, those that later series cover
        (``feed.chart.occlusion``), for a value axis ``self._y``."""
        series = points.values.shape[0]
        held = np.ones(points.values.shape, dtype=bool) if points.held is None else points.held
        visible = np.ones(series, dtype=bool)
        if shown is not None:
            visible[:] = False
            visible[list(shown)] = True
        y0, y1, _ = self._y
        part = slice(start, stop)
        kept = held.copy()
        kept[:, part] = thinned(
            points.values[:, part],
            held[:, part],
            points.times[part] // bin_ns,
            visible,
            (y1 - y0) / MARGIN_PARTS,
        )
        return _Points(points.times, points.values, kept)

    def _points_range(
        self, points: _Points, tail_end: int, body_end: int, body_id: tuple
    ) -> tuple[float, float]:
        """The smallest and largest finite value of ``points``. The body's (rows ``[tail_end,
        body_end)``) is kept while ``body_id`` stays the same: the same blocks hold the same
        samples (0.19 ms a tick at 1M x 16 to read again)."""
        if body_id != self._body_range[0]:
            self._body_range = (body_id, _finite_range(points.values[:, tail_end:body_end]))
        ends = self._body_range[1]
        for part in (slice(0, tail_end), slice(body_end, None)):
            low, high = _finite_range(points.values[:, part])
            ends = (float(np.fmin(ends[0], low)), float(np.fmax(ends[1], high)))
        return ends

    def _value_axis(self, low: float, high: float) -> tuple[float, float, float]:
        """The value axis' ends and the step between its ticks, for values from ``low`` to
        ``high`` (NaN: none): the last ones while they hold the data and the data fills at
        least half of them (so the axis does not twitch), else the data's nice range."""
        if math.isnan(low):
            self._y = NO_VALUES
            return self._y
        y0, y1, _ = self._y
        if not (y0 <= low and high <= y1 and high - low >= (y1 - y0) / 2):
            self._y = nice_range(low, high)
        return self._y

    def _points(
        self, times: npt.NDArray[np.int64], values: npt.NDArray[np.float64], first_seq: int
    ) -> tuple[_Points, int, int]:
        """The window's candidate points, the grid's bin width, and 1 if downsampled else 0.

        The grid fits the window in ``columns - block_bins - 1`` bins, so that an axis ending
        up to a block after the newest sample still shows the oldest."""
        fitted_columns = self.columns - self.block_bins
        if len(times) <= DOWNSAMPLE_FROM * self.columns:
            span = int(times[-1]) - int(times[0])
            self._raw_bin_ns = fitted_bin_width(span, fitted_columns, self._raw_bin_ns)
            return _Points(times, values, None), self._raw_bin_ns, 0
        if self._grid is None:
            self._grid = GridM4(fitted_columns)
        window = self._grid.update(times, values, first_seq)
        return _Points(window.times, window.cells, window.held), self._grid.bin_ns, 1

    def _frame(
        self,
        points: _Points,
        clock: tuple[int, int, int],
        start: int,
        stop: int,
        before: list[int] | None = None,
        after: list[int] | None = None,
    ) -> pl.DataFrame:
        """Long points: each series' rows in ``[start, stop)``, after row ``before[i]`` and
        then row ``after[i]`` when given (joins to the neighbouring parts; -1: none), series
        after series, each in time order. ``clock``: the times' base, the pixel column's
        width and a line's (ns); ``block`` numbers the line each point is drawn in, one per
        line's width of time (a line's last point is the next one's first)."""
        base, column_ns, line_ns = clock
        joins = [(i, row) for i, row in [*_joins(before), *_joins(after)] if row >= 0]
        low = min([start, *(row for _, row in joins)])
        high = max([stop, *(row + 1 for _, row in joins)])
        drawn = np.zeros((points.values.shape[0], high - low), dtype=bool)
        if points.held is None:
            drawn[:, start - low : stop - low] = True
        else:
            drawn[:, start - low : stop - low] = points.held[:, start:stop]
        for series, row in joins:
            drawn[series, row - low] = True
        codes, rows = np.nonzero(drawn)
        rows += low
        blocks = (points.times[rows] // line_ns % 256).astype(np.uint8)
        seams = np.flatnonzero((codes[1:] == codes[:-1]) & (blocks[1:] != blocks[:-1])) + 1
        if len(seams):  # the point at a seam goes twice, first in the line before it
            twice = np.sort(np.concatenate([np.arange(len(codes)), seams]))
            codes, rows, ended = codes[twice], rows[twice], blocks[seams - 1]
            blocks = blocks[twice]
            blocks[seams + np.arange(len(seams))] = ended
        return pl.DataFrame(
            [
                offsets_ms(points.times[rows], base, column_ns),
                self._series[codes.astype(np.uint32)],  # 4x cheaper than ``gather``
                grid_values(points.values[codes, rows], *self._y[:2]),
                pl.Series("block", blocks),
            ]
        )

    def _empty(self) -> ChartDatasets:
        """No samples yet: no points, and a time axis of the last minute."""
        now = time.time_ns()
        base = time_base(now)
        columns = [pl.Series("t", [], pl.Float64), self._series.clear()]
        columns += [pl.Series("value", [], pl.UInt16), pl.Series("block", [], pl.UInt8)]
        empty = _ipc(pl.DataFrame(columns))
        x1 = (now - base) / 1e6
        y0, y1, step = NO_VALUES
        axes = _axes(x1 - 60e3, x1, y0, y1, step, _decimals(step), base / 1e6, "")
        arrow = {**dict.fromkeys(PARTS, empty), AXES: axes}
        if self.crosshair:
            arrow[NEAREST] = _ipc(no_samples(len(self._series.dtype.categories)))
        return ChartDatasets(arrow, 0, base)


def line_blocks(rows_per_block: float) -> int:
    """How many blocks one line of a series spans: 1 while a block holds ``LINE_ROWS`` rows
    (of any series) or more, else the power of two (at most ``BLOCKS``) that gathers about
    that many. The page draws each line as a group with its own dataflow: 16 series x 33
    blocks of a few points each cost more than the points (page per tick at 100 x 16: 124
    -> 94 ms drawn as one line per part, one run each)."""
    wanted = max(1.0, LINE_ROWS / max(rows_per_block, 1.0))
    return min(BLOCKS, 1 << math.ceil(math.log2(wanted)))


def _finite_range(values: npt.NDArray[np.float64]) -> tuple[float, float]:
    """The smallest and largest finite value (NaN, NaN when there is none). NaN-skipping
    reductions first: a mask of the finite values copies them all (1 ms at 16 series)."""
    if not values.size:
        return math.nan, math.nan
    low, high = float(np.fmin.reduce(values, axis=None)), float(np.fmax.reduce(values, axis=None))
    if not (math.isfinite(low) and math.isfinite(high)):  # infinities, or all NaN
        finite = values[np.isfinite(values)]
        return (float(finite.min()), float(finite.max())) if len(finite) else (math.nan, math.nan)
    return low, high


def grid_values(values: npt.NDArray[np.float64], y0: float, y1: float) -> pl.Series:
    """The ``value`` column: each value's place on the value axis ``[y0, y1]`` in steps of
    ``(y1 - y0) / VALUE_GRID``, as 16-bit integers, null for NaN (a gap), infinities at the
    axis' ends."""
    with np.errstate(invalid="ignore"):
        steps = np.rint((values - y0) * (VALUE_GRID / (y1 - y0)))
    gaps = np.flatnonzero(np.isnan(steps))
    steps[gaps] = 0
    grid = pl.Series("value", np.clip(steps, 0, VALUE_GRID, out=steps).astype(np.uint16))
    return grid.scatter(gaps, None) if len(gaps) else grid


def _joins(rows: list[int] | None) -> list[tuple[int, int]]:
    """``(series, row)`` for each series' join row (-1: none)."""
    return list(enumerate(rows)) if rows is not None else []


def _first_rows(points: _Points, start: int, stop: int) -> list[int]:
    """Per series, the first row in ``[start, stop)`` it draws (-1: none)."""
    series = points.values.shape[0]
    if start >= stop:
        return [-1] * series
    if points.held is None:
        return [start] * series
    held = points.held[:, start:stop]
    return np.where(held.any(axis=1), held.argmax(axis=1) + start, -1).tolist()


def _last_rows(points: _Points, start: int, stop: int) -> list[int]:
    """Per series, the last row in ``[start, stop)`` it draws (-1: none)."""
    series = points.values.shape[0]
    if points.held is None:
        return [stop - 1] * series
    held = points.held[:, start:stop][:, ::-1]
    return np.where(held.any(axis=1), stop - 1 - held.argmax(axis=1), -1).tolist()


def nice_range(low: float, high: float) -> tuple[float, float, float]:
    """``[low, high]`` rounded out to a step of 1, 2 or 5 x 10^k that cuts it in 5 to 10, and
    that step."""
    span = high - low or abs(low) or 1.0
    step = nice_step(span / 10)
    y0, y1 = math.floor(low / step) * step, math.ceil(high / step) * step
    return (y0, y1, step) if y1 > y0 else (y0, y0 + step, step)


def nice_step(at_least: float) -> float:
    """The smallest of 1, 2 and 5 x 10^k that is at least ``at_least`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(at_least))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= at_least * (1 - 1e-12))


def _axes(
    x0: float, x1: float, y0: float, y1: float, step: float, digits: int, base: float, note: str
) -> bytes:
    """The axes' dataset: one row, the time axis' ends (ms after ``base``), the value axis'
    ends, its ticks' step and their labels' decimals, ``base`` (epoch ms), and the note
    saying how the chart is downsampled ("" when it is not)."""
    row = {"x0": x0, "x1": x1, "y0": y0, "y1": y1, "ystep": step, "ydigits": digits}
    columns = {**row, "base": base, "note": note}  # by column: 3x cheaper than by row
    return _ipc(pl.DataFrame({name: [value] for name, value in columns.items()}))


def _decimals(step: float) -> int:
    """The decimals a label of a tick every ``step`` (1, 2 or 5 x 10^k) shows: -k, or 0."""
    return max(0, -math.floor(math.log10(step) + 1e-9))


def time_base(newest_ns: int, zone_ns: int = 0) -> int:
    """The instant (ns) a window whose newest sample is at ``newest_ns`` sends its times
    after: that time rounded down to ``BASE_PERIOD_NS`` on the clock of a viewer ``zone_ns``
    ahead of UTC (a midnight there), so that the time axis' ticks, whole units after the
    base, fall on whole hours and days of the viewer's clock."""
    return (newest_ns + zone_ns) // BASE_PERIOD_NS * BASE_PERIOD_NS - zone_ns


def offsets_ms(times: npt.NDArray[np.int64], base_ns: int, column_ns: int) -> pl.Series:
    """The ``t`` column: ``times`` (ns) as ms after ``base_ns``, as 32-bit integers where
    pixel columns are ``WHOLE_MS_COLUMN_NS`` wide or more and every offset fits, else as
    64-bit floats (sub-millisecond data, or a window weeks long)."""
    after = times - base_ns
    if column_ns >= WHOLE_MS_COLUMN_NS and len(after):
        whole = (after + 500_000) // 1_000_000  # rounded to the nearest ms
        if int(whole.min()) >= -INT32_MS and int(whole.max()) <= INT32_MS:
            return pl.Series("t", whole.astype(np.int32))
    return pl.Series("t", after / 1e6)


def duration(ns: int) -> str:
    """``ns`` nanoseconds for a person: "250 ms", "12.5 s", "10.4 min", "2.1 h", "3.2 d"."""
    seconds = ns / 1e9
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1)):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds * 1e3:.3g} ms"


def _ipc(frame: pl.DataFrame) -> bytes:
    """``frame`` as Arrow IPC stream bytes, in the oldest format the frontend reads."""
    buffer = io.BytesIO()
    frame.write_ipc_stream(buffer, compat_level=pl.CompatLevel.oldest())
    return buffer.getvalue()
