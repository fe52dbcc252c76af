"""A zoomed chart: the range the page reports, and the data sent for it from the whole ring."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
import streamlit as st

from feed import Feed, SyntheticSource
from feed.chart.layers import AXES
from feed.ui.view import viewer_zone_ns, zoomed_range
from tests.sent import decoded_shown, drawn

NOW = 1_800_000_000 * 10**9
MS = 10**6


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"selection": {"zoom": {"t": [1_000, 2_000.5]}}}, (1_000 * MS, 2_000_500_000)),
        (
            {"selection": {"zoom": {"t": ["1970-01-01T00:00:01Z", "1970-01-01T00:00:02Z"]}}},
            (1_000 * MS, 2_000 * MS),
        ),
        ({"selection": {"zoom": {}}}, None),  # a double-click: following live
        ({"selection": {}}, None),
        (None, None),
        ({"selection": {"zoom": {"t": [2_000, 1_000]}}}, None),  # not a range
        ({"selection": {"zoom": {"t": ["soon", 1_000]}}}, None),
        ({"selection": {"zoom": {"t": [float("nan"), 1_000]}}}, None),
    ],
)
def test_zoomed_range_reads_the_charts_selection(state, expected):
    assert zoomed_range(state) == expected


def test_zoomed_range_adds_the_times_base_the_chart_had():
    """The page's scale holds ms after the base of the data it was sent, as numbers or as
    ISO text of that much after 1970."""
    base = NOW // 86_400_000_000_000 * 86_400_000_000_000
    numbers = {"selection": {"zoom": {"t": [1_000, 2_000]}}}
    assert zoomed_range(numbers, base) == (base + 1_000 * MS, base + 2_000 * MS)
    text = {"selection": {"zoom": {"t": ["1970-01-02T00:00:00Z", "1970-01-02T00:00:01Z"]}}}
    day = 86_400_000 * MS
    assert zoomed_range(text, base) == (base + day, base + day + 1_000 * MS)


def sent_points(feed: Feed, span) -> pl.DataFrame:
    sent = feed.chart_data(800, span=span)
    frames = decoded_shown(sent.datasets)
    points = drawn(frames).sort("series", "t")
    return points.with_columns(note=pl.lit(frames[AXES]["note"][0]))


def test_a_zoom_on_a_few_hundred_samples_sends_each_of_them_and_one_either_side():
    feed = Feed(SyntheticSource(seed=0, backfill=50_000), capacity=100_000)
    feed.update(NOW)
    times = feed.ring.times
    start, end = int(times[1_000]), int(times[1_299])
    points = sent_points(feed, (start, end))
    a = points.filter(pl.col("series") == "A")
    assert a["note"][0] == ""  # raw samples
    expected = times[999:1_301] / 1e6  # the range and one sample either side
    np.testing.assert_array_equal(a["t"].to_numpy(), expected)


def test_a_wide_zoom_is_downsampled_again_for_its_range():
    feed = Feed(SyntheticSource(seed=0, backfill=50_000), capacity=100_000)
    feed.update(NOW)
    times = feed.ring.times
    whole = sent_points(feed, None)
    zoomed = sent_points(feed, (int(times[10_000]), int(times[60_000])))
    assert zoomed["note"][0].startswith("M4, 1 column = ")
    assert zoomed["note"][0] != whole["note"][0]  # narrower columns: more detail
    inside = zoomed.filter(pl.col("t").is_between(times[10_000] / 1e6, times[60_000] / 1e6))
    assert inside["t"].min() >= times[10_000] / 1e6


@pytest.mark.parametrize(("offset", "zone"), [(-330, 330 * 60 * 10**9), (480, -8 * 3600 * 10**9)])
def test_the_viewers_zone_is_read_from_the_offset_their_browser_reports(monkeypatch, offset, zone):
    """``st.context.timezone_offset`` is minutes behind UTC (JavaScript's sign): India
    reports -330, California 480."""
    monkeypatch.setattr(type(st.context), "timezone_offset", property(lambda _: offset))
    assert viewer_zone_ns() == zone


def test_no_reported_offset_is_utc():
    assert viewer_zone_ns() == 0  # no browser: st.context reports None


def test_each_zone_gets_its_own_base_and_layout():
    feed = Feed(SyntheticSource(seed=0, backfill=5_000), capacity=10_000)
    feed.update(NOW)
    india = 330 * 60 * 10**9
    utc, there = feed.chart_data(800), feed.chart_data(800, zone_ns=india)
    day = 86_400 * 10**9
    assert utc.base_ns % day == 0 and (there.base_ns + india) % day == 0
    assert utc.base_ns != there.base_ns
    assert feed.chart_data(800).datasets == utc.datasets  # each kept apart, not re-cut
