"""The page-cost grid: its configurations and plan, the page's tick count, its targets on
made-up figures (met, missed, not measured), and its table in the report."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks import bench_e2e, report, targets
from benchmarks.bench_e2e import FAST, FLOOR, GRID
from benchmarks.paths import altair_line_chart
from feed import Feed, SyntheticSource
from feed.chart.layers import AXES, PARTS, VALUE_GRID
from tests.sent import decoded

# -- configurations and plans


def test_grid_names_each_cell_and_opens_app_on_its_window_and_series():
    names = [c.name for c in GRID]
    assert names[:4] == ["feed-w100-s1", "feed-w100-s2", "feed-w100-s8", "feed-w100-s16"]
    assert names[-1] == "feed-w1M-s16" and "feed-w10k-s8" in names
    assert len(set(names)) == 12
    cell = next(c for c in GRID if c.name == "feed-w10k-s8")
    assert cell.app.name == "app.py" and (cell.window, cell.series) == (10_000, 8)
    assert cell.env == {"FEED_WINDOW": "10000", "FEED_SERIES": "8"}
    assert cell.intervals == (0.5,)


def test_fast_source_is_1m_by_2_with_a_sample_every_tick_at_0_1_s():
    fast = bench_e2e.by_name()[FAST]
    assert fast.intervals == (0.1,)
    assert fast.env == {"FEED_WINDOW": "1000000", "FEED_SERIES": "2", "FEED_SAMPLE_INTERVAL": "0.1"}


def test_full_plan_measures_the_grid_at_0_5_s_twice_with_the_floor():
    measured = bench_e2e.measurements(bench_e2e.FULL)
    assert bench_e2e.FULL.rounds == 2
    for config in GRID:
        at = [(r, i) for r, i, c in measured if c.name == config.name]
        assert sorted(at) == [(0, 0.5), (1, 0.5)], config.name
    assert sorted((r, i) for r, i, c in measured if c.name == FAST) == [(0, 0.1), (1, 0.1)]
    assert {(r, i) for r, i, c in measured if c.name == FLOOR} >= {(0, 0.5), (1, 0.5), (0, 0.1)}
    assert {"feed", "feed-1M", "tutorial-as-shipped"} <= {c.name for _, _, c in measured}
    assert 15 * 60 < bench_e2e.estimated_s(bench_e2e.FULL) < 45 * 60


def test_quick_plan_is_one_tiny_cell_and_the_floor_beside_the_old_ones():
    quick = bench_e2e.QUICK
    cells = [n for n in quick.configs if bench_e2e.by_name()[n].window]
    assert cells == ["feed-w100-s1"] and FLOOR in quick.configs
    assert len(bench_e2e.measurements(quick)) <= 6
    assert bench_e2e.estimated_s(quick) < 2 * 60


def test_a_grid_without_the_floor_is_refused():
    plan = bench_e2e.Plan(intervals=(0.5,), configs=("feed-w100-s1",), rounds=1)
    with pytest.raises(ValueError, match=r"`configs` must include 'floor' with a grid cell"):
        bench_e2e.measurements(plan)
    with pytest.raises(ValueError, match=r"`configs` must be among .*got unknown \['feed-w5-s3'\]"):
        bench_e2e.measurements(bench_e2e.Plan(configs=("floor", "feed-w5-s3")))


def test_short_names_windows():
    assert [bench_e2e.short(n) for n in (100, 10_000, 1_000_000, 1_500)] == [
        "100", "10k", "1M", "1500",
    ]  # fmt: skip


# -- counting ticks in the page


def _msg(status: int | None = None, delta: bool = False) -> bytes:
    msg = ForwardMsg()
    if status is not None:
        msg.script_finished = status
    if delta:
        msg.delta.new_element.markdown.body = "x" * 100
    return msg.SerializeToString()


def _noted(t_ms: float, data: bytes, size: int | None = None) -> list[Any]:
    """A message as ``PAGE_FRAMES`` notes it: its bytes only when small."""
    small = base64.b64encode(data).decode() if len(data) <= bench_e2e.SMALL_FRAME else None
    return [t_ms, size or len(data), small]


def test_page_window_counts_run_ends_by_kind_and_every_byte():
    fragment = _msg(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
    received = [
        _noted(1.0, _msg(delta=True)),
        _noted(2.0, b"\0" * 850_000),  # a chart message: counted, never read
        _noted(3.0, fragment),
        _noted(4.0, fragment),
        _noted(5.0, _msg(ForwardMsg.FINISHED_EARLY_FOR_RERUN)),
        _noted(6.0, _msg(ForwardMsg.FINISHED_SUCCESSFULLY)),
    ]
    counted = bench_e2e.page_window(received, [[2.5, 54], [3.5, 60]])
    assert counted == {
        "bytes_received": sum(n for _, n, _ in received),
        "frames_received": 6,
        "bytes_sent": 114,
        "frames_sent": 2,
        "fragment_runs_completed": 2,
        "runs_cut_short": 1,
        "full_runs_completed": 1,
    }
    assert bench_e2e.page_window([]) == dict.fromkeys(counted, 0)


def test_playwright_log_reads_only_small_frames():
    log = bench_e2e.FrameLog()
    log._on_received(_msg(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY))
    log._on_received(b"\x00" * (bench_e2e.SMALL_FRAME + 1))
    assert [kind for _, _, kind in log.received] == ["fragment", ""]
    counted = log.between(0.0, time.monotonic() + 1)
    assert counted["fragment_runs_completed"] == 1 and counted["frames_received"] == 2


def test_totals_take_ticks_and_time_from_the_page_and_keep_playwrights_count():
    snap = {"server_cpu_s": 1.0, "server_rss": 2**20, "task_duration_s": 1.0,
            "script_duration_s": 0.5, "chromium_cpu_s": {1: 1.0}}  # fmt: skip
    window = {
        "before": {**snap, "t": 100.0, "page_ms": 5_000.0},
        "after": {**snap, "t": 112.3, "page_ms": 17_000.0, "server_cpu_s": 1.12},
        "page_frames": {
            "bytes_received": 900,
            "frames_received": 30,
            "bytes_sent": 40,
            "frames_sent": 24,
            "fragment_runs_completed": 24,
            "runs_cut_short": 0,
            "full_runs_completed": 0,
        },
        "frames": {
            "bytes_received": 1_000,
            "frames_received": 31,
            "bytes_sent": 50,
            "frames_sent": 24,
            "fragment_runs_completed": 22,
            "runs_cut_short": 0,
            "full_runs_completed": 0,
        },
        "page_errors": 0,
    }
    totals = bench_e2e.totals(window, 2**20)
    assert totals["seconds"] == pytest.approx(12.0)
    assert totals["python_seconds"] == pytest.approx(12.3)
    assert (totals["ticks"], totals["ticks_playwright"]) == (24, 22)
    assert (totals["bytes_received"], totals["bytes_sent"]) == (900, 40)  # the page's
    config = bench_e2e.by_name()["feed-w100-s1"]
    figures = bench_e2e.figures(config, 0.5, [totals, totals])
    assert figures["achieved_pct"] == pytest.approx(100.0)
    assert figures["ticks_playwright"] == 44
    assert figures["server_cpu_ms_per_tick"] == pytest.approx(2 * 120 / 48)


# -- targets on made-up figures


def _run(config: str, interval: float = 0.5, cpu: float = 9.0, page: float = 100.0,
         kb: float = 250.0, pct: float = 100.0) -> dict[str, Any]:  # fmt: skip
    ticks = round(pct / 10)
    return {"config": config, "interval_s": interval, "server_cpu_ms_per_tick": cpu,
            "browser_task_ms_per_tick": page, "ws_bytes_per_tick": kb * 1e3,
            "achieved_pct": pct, "ticks": ticks, "ticks_playwright": ticks, "window_s": 5.0,
            "ticks_per_s": ticks / 5.0, "requested_per_s": 1 / interval}  # fmt: skip


def _grid_runs(**figures: Any) -> list[dict[str, Any]]:
    """The floor (5 ms server, 40 ms page per tick) and every cell with ``figures``; a
    figure given as a dict is by series count."""
    fast_pct = figures.pop("fast_pct", 97.0)
    runs = [_run(FLOOR, cpu=5.0, page=40.0), _run(FLOOR, 0.1, cpu=4.0, page=30.0)]
    for config in GRID:
        mine = {k: v[config.series] if isinstance(v, dict) else v for k, v in figures.items()}
        runs.append(_run(config.name, **mine))
    return [*runs, _run(FAST, 0.1, pct=fast_pct)]


def _by_target(checked: list[dict[str, Any]], fragment: str) -> list[dict[str, Any]]:
    found = [t for t in checked if fragment in t["target"]]
    assert found, fragment
    return found


def test_grid_targets_met_and_8_series_reported_without_target():
    page = {1: 110.0, 2: 119.0, 8: 400.0, 16: 239.0}  # 2.75x, 2.98x, 10x, 5.98x the floor's
    checked = targets.grid(_grid_runs(cpu=9.9, page=page, kb=300.0, pct=95.0))
    assert len(checked) == 4 * 12 + 1
    statuses = {t["target"]: t["status"] for t in checked}
    eight = [name for name in statuses if "x 8 series: page main-thread" in name]
    assert len(eight) == 3 and all(statuses[name] == "no target" for name in eight)
    assert {statuses[n] for n in statuses if n not in eight} == {"met"}
    (big,) = _by_target(checked, "1M x 16 series: server CPU")
    assert big["value"] == pytest.approx(9.9 / 5.0)
    assert big["detail"] == "feed-w1M-s16 9.90 ms / floor 5.00 ms per tick"
    (page8,) = _by_target(checked, "1M x 8 series: page main-thread")
    assert page8["value"] == pytest.approx(10.0)
    assert "page main thread 400.0 ms / floor 40.0 ms per tick" in page8["detail"]
    (fast,) = _by_target(checked, "FEED_SAMPLE_INTERVAL=0.1")
    assert fast["status"] == "met" and fast["target"].startswith("Grid at 0.1 s, 1M x 2 series")


def test_grid_targets_missed_just_past_each_bound():
    page = {1: 121.0, 2: 121.0, 8: 121.0, 16: 241.0}  # 3.03x, 3.03x, -, 6.03x the floor's
    checked = targets.grid(_grid_runs(cpu=10.1, page=page, kb=301.0, pct=94.0, fast_pct=90.0))
    for fragment in ("series: at least 95%", "series: server CPU", "series: websocket bytes",
                     "x 1 series: page", "x 2 series: page", "x 16 series: page",
                     "FEED_SAMPLE_INTERVAL"):  # fmt: skip
        assert {t["status"] for t in _by_target(checked, fragment)} == {"missed"}, fragment
    assert {t["status"] for t in _by_target(checked, "x 8 series: page")} == {"no target"}
    (ticks,) = _by_target(checked, "10k x 2 series: at least")
    assert ticks["value"] == 94.0
    assert ticks["detail"] == "9 ticks in 5.0 s = 1.80/s of 2/s requested (Playwright counted 9)"


def test_grid_targets_not_measured_without_the_cell_or_the_floor():
    runs = [r for r in _grid_runs() if r["config"] not in (FLOOR, "feed-w1M-s16", FAST)]
    checked = targets.grid(runs)
    cell = _by_target(checked, "1M x 16 series")
    assert {t["status"] for t in cell} == {"not measured"}
    assert {t["detail"] for t in cell} == {"feed-w1M-s16 at 0.5 s not measured"}
    # without the floor, the ratios are not measured; ticks and bytes still are
    (server,) = _by_target(checked, "100 x 2 series: server CPU")
    assert (server["status"], server["detail"]) == ("not measured", "floor at 0.5 s not measured")
    assert _by_target(checked, "100 x 2 series: page main")[0]["status"] == "not measured"
    assert _by_target(checked, "100 x 2 series: at least")[0]["status"] == "met"
    assert _by_target(checked, "100 x 2 series: websocket")[0]["status"] == "met"
    (fast,) = _by_target(checked, "FEED_SAMPLE_INTERVAL")
    assert (fast["status"], fast["detail"]) == ("not measured", f"{FAST} at 0.1 s not measured")


def test_grid_targets_are_part_of_every_check_and_old_ones_stay():
    checked = targets.check([], _grid_runs())
    names = [t["target"] for t in checked]
    assert sum(name.startswith("Grid at") for name in names) == 49
    assert any("under 150 kB" in name for name in names)  # feed-1M's target stays


# -- the report


def _e2e(config: str, interval: float, **figures: Any) -> dict[str, Any]:
    """A run as ``bench_e2e.figures`` makes it, with made-up figures."""
    named = bench_e2e.by_name()[config]
    run = {"config": config, "interval_s": interval, "window_points": named.window,
           "series": named.series, "server_cpu_ms_per_tick": 5.0,
           "server_cpu_ms_per_tick_by_round": [5.0], "ws_bytes_per_tick": 1e3, "ticks": 10,
           "ticks_playwright": 10, "window_s": 5.0,
        "ticks_per_s": 2.0, "requested_per_s": 1 / interval,
           "achieved_pct": 100.0, "runs_cut_short": 0, "browser_task_ms_per_tick": 40.0,
           "chromium_cpu_ms_per_tick": 60.0, "rss_ready_mb": 50.0, "rss_start_mb": 100.0,
           "rss_end_mb": 100.0}  # fmt: skip
    return {**run, **figures}


def _results(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "mode": "full",
        "date": "2026-11-30T12:00:00+00:00",
        "duration_s": 600.0,
        "machine": {
            "cpu": "cpu",
            "logical_cores": 2,
            "ram_gb": 8,
            "platform": "Linux",
            "load_average": [1.0, 1.0, 1.0],
        },
        "versions": dict.fromkeys(
            ("python", "streamlit", "polars", "altair", "numpy", "pandas", "pyarrow", "chromium"),
            "1",
        ),
        "e2e": {"plan": {"warmup_s": 3.0, "window_s": 12.0, "rounds": 2}, "runs": runs},
        "targets": targets.check([], runs),
    }


def test_report_shows_the_grid_with_ratios_to_the_floor(tmp_path: Path):
    runs = [
        _e2e(FLOOR, 0.5, server_cpu_ms_per_tick=5.0, browser_task_ms_per_tick=40.0),
        _e2e(
            "feed-w1M-s16",
            0.5,
            achieved_pct=54.0,
            server_cpu_ms_per_tick=9.0,
            browser_task_ms_per_tick=230.0,
            ws_bytes_per_tick=850e3,
        ),
        _e2e(
            "feed-w100-s2",
            0.5,
            server_cpu_ms_per_tick=6.0,
            browser_task_ms_per_tick=50.0,
            ws_bytes_per_tick=11.8e3,
        ),
        _e2e(FLOOR, 0.1, server_cpu_ms_per_tick=4.0, browser_task_ms_per_tick=30.0),
        _e2e(
            FAST,
            0.1,
            achieved_pct=97.0,
            server_cpu_ms_per_tick=6.0,
            browser_task_ms_per_tick=90.0,
            ws_bytes_per_tick=120e3,
        ),
    ]
    written = report.write(_results(runs), tmp_path)
    assert tmp_path / "e2e_page_grid.svg" in written
    text = (tmp_path / "REPORT.md").read_text()
    grid = text.split("### The page-cost grid")[1].split("\n## ")[0]
    header = ("| window | series | every | ticks | server ms/tick | server / floor | "
              "page ms/tick | page / floor | kB/tick |")  # fmt: skip
    assert header in grid
    rows = [line for line in grid.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[1:] == [  # by window, then series; the fast source last
        "| 100 | 2 | 0.5 s | 100% | 6.00 | 1.20x | 50.0 | 1.25x | 11.8 |",
        "| 1,000,000 | 16 | 0.5 s | 54% | 9.00 | 1.80x | 230.0 | 5.75x | 850.0 |",
        "| 1,000,000 | 2 | 0.1 s (a sample every tick) | 97% | 6.00 | 1.50x | 90.0 | 3.00x "
        "| 120.0 |",
    ]
    assert "![Page main thread per tick by window and series](e2e_page_grid.svg)" in grid
    assert "| Grid at 0.5 s, 1M x 16 series: page main-thread time per tick at most 6x" in text


def test_report_grid_says_n_a_without_the_floor(tmp_path: Path):
    runs = [_e2e("feed-w10k-s8", 0.5, browser_task_ms_per_tick=70.0)]
    text = report.markdown(_results(runs), {})
    assert "| 10,000 | 8 | 0.5 s | 100% | 5.00 | n/a | 70.0 | n/a | 1.0 |" in text


# -- the altair-per-tick path's chart


def test_altair_path_chart_is_layered_over_feeds_datasets():
    feed = Feed(SyntheticSource(("A", "B"), seed=1, backfill=600.0), capacity=1_000)
    feed.update(time.time_ns())
    sent = feed.chart_data(800)
    frames = decoded(sent.datasets)
    spec = altair_line_chart(frames, ("A", "B")).to_dict()
    assert len(spec["layer"]) == len(PARTS)
    axes = frames[AXES].row(0, named=True)
    for layer in spec["layer"]:
        assert layer["encoding"]["x"]["scale"]["domain"] == [axes["x0"], axes["x1"]]
        assert layer["encoding"]["y"]["scale"]["domain"] == [0, VALUE_GRID]  # the grid's steps
        assert layer["encoding"]["color"]["scale"]["domain"] == ["A", "B"]
    inline = sum(len(values) for values in spec["datasets"].values())
    assert inline == sum(frames[part].height for part in PARTS)  # every point, inline


# -- the tick count's own check (python -m benchmarks.check_ticks)


def test_check_ticks_counts_each_way_in_the_window_and_the_delays():
    from benchmarks import check_ticks

    fragment = _msg(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
    log = bench_e2e.FrameLog()
    log.received = [(9.9, 40, "fragment"), (10.6, 40, "fragment"), (20.2, 40, "fragment")]
    cdp = [(9.8, 9.9, 40, "fragment"), (10.5, 10.6, 40, "fragment"), (10.5, 10.6, 9e5, ""),
           (19.9, 20.2, 40, "fragment")]  # fmt: skip
    server = [9.7, 10.0, 19.0]  # the last one reached the browser only at 19.9
    counted = check_ticks.counts(10.0, 20.0, 10.0, [_noted(1.0, fragment)], log, cdp, server)
    assert (counted["server"], counted["page"], counted["playwright"], counted["cdp"]) == (
        2, 1, 1, 2,
    )  # fmt: skip
    assert counted["delivery_delay_s"]["median"] == pytest.approx(0.5)
    assert counted["delivery_delay_s"]["max"] == pytest.approx(0.9)
    assert counted["python_late_s"]["max"] == pytest.approx(0.3)
    assert counted["biggest_frame_kb"] == pytest.approx(900)
    line = check_ticks.describe(counted, 0.5, "round 1/1")
    assert line.startswith("round 1/1: requested 20; server 2, page 1, Playwright 1, CDP 2")
