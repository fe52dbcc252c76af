"""``python -m benchmarks.bench_downsample``: the two M4 kernels, side by side.

Why ``feed`` uses tsdownsample's kernel: both return the same points (tests check it against
a brute-force reference); this measures what each costs per series, on the same seeded data
in the same run, interleaved, medians. Writes ``benchmarks/results/DOWNSAMPLE.md``.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from feed.downsample import KERNELS, m4_indices

RESULTS = Path(__file__).resolve().parent / "results"
EPOCH_NS = 1_800_000_000 * 10**9
STEP_NS = 500_000_000


def measure(rows: int, columns: int, repeats: int, nan: bool = False) -> dict[str, float]:
    """Median ms per call of each kernel on ``rows`` samples, ``columns`` pixel columns."""
    rng = np.random.default_rng(rows)
    times = EPOCH_NS + np.arange(rows, dtype=np.int64) * STEP_NS
    values = rng.standard_normal(rows)
    if nan:
        values[rng.random(rows) < 0.01] = np.nan
    samples: dict[str, list[float]] = {kernel: [] for kernel in KERNELS}
    for _ in range(repeats):
        for kernel in KERNELS:  # interleaved: noise hits both alike
            started = time.perf_counter()
            m4_indices(times, values, columns, kernel)
            samples[kernel].append((time.perf_counter() - started) * 1e3)
    return {kernel: statistics.median(ms) for kernel, ms in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_downsample")
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    args = parser.parse_args(argv)
    sizes = (10_000, 100_000) if args.quick else (10_000, 100_000, 1_000_000)
    repeats = 5 if args.quick else 31
    lines = [
        "# M4 kernels: tsdownsample against NumPy",
        "",
        f"Measured {datetime.datetime.now(datetime.UTC).isoformat(timespec='seconds')} on "
        f"{platform.processor() or platform.machine()} ({platform.platform()}); median ms per "
        f"series over {repeats} interleaved calls, 800 pixel columns. Reproduce: "
        "`.venv/bin/python -m benchmarks.bench_downsample`.",
        "",
        "| samples | data | tsdownsample ms | numpy ms | numpy / tsdownsample |",
        "|---|---|---|---|---|",
    ]
    for rows in sizes:
        for nan in (False, True):
            result = measure(rows, 800, repeats, nan)
            ratio = result["numpy"] / result["tsdownsample"]
            data = "1% NaN" if nan else "no NaN"
            ts_ms, np_ms = result["tsdownsample"], result["numpy"]
            row = f"| {rows:,} | {data} | {ts_ms:.3f} | {np_ms:.3f} | {ratio:.1f}x |"
            print(row, flush=True)
            lines.append(row)
    out = RESULTS / ("tmp/quick" if args.quick else "") / "DOWNSAMPLE.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
