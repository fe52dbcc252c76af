"""FEED_SAMPLE_INTERVAL, the synthetic source's sample interval the grid's fast source needs:
read, bounded with a message naming the bound, used by the catalog, and the app's first load
fills the window at that interval."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from feed.sources.base import NS_PER_SECOND
from feed.ui.catalog import SourceConfig, make_source, synthetic_interval
from feed.ui.catalog_entries import build_catalog
from feed.ui.settings import sample_interval_override

NOW = 1_735_732_800 * NS_PER_SECOND
APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_sample_interval_unset_means_the_tutorials():
    assert sample_interval_override({}) is None
    assert sample_interval_override({"FEED_SAMPLE_INTERVAL": " "}) is None
    assert synthetic_interval({}) == 0.5


@pytest.mark.parametrize("raw", ["0.01", "0.1", "60", " 2.5 "])
def test_sample_interval_reads_seconds_within_the_bound(raw: str):
    assert sample_interval_override({"FEED_SAMPLE_INTERVAL": raw}) == float(raw)
    assert synthetic_interval({"FEED_SAMPLE_INTERVAL": raw}) == float(raw)


@pytest.mark.parametrize("raw", ["0.001", "0.0099", "61", "0", "-1", "fast", "nan", "inf"])
def test_sample_interval_names_the_bound(raw: str):
    with pytest.raises(
        ValueError,
        match=rf"^`FEED_SAMPLE_INTERVAL` must be from 0\.01 to 60 seconds, got '{raw}'$",
    ):
        sample_interval_override({"FEED_SAMPLE_INTERVAL": raw})


def test_a_bad_sample_interval_stops_the_catalog_at_start():
    with pytest.raises(ValueError, match=r"`FEED_SAMPLE_INTERVAL` must be from 0\.01 to 60"):
        build_catalog([], {"FEED_SAMPLE_INTERVAL": "100"})
    assert build_catalog([], {"FEED_SAMPLE_INTERVAL": "0.1"}) == {"synthetic": SourceConfig()}


def test_synthetic_source_samples_at_the_setting(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FEED_SAMPLE_INTERVAL", "0.1")
    source = make_source(SourceConfig(), backfill_s=1.0)
    first = source.poll(NOW)
    assert np.all(np.diff(first.times) == NS_PER_SECOND // 10)
    assert len(source.poll(NOW + NS_PER_SECOND)) == 10  # a sample every 0.1 s


def test_system_source_keeps_its_interval(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FEED_SAMPLE_INTERVAL", "0.1")
    assert make_source(SourceConfig("system"))._step == NS_PER_SECOND // 2


def test_app_fills_the_first_window_at_the_sample_interval(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FEED_SAMPLE_INTERVAL", "0.1")
    monkeypatch.setenv("FEED_WINDOW", "2000")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    ring = at.session_state["feed"].ring
    assert np.all(np.diff(ring.times) == NS_PER_SECOND // 10)
    assert 2_000 <= len(ring) <= 2_002  # the window filled, not 5x over (as at 0.5 s)
