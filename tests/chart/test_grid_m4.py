"""M4 on a fixed grid, remembered between ticks: exact per bin, equal to a fresh pass at every
tick, and computing only the bins that changed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feed.chart import grid_m4
from feed.chart.downsample import CROSSING, MAX_GAPS, PIECES_UP_TO
from feed.chart.grid_m4 import MIN_COLUMNS, GridM4, GridWindow
from feed.sources.base import SyntheticSource
from feed.window.ring import RingBuffer
from feed.window.stream import LAYOUTS_KEPT, Feed

EPOCH = 1_800_000_000 * 10**9
TENTH = 100_000_000


def check_grid_m4(times, values, columns, bin_ns, window: GridWindow) -> None:
    """Brute force, bin by bin on the grid: each series keeps its bins' first and last
    samples and their min and max (NaN ignored), sorted; in a bin that 1 to ``MAX_GAPS``
    runs of NaN break into pieces (of at most ``PIECES_UP_TO`` samples), every piece's too;
    the samples beside a lone extreme (a spike); in a bin the line runs through, each half's
    first, last, min and max; nothing else. The axis is ``columns`` bins
    on the grid and holds every sample strictly inside."""
    start, stop = window.domain
    assert start % bin_ns == 0 and stop - start == columns * bin_ns
    assert start < times[0] and times[-1] < stop
    bins = np.array([int(t) // bin_ns for t in times])
    assert len(np.unique(bins)) <= columns - 1
    for i, series in enumerate(values):
        kept = window.kept(i)
        assert np.all(np.diff(kept) > 0), "indices must be sorted and distinct"
        for b in np.unique(bins):
            everything = np.flatnonzero(bins == b)
            ours = kept[bins[kept] == b]
            pieces = pieces_of(series, everything)
            gaps = sum(np.isnan(series[p[0]]) for p in pieces)
            broken = 1 <= gaps <= MAX_GAPS and len(everything) <= PIECES_UP_TO
            sides = spike_sides_of(series, everything)
            assert set(sides) <= set(ours)
            halves = halves_of(series, times, everything, b * bin_ns + bin_ns // 2)
            most = (4 * len(pieces) if broken else 4) + len(sides) + 2 * len(halves)
            assert 1 <= len(ours) <= most
            for piece in [*(pieces if broken else [everything]), *halves]:
                mine = ours[np.isin(ours, piece)]
                assert mine[0] == piece[0] and mine[-1] == piece[-1]
                finite = series[piece][~np.isnan(series[piece])]
                if len(finite):
                    assert np.nanmin(series[mine]) == finite.min()
                    assert np.nanmax(series[mine]) == finite.max()


def spike_sides_of(series, everything) -> list:
    """The samples beside the bin's maximum (minimum), in the bin, where no other finite
    sample is as close to it as the middle of the bin's range is."""
    finite = everything[~np.isnan(series[everything])]
    if len(finite) < 2 or series[finite].min() == series[finite].max():
        return []
    middle = (series[finite].min() + series[finite].max()) / 2
    sides = []
    for extreme, beyond in ((finite[series[finite].argmax()], np.greater_equal),
                            (finite[series[finite].argmin()], np.less_equal)):  # fmt: skip
        if np.count_nonzero(beyond(series[finite], middle)) == 1:
            sides += [i for i in (extreme - 1, extreme + 1) if everything[0] <= i <= everything[-1]]
    return sides


def halves_of(series, times, everything, middle: int) -> list:
    """The bin's two halves, split at the first sample at or after ``middle`` (ns), where
    its first and last samples lie at least ``CROSSING`` of its range apart; else none."""
    ends = series[everything[[0, -1]]]
    if len(everything) <= 4 or np.isnan(ends).any():
        return []
    spread = np.nanmax(series[everything]) - np.nanmin(series[everything])
    if not spread > 0 or abs(ends[1] - ends[0]) < CROSSING * spread:
        return []
    split = int(np.clip(np.searchsorted(times[everything], middle), 1, len(everything) - 1))
    return [everything[:split], everything[split:]]


def pieces_of(series, everything) -> list:
    """The bin's samples ``everything`` (indices) split where NaN begins or ends."""
    nan = np.isnan(series[everything])
    return np.split(everything, np.flatnonzero(nan[1:] != nan[:-1]) + 1)


def fresh_pass(grid: GridM4, times, values, first_seq) -> GridWindow:
    """A new grid with ``grid``'s bin width, so nothing is remembered."""
    fresh = GridM4(grid.columns)
    fresh.bin_ns = grid.bin_ns
    return fresh.update(times, values, first_seq)


def stream(ring: RingBuffer, chunks, rng, nan_share: float = 0.0, gap_share: float = 0.0):
    """Append each chunk (samples per tick) to ``ring``, yielding after each. Time steps are
    0.05 to 0.2 s, or 1,000 times longer for a ``gap_share`` of them (uneven bins)."""
    t = EPOCH if ring.last_time is None else ring.last_time
    for n in chunks:
        steps = rng.integers(TENTH // 2, 2 * TENTH, n)
        times = t + np.cumsum(np.where(rng.random(n) < gap_share, steps * 1_000, steps))
        values = rng.standard_normal((n, ring.series))
        values[rng.random(values.shape) < nan_share] = np.nan
        ring.extend(times, values)
        t = int(times[-1]) if n else t
        yield


@settings(max_examples=60, deadline=None)
@given(
    chunks=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=40),
    capacity=st.integers(min_value=1, max_value=3_000),
    last=st.one_of(st.none(), st.integers(min_value=1, max_value=3_000)),
    columns=st.integers(min_value=MIN_COLUMNS, max_value=80),
    series=st.integers(min_value=1, max_value=3),
    nan_share=st.sampled_from([0.0, 0.05, 0.9]),
    gap_share=st.sampled_from([0.0, 0.0, 0.01]),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_remembered_bins_equal_a_fresh_pass_and_the_brute_force(
    chunks, capacity, last, columns, series, nan_share, gap_share, seed
):
    rng = np.random.default_rng(seed)
    ring, grid = RingBuffer(capacity, series), GridM4(columns)
    for _ in stream(ring, chunks, rng, nan_share, gap_share):
        if not len(ring):
            continue
        size = len(ring) if last is None else min(last, len(ring))
        times, values = ring.times[-size:], ring.values[:, -size:]
        first_seq = ring.written - len(times)
        window = grid.update(times, values, first_seq)
        expected = fresh_pass(grid, times, values, first_seq)
        np.testing.assert_array_equal(window.rows, expected.rows)
        np.testing.assert_array_equal(window.held, expected.held)
        np.testing.assert_array_equal(window.times, times[window.rows])  # remembered values
        np.testing.assert_array_equal(window.cells, values[:, window.rows])  # NaN equal NaN
        assert window.domain == expected.domain
        check_grid_m4(times, values, columns, grid.bin_ns, window)


def test_constant_data_keeps_each_bins_first_and_last():
    ring, grid = RingBuffer(5_000, 1), GridM4(50)
    ring.extend(EPOCH + np.arange(5_000) * TENTH, np.full((5_000, 1), 3.0))
    window = grid.update(ring.times, ring.values, 0)
    check_grid_m4(ring.times, ring.values, 50, grid.bin_ns, window)
    assert len(window.kept(0)) <= 2 * 49  # first and last: min and max are among them


def test_nan_runs_stay_gaps():
    ring, grid = RingBuffer(20_000, 1), GridM4(100)
    values = np.sin(np.arange(20_000) / 300)
    values[5_000:7_000] = np.nan  # a run many columns wide
    values[12_345] = np.nan  # a single missing sample
    ring.extend(EPOCH + np.arange(20_000) * TENTH, values[:, None])
    window = grid.update(ring.times, ring.values, 0)
    check_grid_m4(ring.times, ring.values, 100, grid.bin_ns, window)
    kept = window.kept(0)
    gap = kept[(kept >= 5_000) & (kept < 7_000)]
    assert len(gap) and np.isnan(values[gap]).all()  # the run's columns: NaN only, a gap


def test_a_tick_computes_only_the_bins_that_changed(monkeypatch):
    requested: list[int] = []  # bins computed, per call
    real = grid_m4._bin_m4

    def recording(times, values, w, bin_ids):
        requested.append(len(bin_ids))
        return real(times, values, w, bin_ids)

    monkeypatch.setattr(grid_m4, "_bin_m4", recording)
    rng = np.random.default_rng(1)
    ring, grid = RingBuffer(100_000, 2), GridM4(800)
    ticks = stream(ring, [100_000] + [5] * 50, rng)
    next(ticks)
    grid.update(ring.times, ring.values, 0)
    assert requested == [len(np.unique(ring.times // grid.bin_ns))]  # the first pass: all
    width = grid.bin_ns
    for _ in ticks:
        requested.clear()
        grid.update(ring.times, ring.values, ring.written - len(ring))
        assert sum(requested) <= 3, requested  # the oldest, the newest, one completed
    assert grid.bin_ns == width  # a full window keeps its grid


def test_what_a_tick_hands_out_cannot_change_what_the_grid_remembers():
    rng = np.random.default_rng(5)
    ring, grid = RingBuffer(5_000, 1), GridM4(50)
    ticks = stream(ring, [5_000] + [10] * 3, rng)
    next(ticks)
    window = grid.update(ring.times, ring.values, 0)
    for part in (window.times, window.cells, window.held):
        with pytest.raises(ValueError, match="read-only"):
            part[..., 1] = 0
    for _ in ticks:
        window = grid.update(ring.times, ring.values, ring.written - len(ring))
    expected = fresh_pass(grid, ring.times, ring.values, ring.written - len(ring))
    np.testing.assert_array_equal(window.kept(0), expected.kept(0))
    np.testing.assert_array_equal(window.cells, expected.cells)


def test_a_new_ring_is_not_mistaken_for_the_old_one():
    rng = np.random.default_rng(2)
    old, grid = RingBuffer(5_000, 1), GridM4(50)
    for _ in stream(old, [5_000, 10, 10], rng):
        grid.update(old.times, old.values, old.written - len(old))
    new = RingBuffer(5_000, 1)  # the same times, other values, numbered from 0 again
    new.extend(old.times, rng.standard_normal((5_000, 1)))
    window = grid.update(new.times, new.values, 0)
    expected = fresh_pass(grid, new.times, new.values, 0)
    np.testing.assert_array_equal(window.kept(0), expected.kept(0))


def test_more_series_than_remembered_starts_over():
    rng = np.random.default_rng(3)
    ring, grid = RingBuffer(5_000, 2), GridM4(50)
    for _ in stream(ring, [5_000, 10], rng):
        grid.update(ring.times, ring.values[:1], ring.written - len(ring))
    window = grid.update(ring.times, ring.values, ring.written - len(ring))
    check_grid_m4(ring.times, ring.values, 50, grid.bin_ns, window)


def test_the_grid_widens_as_the_window_fills_and_stays_when_full():
    rng = np.random.default_rng(4)
    ring, grid, widths = RingBuffer(20_000, 1), GridM4(100), []
    for _ in stream(ring, [1_000] * 40, rng):
        window = grid.update(ring.times, ring.values, ring.written - len(ring))
        check_grid_m4(ring.times, ring.values, 100, grid.bin_ns, window)
        widths.append(grid.bin_ns)
    assert widths[0] < widths[19]  # filling: the span grows, so do the bins
    assert len(set(widths[25:])) <= 2  # full: the span only wobbles


@pytest.mark.parametrize("columns", [0, 2, 2.5, True, "800"])
def test_columns_must_be_an_integer_of_at_least_three(columns):
    with pytest.raises(ValueError, match=r"`columns` must be an integer >= 3, got"):
        GridM4(columns)


def test_feed_remembers_one_layout_per_width_and_window_and_forgets_on_reconfigure():
    feed = Feed(SyntheticSource(sample_interval=0.01, seed=1), capacity=10_000)
    feed.update(now=EPOCH)  # 60 s of backfill: 6,000 samples
    for columns in range(100, 100 + 100 * (LAYOUTS_KEPT + 3), 100):
        feed.chart_data(columns, last=5_000)
    assert len(feed._layouts) == LAYOUTS_KEPT
    # (width, window, zoom, crosshair, the viewer's time zone)
    assert (100, 5_000, None, True, 0) not in feed._layouts
    assert (100 * (LAYOUTS_KEPT + 3), 5_000, None, True, 0) in feed._layouts
    feed.reconfigure(capacity=8_000)
    assert feed._layouts == {}


def test_a_long_stream_equals_a_fresh_pass_across_the_strips_moves(monkeypatch):
    """The remembered samples live in arrays with room either side, moved to new ones when
    a side runs out: across several such moves, every tick still equals a fresh pass."""
    moves = []
    real = grid_m4._Strip._reserve

    def counting(strip, lo, before, after):
        if strip is grid._strip:  # not the fresh passes'
            moves.append(lo)
        return real(strip, lo, before, after)

    monkeypatch.setattr(grid_m4._Strip, "_reserve", counting)
    rng = np.random.default_rng(7)
    ring, grid = RingBuffer(600, 3), GridM4(30)
    for tick in range(1_500):  # a sample every tenth of a second, 7 a tick
        count = 600 if tick == 0 else 7
        first = ring.written
        values = rng.standard_normal((count, 3))
        values[rng.random(values.shape) < 0.02] = np.nan
        ring.extend(EPOCH + (first + np.arange(count)) * TENTH, values)
        first_seq = ring.written - len(ring)
        window = grid.update(ring.times, ring.values, first_seq)
        expected = fresh_pass(grid, ring.times, ring.values, first_seq)
        np.testing.assert_array_equal(window.rows, expected.rows)
        np.testing.assert_array_equal(window.held, expected.held)
        np.testing.assert_array_equal(window.cells, ring.values[:, window.rows])
    assert len(moves) >= 3 and min(moves[1:]) > 0, moves  # moved, not started over
