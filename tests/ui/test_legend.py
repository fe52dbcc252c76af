"""The legend's choice as the page reports it, and the crosshair's data then sent."""

from __future__ import annotations

import pytest

from feed import Feed, SyntheticSource
from feed.chart.nearest import NEAREST
from feed.ui.view import legend_shown
from tests.sent import decoded

NAMES = ("A", "B", "C")


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"selection": {"legend": [{"series": "B"}]}}, (1,)),
        ({"selection": {"legend": [{"series": "C"}, {"series": "A"}]}}, (0, 2)),  # shift-click
        ({"selection": {"legend": []}}, None),  # nothing picked: every series shown
        ({"selection": {"legend": {}}}, None),  # a double-click clears it
        ({"selection": {"legend": [{"series": "gone"}]}}, None),  # a series no longer fed
        ({"selection": {"legend": ["B"]}}, None),  # not what the page sends
        ({"selection": {}}, None),
        (None, None),
    ],
)
def test_legend_shown_reads_the_charts_selection(state, expected):
    assert legend_shown(state, NAMES) == expected


def test_the_crosshair_leaves_out_the_series_the_legend_hides():
    feed = Feed(SyntheticSource(names=NAMES, seed=0, backfill=1_000))
    feed.update(1_800_000_000 * 10**9)
    every = decoded(feed.chart_data(800).datasets)[NEAREST]
    picked = decoded(feed.chart_data(800, shown=(0, 2)).datasets)[NEAREST]
    assert every.columns == ["a", "b", "t", "v0", "v1", "v2"]
    assert picked.columns == ["a", "b", "t", "v0", "v2"]
    assert picked["v2"].to_list() == every["v2"].to_list()
