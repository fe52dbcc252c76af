"""The chart's bytes: a downsampled window written by pyarrow reads back exactly as the Polars
frame of the same window, nulls and NaN apart."""

from __future__ import annotations

import io

import numpy as np
import polars as pl

from feed.frame import downsampled_columns, downsampled_frame
from feed.grid_m4 import GridM4
from feed.ring import RingBuffer
from feed.sources import SyntheticSource
from feed.stream import Feed
from feed.wire import columns_ipc, frame_ipc

EPOCH = 1_800_000_000 * 10**9


def read(arrow: bytes) -> pl.DataFrame:
    return pl.read_ipc_stream(io.BytesIO(arrow))


def test_downsampled_columns_read_back_as_the_polars_frame():
    ring = RingBuffer(20_000, 3)
    values = np.random.default_rng(7).standard_normal((20_000, 3))
    values[5_000:6_000, 1] = np.nan  # a gap: NaN, not null
    ring.extend(EPOCH + np.arange(20_000, dtype=np.int64) * 10**8, values)
    names = ("A", "B", "C")
    data = downsampled_columns(ring, names, 100, grid=GridM4(100))
    frame = downsampled_frame(ring, names, 100)
    decoded = read(columns_ipc(data))
    assert decoded.schema == frame.schema
    assert decoded.equals(frame, null_equal=True)
    assert decoded["B"].is_nan().sum() >= 2 and decoded["B"].null_count() > 0
    assert read(frame_ipc(frame)).equals(decoded, null_equal=True)


def test_feed_sends_what_its_chart_frame_holds_small_and_large():
    feed = Feed(SyntheticSource(("A", "B"), sample_interval=0.01, seed=3), capacity=6_000)
    feed.update(now=EPOCH)  # 60 s of backfill: 6,000 samples
    for last in (1_000, 6_000):  # whole, then downsampled (more than 4 x 800)
        sent = feed.chart_data(800, last)
        expected = feed.chart_frame(800, last)
        assert read(sent.arrow).equals(expected, null_equal=True)
        assert sent.rows == expected.height
        assert sent.points == sum(expected[name].is_not_null().sum() for name in ("A", "B"))
