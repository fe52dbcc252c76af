"""The sidebar's readout and the window's download."""

from __future__ import annotations

import io

import numpy as np
import polars as pl
import pytest

from feed import Feed, SyntheticSource
from feed.sources.base import NS_PER_SECOND
from feed.ui.readout import TickHistory
from feed.ui.view import Tick
from feed.window.stream import ChartData, Update

NOW = 1_800_000_000 * NS_PER_SECOND


def tick(ms: float, points: int = 10, window: int = 100) -> Tick:
    return Tick(Update(added=1), ChartData({"body": b"x" * 2048}, points, window, 2), ms / 1e3)


def test_readout_is_empty_before_the_first_tick():
    assert TickHistory().readout() is None


def test_readout_median_p95_rate_points_and_bytes():
    history = TickHistory()
    for i, ms in enumerate([1.0, 2.0, 3.0, 4.0, 100.0]):
        history.add(tick(ms), at=10.0 + 0.5 * i)
    readout = history.readout()
    assert readout.median_ms == pytest.approx(3.0)
    assert readout.p95_ms == pytest.approx(np.percentile([1, 2, 3, 4, 100], 95))
    assert readout.ticks_per_s == pytest.approx(2.0)
    assert readout.window_points == 200
    assert readout.bytes_sent == 2048
    assert "2.00 ticks/s" in readout.markdown()
    assert readout.markdown().startswith("Last tick: 100.0 ms")


def test_readout_keeps_only_recent_ticks():
    history = TickHistory(size=3)
    for i, ms in enumerate([50.0, 50.0, 1.0, 1.0, 1.0]):
        history.add(tick(ms), at=float(i))
    assert history.readout().median_ms == pytest.approx(1.0)
    assert history.readout().ticks == 3


@pytest.fixture
def feed() -> Feed:
    feed = Feed(SyntheticSource(seed=0), capacity=1000)
    feed.update(NOW)
    return feed


def test_export_csv_has_every_sample_of_the_window(feed):
    frame = pl.read_csv(io.BytesIO(feed.export("csv", last=50)), try_parse_dates=True)
    assert frame.columns == ["t", "A", "B"]
    assert frame.height == 50
    np.testing.assert_array_equal(frame["A"].to_numpy(), feed.ring.values[0, -50:])


def test_export_parquet_round_trips(feed):
    frame = pl.read_parquet(io.BytesIO(feed.export("parquet")))
    assert frame.equals(feed.frame())


def test_export_csv_writes_gaps_as_empty_cells():
    feed = Feed(SyntheticSource(seed=0), capacity=10)
    feed.ring.extend(np.array([1, 2]), np.array([[np.nan, 1.0], [2.0, 3.0]]))
    text = feed.export("csv").decode()
    assert text.splitlines()[1].split(",")[1] == ""


def test_export_rejects_an_unknown_format(feed):
    with pytest.raises(
        ValueError, match=r"`file_format` must be one of \('csv', 'parquet'\), got 'xlsx'"
    ):
        feed.export("xlsx")


def test_readout_is_due_at_most_once_per_interval():
    history = TickHistory(show_every=1.0)
    assert [history.due(at) for at in (0.0, 0.4, 0.9, 1.0, 1.5, 2.1)] == [
        True, False, False, True, False, True,
    ]  # fmt: skip
