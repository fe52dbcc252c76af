"""The benchmark suite: its baseline is the tutorial's logic, and both benchmarks still run.

The smoke runs assert structure only (every path and configuration reported, figures finite,
files written), never timings: a shared machine makes timed assertions flaky.
"""

from __future__ import annotations

import ast
import json
import math
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from benchmarks import __main__ as cli
from benchmarks import baseline, bench_e2e, bench_tick
from benchmarks.paths import PATHS

ROOT = Path(__file__).resolve().parent.parent

# The tutorial's code, verbatim from its "Complete code" (imports left out: the test binds
# `datetime` to a fake clock and `st` to a recorder).
TUTORIAL = '''
def get_recent_data(last_timestamp):
    """Generate and return data from last timestamp to now, at most 60 seconds."""
    now = datetime.now()
    if now - last_timestamp > timedelta(seconds=60):
        last_timestamp = now - timedelta(seconds=60)
    sample_time = timedelta(seconds=0.5)  # time between data points
    next_timestamp = last_timestamp + sample_time
    timestamps = np.arange(next_timestamp, now, sample_time)
    sample_values = np.random.randn(len(timestamps), 2)
    data = pd.DataFrame(sample_values, index=timestamps, columns=["A", "B"])
    return data

if "data" not in st.session_state:
    st.session_state.data = get_recent_data(datetime.now() - timedelta(seconds=60))
if "stream" not in st.session_state:
    st.session_state.stream = False

def toggle_streaming():
    st.session_state.stream = not st.session_state.stream

st.title("Data feed")
st.sidebar.slider(
    "Check for updates every: (seconds)", 0.5, 5.0, value=1.0, key="run_every"
)
st.sidebar.button(
    "Start streaming", disabled=st.session_state.stream, on_click=toggle_streaming
)
st.sidebar.button(
    "Stop streaming", disabled=not st.session_state.stream, on_click=toggle_streaming
)

if st.session_state.stream is True:
    run_every = st.session_state.run_every
else:
    run_every = None

@st.fragment(run_every=run_every)
def show_latest_data():
    last_timestamp = st.session_state.data.index[-1]
    st.session_state.data = pd.concat(
        [st.session_state.data, get_recent_data(last_timestamp)]
    )
    st.session_state.data = st.session_state.data[-100:]
    st.line_chart(st.session_state.data)

show_latest_data()
'''

START = datetime(2025, 1, 1, 12, 0, 0)


class _State(dict):
    """``st.session_state``'s two faces: ``"data" in state`` and ``state.data``."""

    __getattr__ = dict.__getitem__
    __setattr__ = dict.__setitem__


class Tutorial:
    """The verbatim tutorial, run against a fake clock and a fake ``st`` that records charts."""

    def __init__(self, seed: int) -> None:
        self.clock = [START]
        self.charts: list[pd.DataFrame] = []
        st = SimpleNamespace(
            session_state=_State(),
            title=lambda *a, **k: None,
            sidebar=SimpleNamespace(slider=lambda *a, **k: 1.0, button=lambda *a, **k: False),
            fragment=lambda run_every: lambda func: func,
            line_chart=self.charts.append,
        )
        fake_datetime = SimpleNamespace(now=lambda: self.clock[0])
        self.ns: dict[str, Any] = {
            "st": st, "pd": pd, "np": np, "timedelta": timedelta, "datetime": fake_datetime,
        }  # fmt: skip
        np.random.seed(seed)
        exec(TUTORIAL, self.ns)  # first load: backfill 60 s, draw once

    @property
    def data(self) -> pd.DataFrame:
        return self.ns["st"].session_state.data

    def tick(self, advance_s: float) -> None:
        self.clock[0] += timedelta(seconds=advance_s)
        self.ns["show_latest_data"]()


class Baseline:
    """``benchmarks.baseline`` driven exactly as the tutorial drives its code."""

    def __init__(self, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = START
        self.charts: list[pd.DataFrame] = []
        monkeypatch.setattr(baseline.st, "line_chart", self.charts.append)
        np.random.seed(seed)
        self.state = SimpleNamespace(
            data=baseline.get_recent_data(self.now - timedelta(seconds=60), self.now)
        )
        baseline.show_latest_data(self.state, self.now)

    def tick(self, advance_s: float) -> None:
        self.now += timedelta(seconds=advance_s)
        baseline.show_latest_data(self.state, self.now)


def _assert_same_run(advances: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    """Both draw from NumPy's global generator, so one runs to the end before the other."""
    tutorial = Tutorial(seed=7)
    windows = []
    for advance in advances:
        tutorial.tick(advance)
        windows.append(tutorial.data)
    ours = Baseline(seed=7, monkeypatch=monkeypatch)
    for advance, expected in zip(advances, windows, strict=True):
        ours.tick(advance)
        pd.testing.assert_frame_equal(ours.state.data, expected)
    assert len(ours.charts) == len(tutorial.charts)
    for drawn, expected in zip(ours.charts, tutorial.charts, strict=True):
        pd.testing.assert_frame_equal(drawn, expected)


def test_baseline_matches_tutorial_window_after_many_ticks(monkeypatch: pytest.MonkeyPatch):
    _assert_same_run([0.5, 1.0, 0.7, 3.2, 1.0] * 10, monkeypatch)


def test_baseline_keeps_tutorial_shape(monkeypatch: pytest.MonkeyPatch):
    ours = Baseline(seed=3, monkeypatch=monkeypatch)
    for _ in range(30):
        ours.tick(1.0)
    data = ours.state.data
    assert data.shape == (100, 2)
    assert list(data.columns) == ["A", "B"]
    assert isinstance(data.index, pd.DatetimeIndex)
    assert data.index.is_monotonic_increasing
    assert (np.diff(data.index.values) == np.timedelta64(500, "ms")).all()


def test_baseline_catch_up_is_bounded_to_60_seconds(monkeypatch: pytest.MonkeyPatch):
    tutorial = Tutorial(seed=5)
    tutorial.tick(90.0)
    ours = Baseline(seed=5, monkeypatch=monkeypatch)
    before = ours.state.data.index[-1]
    ours.tick(90.0)
    pd.testing.assert_frame_equal(ours.state.data, tutorial.data)
    new = ours.state.data.index[ours.state.data.index > before]
    assert new[0] >= pd.Timestamp(ours.now - timedelta(seconds=60))
    assert len(new) <= 120


@settings(max_examples=25, deadline=None)
@given(hst.lists(hst.floats(min_value=0.0, max_value=100.0), min_size=1, max_size=30))
def test_baseline_matches_tutorial_for_any_tick_times(advances: list[float]):
    with pytest.MonkeyPatch.context() as monkeypatch:
        _assert_same_run(advances, monkeypatch)


def _functions(source: str) -> dict[str, str]:
    tree = ast.parse(source)
    return {
        node.name: ast.dump(node) for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
    }


def test_tutorial_app_runs_the_tutorials_code():
    app = _functions((ROOT / "benchmarks" / "apps" / "tutorial_app.py").read_text())
    tutorial = _functions(TUTORIAL)
    for name in ("get_recent_data", "toggle_streaming", "show_latest_data"):
        assert app[name] == tutorial[name], f"{name} differs from the tutorial's"


def test_full_window_is_shaped_like_the_tutorials_frame():
    now = START
    window = baseline.full_window(1_000, ("A", "B"), now)
    recent = baseline.get_recent_data(now - timedelta(seconds=60), now)
    assert window.shape == (1_000, 2)
    assert window.index.dtype == recent.index.dtype
    assert (window.dtypes == recent.dtypes).all()
    assert window.index[-1] < pd.Timestamp(now) <= window.index[-1] + pd.Timedelta("0.5s")


TINY_TICK = bench_tick.Plan(
    rows=(100,), series=(2,), sweep_rows=100, sweep_series=(1, 2, 16), rounds=3, warmup=1,
    min_rounds=1, alone_rows=(100, 1_000),
)  # fmt: skip


def test_inprocess_smoke_reports_every_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr(bench_tick, "QUICK", TINY_TICK)
    assert cli.main(["--quick", "--only", "inprocess", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "latest.json").read_text())
    cells = results["inprocess"]["cells"]
    # the grid's one cell, then the sweep's others (100 x 2 is in both, measured once)
    assert [(c["rows"], c["series"]) for c in cells] == [(100, 2), (100, 1), (100, 16)]
    for cell in cells:
        assert set(cell["median_ms"]) == set(PATHS)
        for path in PATHS:
            assert math.isfinite(cell["median_ms"][path]) and cell["median_ms"][path] > 0
            assert len(cell["samples_ms"][path]) == TINY_TICK.rounds
        assert math.isfinite(cell["ratio_baseline_feed"])
    alone = results["inprocess"]["alone"]
    assert [(c["rows"], c["series"]) for c in alone] == [(100, 2), (1_000, 2)]
    for cell in alone:  # feed and the floor only: no baseline, so no ratio to it
        assert set(cell["median_ms"]) == {"feed", "floor"} and cell["median_ms"]["feed"] > 0
        assert cell["ratio_baseline_feed"] is None
    assert results["versions"]["streamlit"] and results["machine"]["logical_cores"] >= 1
    report = (tmp_path / "REPORT.md").read_text()
    assert "### Feed alone: its tick against the window, 2 series" in report
    assert "## In process" in report and "## Targets" in report
    assert "### 100 rows, 1 to 16 series" in report
    assert any(tmp_path.glob("inprocess_2_series.*"))
    assert not any(tmp_path.glob("inprocess_16_series.*"))  # the sweep has its table only
    checked = {t["target"]: t for t in results["targets"]}
    big = [t for name, t in checked.items() if name.startswith("In process, 1M points")]
    assert big and big[0]["status"] == "not measured"  # no 1M cell in this tiny plan


def test_cells_are_the_grid_then_the_sweep_once_each():
    plan = bench_tick.FULL
    cells = bench_tick.cells(plan)
    assert len(cells) == len(set(cells))
    assert {(1_000_000, 2), (1_000_000, 8), (1_000, 2)} <= set(cells)
    assert {(100_000, s) for s in (1, 2, 4, 8, 16)} <= set(cells)
    assert len(cells) == len(plan.rows) * len(plan.series) + 3


def _run(config: str, interval: float, cpu: float, ws: float = 1e3, pct: float = 100.0,
         page: float = 40.0):  # fmt: skip
    return {"config": config, "interval_s": interval, "server_cpu_ms_per_tick": cpu,
            "ws_bytes_per_tick": ws, "achieved_pct": pct, "ticks": 10, "window_s": 5.0,
            "ticks_per_s": 2.0, "requested_per_s": 1 / interval, "ticks_playwright": 10,
            "browser_task_ms_per_tick": page}  # fmt: skip


def _cell(rows: int, feed_ms: float):
    return {"rows": rows, "series": 2, "median_ms": {"baseline": 30.0, "feed": feed_ms},
            "ratio_baseline_feed": 30.0 / feed_ms}  # fmt: skip


def _find(checked: list[dict[str, Any]], fragment: str) -> dict[str, Any]:
    (target,) = [t for t in checked if fragment in t["target"]]
    return target


def test_big_window_targets_are_met_or_missed_on_the_figures():
    from benchmarks import targets

    runs = [_run("floor", 0.5, 4.0), _run("feed-1M", 0.5, 7.9, ws=140e3),
            _run("feed-1M", 0.1, 7.0, pct=90.0)]  # fmt: skip
    beside = [_cell(1_000, 1.0), _cell(1_000_000, 3.5)]  # the ratio is read on feed alone
    met = targets.check(beside, runs, [_cell(1_000, 1.0), _cell(1_000_000, 2.9)])
    assert _find(met, "1M points x 2 series")["status"] == "met"
    assert _find(met, "at most 3x its tick")["status"] == "met"
    assert _find(met, "window: feed's server CPU")["status"] == "met"
    assert _find(met, "under 150 kB")["status"] == "met"
    assert _find(met, "at 0.5 s, 1M-point window: feed achieves")["status"] == "met"
    assert _find(met, "at 0.1 s, 1M-point window: feed achieves")["status"] == "missed"

    runs = [_run("floor", 0.5, 4.0), _run("feed-1M", 0.5, 8.1, ws=150e3)]
    beside = [_cell(1_000, 1.0), _cell(1_000_000, 5.5)]
    missed = targets.check(beside, runs, [_cell(1_000, 1.0), _cell(1_000_000, 3.2)])
    assert _find(missed, "1M points x 2 series")["status"] == "missed"
    assert _find(missed, "at most 3x its tick")["value"] == pytest.approx(3.2)
    assert (
        "beside the baseline 5.50 / 1.000 ms = 5.50x"
        in _find(missed, "at most 3x its tick")["detail"]
    )
    assert _find(missed, "at most 3x its tick")["status"] == "missed"
    assert _find(missed, "window: feed's server CPU")["status"] == "missed"
    assert _find(missed, "under 150 kB")["status"] == "missed"
    assert _find(missed, "at 0.1 s, 1M-point window: feed achieves")["status"] == "not measured"
    without_alone = targets.check(beside, runs)  # older results: never read beside the baseline
    assert _find(without_alone, "at most 3x its tick")["status"] == "not measured"


TINY_E2E = bench_e2e.Plan(
    intervals=(0.5,),  # feed-1M is measured at 0.5 s and 0.1 s only
    configs=tuple(c.name for c in bench_e2e.CONFIGS if c.window is None),  # the grid: below
    rounds=1,
    warmup_s=0.5,
    window_s=2.0,
)


@pytest.mark.browser
def test_e2e_smoke_reports_every_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr(bench_e2e, "QUICK", TINY_E2E)
    assert cli.main(["--quick", "--only", "e2e", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "latest.json").read_text())
    runs = results["e2e"]["runs"]
    assert {r["config"] for r in runs} == set(TINY_E2E.configs)
    for run in runs:
        assert run["ticks"] > 0, run["config"]
        assert run["page_errors"] == 0, run["config"]
        assert run["server_cpu_ms_per_tick"] > 0 and run["ws_bytes_per_tick"] > 0
        assert run["rss_end_mb"] > 0
        # counted in the page, on its clock; Playwright's count over Python's clock agrees
        # but for the runs at the window's edges
        assert abs(run["ticks"] - run["ticks_playwright"]) <= 2, run["config"]
        assert run["window_s"] == pytest.approx(TINY_E2E.window_s, abs=0.5)
    report = (tmp_path / "REPORT.md").read_text()
    assert "## End to end" in report
    assert "### The page-cost grid" not in report  # no grid cell in this plan
    assert any(tmp_path.glob("e2e_server_cpu.*"))


TINY_GRID = bench_e2e.Plan(
    intervals=(0.5, 0.1),
    configs=(bench_e2e.FLOOR, "feed-w100-s1", bench_e2e.FAST),  # FAST: at 0.1 s only
    rounds=1,
    warmup_s=0.5,
    window_s=2.0,
)


@pytest.mark.browser
def test_e2e_smoke_measures_a_grid_cell_and_the_fast_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.setattr(bench_e2e, "QUICK", TINY_GRID)
    assert cli.main(["--quick", "--only", "e2e", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "latest.json").read_text())
    measured = [(r["config"], r["interval_s"]) for r in results["e2e"]["runs"]]
    assert measured == [("floor", 0.5), ("feed-w100-s1", 0.5), ("floor", 0.1),
                        (bench_e2e.FAST, 0.1)]  # fmt: skip
    for run in results["e2e"]["runs"]:
        assert run["ticks"] > 0 and run["page_errors"] == 0, run["config"]
        assert run["browser_task_ms_per_tick"] > 0, run["config"]
    cell = results["e2e"]["runs"][1]
    assert (cell["window_points"], cell["series"]) == (100, 1)
    assert cell["env"] == {"FEED_WINDOW": "100", "FEED_SERIES": "1"}
    grid = {t["target"]: t for t in results["targets"] if t["target"].startswith("Grid at")}
    assert len(grid) == 4 * len(bench_e2e.GRID) + 1
    measured_targets = [t for name, t in grid.items() if ", 100 x 1 series:" in name]
    assert len(measured_targets) == 4
    assert all(t["status"] in ("met", "missed") for t in measured_targets)
    assert grid[_name(grid, "FEED_SAMPLE_INTERVAL=0.1")]["status"] in ("met", "missed")
    assert grid[_name(grid, "1M x 16 series: at least")]["status"] == "not measured"
    report = (tmp_path / "REPORT.md").read_text()
    table = report.split("### The page-cost grid")[1]
    assert "| 100 | 1 | 0.5 s |" in table
    assert "| 1,000,000 | 2 | 0.1 s (a sample every tick) |" in table
    assert any(tmp_path.glob("e2e_page_grid.*"))


def _name(targets: dict[str, Any], fragment: str) -> str:
    (name,) = [n for n in targets if fragment in n]
    return name
