"""The soak benchmark: a tiny real run reports every configuration (structure only, never
timings), and its growth figures come from the samples taken after warm-up."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path

import pytest

from benchmarks import bench_soak


def test_slope_of_a_line_and_of_too_few_points():
    xs = [0.0, 10.0, 20.0, 30.0]
    assert bench_soak.slope(xs, [5.0 + 0.5 * x for x in xs]) == pytest.approx(0.5)
    assert bench_soak.slope(xs, [7.0] * 4) == 0.0
    assert math.isnan(bench_soak.slope([1.0], [2.0]))
    assert math.isnan(bench_soak.slope([3.0, 3.0], [1.0, 2.0]))


def test_floor_slope_ignores_a_sawtooth_and_follows_a_rising_floor():
    ts = [float(t) for t in range(0, 300, 10)]
    saw = [20.0 + (t % 60) / 10 for t in ts]  # climbs 5 MB, drops back, every minute
    assert bench_soak.slope(ts, saw) != 0.0
    assert bench_soak.floor_slope(ts, saw, 60.0) == pytest.approx(0.0)
    rising = [y + 0.01 * t for y, t in zip(saw, ts, strict=True)]
    assert bench_soak.floor_slope(ts, rising, 60.0) == pytest.approx(0.01)


def test_achieved_pct():
    assert bench_soak.achieved_pct(95, 10.0, 0.1) == pytest.approx(95.0)
    assert math.isnan(bench_soak.achieved_pct(5, 0.0, 0.1))


def test_full_plan_warms_up_for_a_minute_or_a_tenth():
    assert bench_soak.full_plan(10, 0.1).warmup_s == 60.0
    assert bench_soak.full_plan(10, 0.1).duration_s == 600.0
    assert bench_soak.full_plan(5, 0.2).warmup_s == 30.0


TINY = bench_soak.Plan(duration_s=6.0, sample_s=2.0, warmup_s=2.0, floor_window_s=2.0)


@pytest.mark.browser
def test_soak_smoke_reports_both_gc_handlings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr(bench_soak, "QUICK", TINY)
    assert bench_soak.main(["--quick", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "soak.json").read_text())
    assert results["mode"] == "quick" and results["concurrent"] is True
    configs = results["configs"]
    assert [c["config"] for c in configs] == list(bench_soak.SOAK_CONFIGS)
    for c in configs:
        assert c["page_errors"] == 0, c["config"]
        assert c["ticks"] > 0 and c["achieved_pct"] > 0, c["config"]
        assert len(c["samples"]) >= 3, c["config"]  # at 0, 2, 4 and 6 s
        times = [s["t_s"] for s in c["samples"]]
        assert times == sorted(times)
        for key in ("server_rss_mb", "js_heap_mb", "js_heap_raw_mb"):
            figures = c[key]
            assert figures["start"] > 0 and figures["end"] > 0, (c["config"], key)
            assert math.isfinite(figures["growth_after_warmup_per_10min"]), (c["config"], key)
        assert math.isfinite(c["js_heap_mb"]["floor_growth_after_warmup_per_10min"])
        assert all(s["page_timing_entries"] >= 0 for s in c["samples"])
    report = (tmp_path / "SOAK.md").read_text()
    assert "## Results" in report and "feed-without-memory-policy" in report
    assert any(tmp_path.glob("soak.*")) and (tmp_path / "soak.svg").exists()


def test_from_json_recomputes_the_floor_and_rewrites_the_report(tmp_path: Path):
    samples = [
        {"t_s": t, "streaming_s": t, "ticks": 10 * t, "server_rss_mb": 140.0, "server_cpu_s": t,
         "js_heap_mb": 20.0 + (t % 60) / 10 + t / 600, "js_heap_raw_mb": 30.0,
         "page_timing_entries": 50}
        for t in map(float, range(0, 600, 10))
    ]  # fmt: skip
    figures = {"start": 1.0, "after_warmup": 1.0, "end": 1.0, "max": 1.0,
               "growth_after_warmup_per_10min": 0.0, "end_minus_after_warmup": 0.0}  # fmt: skip
    config = {"config": "feed", "app": "app.py", "gc": "x", "options": {}, "rss_ready_mb": 140.0,
              "ticks": 5990, "streaming_s": 590.0, "achieved_pct": 100.0,
              "achieved_after_warmup_pct": 100.0, "server_cpu_ms_per_tick_after_warmup": 3.0,
              "page_errors": 0, "page_timing_entries": {"end": 50, "max": 50},
              "server_rss_mb": dict(figures), "js_heap_raw_mb": dict(figures),
              "js_heap_mb": {**figures, "floor_growth_after_warmup_per_10min": 99.0},
              "samples": samples}  # fmt: skip
    plan = {**asdict(bench_soak.Plan()), "floor_window_s": 60.0}
    saved = {"mode": "full", "date": "2026-01-01", "plan": plan, "concurrent": True,
             "machine": {"cpu": "cpu", "logical_cores": 2, "ram_gb": 1, "load_average": [0]},
             "versions": {"python": "3", "streamlit": "1", "polars": "1", "chromium": "c"},
             "configs": [config]}  # fmt: skip
    path = tmp_path / "soak.json"
    path.write_text(json.dumps(saved))
    assert bench_soak.main(["--from-json", str(path)]) == 0
    rewritten = json.loads(path.read_text())
    floor = rewritten["configs"][0]["js_heap_mb"]["floor_growth_after_warmup_per_10min"]
    assert floor == pytest.approx(1.0, abs=0.05)  # the sawtooth's lows rise 1 MB per 10 min
    assert rewritten["plan"]["floor_window_s"] == bench_soak.FLOOR_WINDOW_S
    assert "**+1.0" in (tmp_path / "SOAK.md").read_text()
