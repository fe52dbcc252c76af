"""The M4 benchmark runs and reports every way it compares (no timing assertions)."""

from __future__ import annotations

import math

from benchmarks import bench_downsample


def test_bench_downsample_measures_every_way():
    result = bench_downsample.measure(20_000, ticks=2, nan=True)
    assert set(result) == set(bench_downsample.WAYS)
    assert all(math.isfinite(ms) and ms > 0 for ms in result.values())
