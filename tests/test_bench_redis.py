"""The Redis benchmark still runs: a quick smoke run, structure only (every scenario and
replica reported, figures finite, files written), never timings."""

from __future__ import annotations

import json
import math

import numpy as np

from benchmarks import bench_redis


def test_bench_redis_quick_run_reports_every_scenario(tmp_path, capsys):
    assert bench_redis.main(["--quick", "--out", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "redis.json").read_text())
    plan = results["plan"]
    assert results["mode"] == "quick"
    assert {"date", "machine", "versions", "git", "duration_s"} <= results.keys()
    assert results["versions"]["redis-server"]

    redis = results["redis"]
    assert len(redis["replicas"]) == plan["replicas"]
    assert redis["replicas_identical"] is True
    assert redis["stream_entries"] > 0
    for replica in redis["replicas"]:
        assert replica["viewers"] == plan["viewers"]
        assert replica["ticks"] > 0
        assert replica["samples"] > 0
        assert replica["status"].startswith("connected to redis://127.0.0.1:")
    single = results["single_process"]
    assert single["viewers"] == plan["replicas"] * plan["viewers"]
    for scenario in (redis, single):
        latency = scenario["latency_ms"]
        assert latency["n"] > 0
        assert all(math.isfinite(latency[k]) for k in ("median", "p95", "p99", "max"))
        assert latency["median"] <= latency["p99"] <= latency["max"]
        assert math.isfinite(scenario["app_cpu_ms_per_viewer_tick"])
    assert math.isfinite(redis["redis_cpu_ms_per_viewer_tick"])

    table = (tmp_path / "REDIS.md").read_text()
    assert "| Redis Streams: 1 producer, 3 replica processes | 3 x 10 |" in table
    assert "| single process, one shared feed (synthetic source) | 30 |" in table
    assert "identical windows" in table
    out = capsys.readouterr().out
    assert "redis: starting 3 replicas x 10 viewers" in out
    assert f"wrote {tmp_path / 'REDIS.md'}" in out


def test_bench_redis_summary_of_nothing_is_nan():
    summary = bench_redis._summary(np.empty(0))
    assert summary["n"] == 0
    assert math.isnan(summary["median"]) and math.isnan(summary["p99"])
