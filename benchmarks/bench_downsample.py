"""``python -m benchmarks.bench_downsample``: what M4 costs per tick, three ways.

A live window gains a few samples per tick and loses as many. Per series, on the same seeded
window in the same run, ticks interleaved, medians:

- ``tsdownsample``: the Rust library's M4 over the whole window (its own bin edges, stretched
  over the window): the fastest full pass there is, as a reference;
- ``numpy full pass``: feed's M4 on its fixed time grid, computed from nothing every tick;
- ``grid, remembered``: what feed runs, ``feed.chart.grid_m4.GridM4`` kept from tick to tick, which
  recomputes only the bins that changed.

Writes ``benchmarks/results/DOWNSAMPLE.md`` (``--quick``: under ``results/tmp/quick/``).
"""

from __future__ import annotations

import argparse
import datetime
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from tsdownsample import M4Downsampler

from feed.chart.grid_m4 import GridM4
from feed.window.ring import RingBuffer

RESULTS = Path(__file__).resolve().parent / "results"
EPOCH_NS = 1_800_000_000 * 10**9
STEP_NS = 100_000_000  # a sample every 0.1 s
PER_TICK = 5  # samples a 0.5 s tick adds
COLUMNS = 800
WAYS = ("tsdownsample", "numpy full pass", "grid, remembered")


def measure(rows: int, ticks: int, nan: bool = False) -> dict[str, float]:
    """Median ms per tick of each way, on a full window of ``rows`` samples of one series."""
    rng = np.random.default_rng(rows)
    ring = RingBuffer(rows, 1)
    total = rows + ticks * PER_TICK
    times = EPOCH_NS + np.arange(total, dtype=np.int64) * STEP_NS
    values = rng.standard_normal((total, 1))
    if nan:
        values[rng.random(total) < 0.01] = np.nan
    ring.extend(times[:rows], values[:rows])
    remembered = GridM4(COLUMNS)
    remembered.update(ring.times, ring.values, 0)  # the first pass, untimed

    def full_pass() -> None:
        fresh = GridM4(COLUMNS)
        fresh.bin_ns = remembered.bin_ns
        fresh.update(ring.times, ring.values, ring.written - len(ring))

    ways: dict[str, Callable[[], object]] = {
        "tsdownsample": lambda: M4Downsampler().downsample(
            ring.times, ring.values[0], n_out=4 * COLUMNS
        ),
        "numpy full pass": full_pass,
        "grid, remembered": lambda: remembered.update(
            ring.times, ring.values, ring.written - len(ring)
        ),
    }
    samples: dict[str, list[float]] = {way: [] for way in WAYS}
    for tick in range(ticks):
        new = slice(rows + tick * PER_TICK, rows + (tick + 1) * PER_TICK)
        ring.extend(times[new], values[new])
        for way in WAYS:  # interleaved: noise hits every way alike
            started = time.perf_counter()
            ways[way]()
            samples[way].append((time.perf_counter() - started) * 1e3)
    return {way: statistics.median(ms) for way, ms in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_downsample")
    parser.add_argument("--quick", action="store_true", help="small sizes, few ticks")
    args = parser.parse_args(argv)
    sizes = (10_000, 100_000) if args.quick else (10_000, 100_000, 1_000_000)
    ticks = 5 if args.quick else 41
    lines = [
        "# M4 per tick: a full pass (tsdownsample, NumPy) against feed's remembered grid",
        "",
        f"Measured {datetime.datetime.now(datetime.UTC).isoformat(timespec='seconds')} on "
        f"{platform.processor() or platform.machine()} ({platform.platform()}); median ms per "
        f"series per tick over {ticks} interleaved ticks, each adding {PER_TICK} samples to a "
        f"full window, {COLUMNS} pixel columns. Reproduce: "
        "`.venv/bin/python -m benchmarks.bench_downsample`.",
        "",
        "| samples | data | tsdownsample ms | numpy full pass ms | grid, remembered ms "
        "| tsdownsample / remembered |",
        "|---|---|---|---|---|---|",
    ]
    for rows in sizes:
        for nan in (False, True):
            ms = measure(rows, ticks, nan)
            ratio = ms["tsdownsample"] / ms["grid, remembered"]
            cells = " | ".join(f"{ms[way]:.3f}" for way in WAYS)
            row = f"| {rows:,} | {'1% NaN' if nan else 'no NaN'} | {cells} | {ratio:.0f}x |"
            print(row, flush=True)
            lines.append(row)
    out = RESULTS / ("tmp/quick" if args.quick else "") / "DOWNSAMPLE.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
