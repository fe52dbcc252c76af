"""The M4 kernel benchmark runs and reports both kernels (no timing assertions)."""

from __future__ import annotations

import math

from benchmarks import bench_downsample


def test_bench_downsample_measures_both_kernels():
    result = bench_downsample.measure(20_000, 100, repeats=2, nan=True)
    assert set(result) == {"tsdownsample", "numpy"}
    assert all(math.isfinite(ms) and ms > 0 for ms in result.values())
