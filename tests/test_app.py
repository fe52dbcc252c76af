"""The app, through Streamlit's AppTest: parity with the tutorial's UI, and a failing source."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from feed import Feed
from tests import sent
from tests.flaky_source import FlakySource

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def chart_frame(at: AppTest) -> pl.DataFrame:
    """The points the app last sent to its chart, as a wide frame (``tests.sent.wide``)."""
    (chart,) = at.get("vega_lite_chart")
    return sent.wide(sent.datasets(chart.proto))


def button(at: AppTest, label: str):
    (found,) = [b for b in at.sidebar.button if b.label == label]
    return found


@pytest.fixture
def at() -> AppTest:
    return AppTest.from_file(APP, default_timeout=30).run()


def test_app_title_slider_and_buttons_match_the_tutorial(at):
    assert not at.exception
    assert [t.value for t in at.title] == ["Data feed"]
    slider = at.slider(key="run_every")
    assert slider.label == "Check for updates every: (seconds)"
    assert (slider.min, slider.max, slider.value) == (0.5, 5.0, 1.0)
    assert slider.key == "run_every"
    assert [b.label for b in at.sidebar.button] == ["Start streaming", "Stop streaming"]


def test_app_first_load_shows_the_last_100_samples_and_is_stopped(at):
    assert at.session_state.stream is False
    assert button(at, "Start streaming").disabled is False
    assert button(at, "Stop streaming").disabled is True
    frame = chart_frame(at)
    assert frame.columns == ["t", "A", "B"]
    assert frame.height == 100
    seconds = frame["t"].dt.epoch("ms").diff().drop_nulls().unique().to_list()
    assert seconds == [500]  # one sample every 0.5 s


def test_app_start_and_stop_toggle_the_buttons(at):
    button(at, "Start streaming").click().run()
    assert at.session_state.stream is True
    assert button(at, "Start streaming").disabled is True
    assert button(at, "Stop streaming").disabled is False
    button(at, "Stop streaming").click().run()
    assert at.session_state.stream is False
    assert button(at, "Start streaming").disabled is False
    assert not at.exception


def test_app_window_and_series_settings_keep_the_buffered_data(at):
    before = chart_frame(at)
    at.select_slider(key="window").set_value(1_000).run()
    grown = chart_frame(at)
    assert grown.height > before.height  # the whole buffered minute, not just 100 rows
    assert set(before["t"]) <= set(grown["t"])
    at.slider(key="series").set_value(3).run()
    frame = chart_frame(at)
    assert frame.columns == ["t", "A", "B", "C"]
    (chart,) = at.get("vega_lite_chart")
    assert '"domain": ["A", "B", "C"]' in chart.proto.spec  # the colours name the new series
    kept = frame.join(before, on="t", suffix="_before")
    assert kept.height == before.height
    # The same samples, each on its chart's value grid: within a step of either.
    assert (kept["A"] - kept["A_before"]).abs().max() < 1e-3
    assert not at.exception


def test_app_small_window_shows_the_newest_samples(at):
    at.select_slider(key="window").set_value(1_000).run()
    at.select_slider(key="window").set_value(100).run()
    frame = chart_frame(at)
    assert frame.height == 100
    # The chart's times are whole milliseconds (after its base), at 0.5 s a sample.
    newest = at.session_state.feed.ring.last_time / 10**6
    assert abs(frame["t"].dt.epoch("us").max() / 1e3 - newest) <= 0.5  # to the whole ms


def test_app_big_window_sends_at_most_four_points_per_pixel_column(monkeypatch):
    monkeypatch.setenv("FEED_WINDOW", "100000")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert len(at.session_state.feed.ring) >= 100_000  # the first load fills the window
    width = at.number_input(key="width_px").value
    frame = chart_frame(at)
    points = sum(frame[name].is_not_null().sum() for name in ("A", "B"))
    assert 0 < points <= 4 * width * 2


def test_app_draws_a_chart_without_interaction_when_the_operator_says_so(monkeypatch):
    monkeypatch.setenv("FEED_INTERACTIVE", "0")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    (chart,) = at.get("vega_lite_chart")
    assert "zoom" not in chart.proto.spec and "nearest" not in chart.proto.spec
    assert list(chart.proto.selection_mode) == []


def test_app_shows_the_last_tick_cost(at):
    (readout,) = [m.value for m in at.sidebar.markdown if m.value.startswith("Last tick:")]
    first_line = readout.splitlines()[0].strip()
    assert first_line.endswith(" ms")
    assert float(first_line.removeprefix("Last tick:").removesuffix("ms")) >= 0
    assert len(at.main.caption) == 0  # a healthy tick sends nothing beside the chart


def test_app_failing_source_shows_an_error_and_keeps_the_chart():
    source = FlakySource(ConnectionError("sensor unplugged"), seed=3)
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state.feed = Feed(source)
    at.run()
    before = chart_frame(at)

    source.failing = True
    at.run()
    assert not at.exception
    (error,) = at.error
    assert "ConnectionError: sensor unplugged" in error.value
    during = chart_frame(at)
    assert during.equals(before)  # nothing buffered was lost

    source.failing = False
    at.run()
    assert len(at.error) == 0
    after = chart_frame(at)
    assert after.height == 100
    assert after["t"].max() >= before["t"].max()
    assert np.all(np.diff(after["t"].dt.epoch("ns").to_numpy()) > 0)


def test_app_sessions_viewing_the_same_source_share_one_feed():
    first = AppTest.from_file(APP, default_timeout=30).run()
    second = AppTest.from_file(APP, default_timeout=30).run()
    assert first.session_state.feed is second.session_state.feed
    second.select_slider(key="window").set_value(1_000).run()
    assert first.select_slider(key="window").value == 100  # settings stay per session


def test_app_readout_shows_tick_figures_in_the_sidebar(at):
    at.run()
    text = " ".join(m.value for m in at.sidebar.markdown)
    assert "ticks/s" in text
    assert "ms median" in text
    assert "200 points" in text  # 100 samples x 2 series


def test_app_offers_the_window_as_csv_and_parquet(at):
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download window as CSV", "Download window as Parquet"]


# --- the sources the operator opened ------------------------------------------------------


def test_app_offers_only_the_synthetic_source_by_default(at):
    assert at.selectbox(key="source").options == ["synthetic"]
    assert len(at.text_input) == 0  # nothing to type a path, a URL or a stream into
    assert at.session_state.feed_config.kind == "synthetic"


def test_app_system_source_charts_cpu_and_memory(monkeypatch):
    monkeypatch.setenv("FEED_SOURCES", "demo=synthetic host=system")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert at.selectbox(key="source").options == ["demo", "host"]
    at.selectbox(key="source").set_value("host").run()
    assert not at.exception
    frame = chart_frame(at)
    assert frame.columns[:2] == ["t", "cpu"]
    assert frame.columns[-1] == "memory"
    assert frame.height >= 1


def test_app_synthetic_source_starts_at_its_entry_series(monkeypatch):
    monkeypatch.setenv("FEED_SOURCES", "two=synthetic eight=synthetic:8")
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.selectbox(key="source").set_value("eight").run()
    assert chart_frame(at).columns == ["t", *"ABCDEFGH"]


def test_app_file_source_charts_the_file_and_shows_its_status(tmp_path, monkeypatch):
    path = tmp_path / "measurements.csv"
    path.write_text("t,pressure\n" + "".join(f"{1764000000 + i},{i}.5\n" for i in range(30)))
    monkeypatch.setenv("FEED_SOURCES", f"lab=file:{path}")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.selectbox(key="source").options == ["lab"]
    frame = chart_frame(at)
    assert frame.columns == ["t", "pressure"]
    assert frame.height == 30
    readout = " ".join(m.value for m in at.sidebar.markdown)
    assert "measurements.csv" in readout  # the file source's status line


def test_app_file_source_waits_for_its_file_to_appear(tmp_path, monkeypatch):
    path = tmp_path / "nothing-yet.csv"
    monkeypatch.setenv("FEED_SOURCES", f"lab=file:{path}")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert len(at.error) == 0
    (info,) = at.info
    assert info.value == (
        "Waiting for the file 'nothing-yet.csv' to appear: the source 'lab' starts once it "
        "has its first line."
    )
    path.write_text("t,pressure\n1764000000,1.5\n")
    at.run()  # in the browser, the waiting page reruns itself every 2 s
    assert len(at.info) == 0
    assert chart_frame(at).columns == ["t", "pressure"]


def test_app_file_source_that_cannot_start_says_why(tmp_path, monkeypatch):
    path = tmp_path / "no-time.csv"
    path.write_text("x,y\n1,2\n")
    monkeypatch.setenv("FEED_SOURCES", f"lab=file:{path}")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("The source 'lab' cannot start: `time_column` 't' must be")
    assert "pass " not in error.value


def test_app_redis_source_shows_the_stream_and_an_outage(tmp_path, monkeypatch):
    from feed.produce import main as produce
    from tests.redis_server import redis_server

    with redis_server(tmp_path / "redis") as server:
        produce(["--redis", server.url, "--stream", "lab", "--count", "40", "--interval", "0.001"])
        monkeypatch.setenv("FEED_SOURCES", f"plant=redis:{server.url}#lab")
        at = AppTest.from_file(APP, default_timeout=30).run()
        assert not at.exception
        frame = chart_frame(at)
        assert frame.columns == ["t", "A", "B"]
        assert frame.height == 40
        assert "stream 'lab'" in " ".join(m.value for m in at.sidebar.markdown)

        server.stop()
        at.run()
        assert not at.exception
        assert chart_frame(at).equals(frame)  # the buffered window stays
        assert any("cannot reach Redis" in e.value or "not answered" in e.value for e in at.error)
