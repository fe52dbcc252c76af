"""``python -m benchmarks.bench_redis [--quick]``: one feed shared by app replicas through
Redis Streams, beside the single-process shared feed.

Redis: one ``redis-server`` (no persistence), one producer (``python -m feed.produce``,
synthetic source, ``SERIES`` series at ``RATE_HZ``) and ``REPLICAS`` replica processes.
Each replica holds one ``Feed(RedisSource(...))`` set up as the app's shared feed is
(``min_poll_interval`` 0.05 s) and emulates ``VIEWERS`` viewers: one thread per viewer, as
Streamlit runs each session's fragment on its own thread, ticking every 0.5 s (staggered)
with ``feed.refresh()`` then ``feed.chart_data(800 px, last=window)``: a Streamlit tick
minus Streamlit. Baseline: one process, ``Feed(SyntheticSource)`` at the same rate and
series, ``REPLICAS * VIEWERS`` viewers.

Figures, over the measured seconds (after a warm-up):

- end-to-end latency per sample: its arrival in the app process (the wall clock when the
  poll that brought it returned, just before the ring write) minus its ``t``; median, p99;
- app CPU per viewer tick: the replica process's CPU time (all threads: viewers, poller,
  Redis client) divided by its viewer ticks;
- Redis CPU: ``redis-server``'s CPU time per viewer tick (all replicas' ticks) and per
  second; the producer's CPU per second;
- whether the replicas ended with identical windows (each backfills the whole stream at
  start and drains it at the end).

Full results go to ``benchmarks/results/redis.json`` and ``REDIS.md``; ``--quick`` (a few
seconds) writes to ``benchmarks/results/tmp/quick/`` instead.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import psutil

from benchmarks.progress import progress
from benchmarks.server import PROJECT, shown
from feed import Feed, SyntheticSource
from feed.sources.base import Batch, Source
from feed.sources.redis import RedisSource
from feed.ui.catalog import series_names

RESULTS = PROJECT / "benchmarks" / "results"
QUICK_RESULTS = RESULTS / "tmp" / "quick"
STREAM = "bench"
TICK_S = 0.5  # the app's fragment interval per viewer
WIDTH_PX = 800
MIN_POLL_INTERVAL_S = 0.05  # as app.shared_feed
START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Plan:
    """What one run measures."""

    seconds: float  # measured, per scenario
    warmup_s: float
    rate_hz: float = 100.0
    series: int = 8
    replicas: int = 3
    viewers: int = 10  # per replica; the baseline has replicas * viewers
    capacity: int = 100_000  # ring per process
    window: int = 10_000  # each viewer's `last`: 100 s at 100 Hz


FULL = Plan(seconds=25.0, warmup_s=3.0)
QUICK = Plan(seconds=2.0, warmup_s=0.5)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.replica:
        return replica_main(args)
    plan = QUICK if args.quick else FULL
    out = args.out or (QUICK_RESULTS if args.quick else RESULTS)
    results = run(plan, "quick" if args.quick else "full")
    for path in write(results, out):
        progress(f"wrote {shown(path)}")
    return 0


def run(plan: Plan, mode: str) -> dict[str, Any]:
    """Both scenarios, with where and with what they were measured."""
    from benchmarks import machine  # not needed by replica processes

    started = time.monotonic()
    results: dict[str, Any] = {"mode": mode, **machine.describe()}
    results["versions"].update(_redis_versions())
    results["plan"] = dataclasses.asdict(plan)
    results["redis"] = run_redis(plan)
    results["single_process"] = run_single(plan)
    results["duration_s"] = round(time.monotonic() - started, 1)
    return results


def run_redis(plan: Plan) -> dict[str, Any]:
    """1 producer, ``plan.replicas`` replicas, one redis-server: measured together."""
    from tests.redis_server import RedisServer, wait_until

    with tempfile.TemporaryDirectory(prefix="bench-redis-") as tmp:
        server = RedisServer(Path(tmp) / "redis", persist=False)
        server.start()
        producer = replicas = None
        try:
            progress(f"redis: redis-server on port {server.port}; producer at {plan.rate_hz:g} Hz")
            producer = subprocess.Popen(
                [sys.executable, "-m", "feed.produce", "--redis", server.url, "--stream",
                 STREAM, "--source", "synthetic", "--series", str(plan.series),
                 "--interval", str(1 / plan.rate_hz), "--maxlen", str(plan.capacity)],
                cwd=PROJECT, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            with server.client() as client:
                wait_until(lambda: client.exists(STREAM), START_TIMEOUT_S, "the producer")
            progress(f"redis: starting {plan.replicas} replicas x {plan.viewers} viewers")
            replicas = [
                _Replica(plan, Path(tmp) / f"replica{i}.json", "redis", server.url, plan.viewers)
                for i in range(plan.replicas)
            ]
            for replica in replicas:
                replica.wait_ready()
            progress(f"redis: warm-up {plan.warmup_s:g} s, then measuring {plan.seconds:g} s")
            time.sleep(plan.warmup_s)
            watched = {"redis_server": server.process.pid, "producer": producer.pid}
            before = {name: _cpu_s(pid) for name, pid in watched.items()}
            began = time.monotonic()
            for replica in replicas:
                replica.send("start")
            time.sleep(plan.seconds)
            for replica in replicas:
                replica.send("stop")
            elapsed = time.monotonic() - began
            cpu = {name: _cpu_s(pid) - before[name] for name, pid in watched.items()}
            producer.terminate()  # SIGTERM: it stops cleanly
            producer.wait(timeout=30)
            progress("redis: producer stopped; replicas draining the stream")
            reports = [replica.finish() for replica in replicas]
            with server.client() as client:
                entries = client.xlen(STREAM)
        finally:
            for process in (producer, *(r.process for r in replicas or ())):
                if process is not None and process.poll() is None:
                    process.kill()
            server.stop()
    ticks = sum(r["ticks"] for r in reports)
    latencies = np.concatenate([np.array(r["latency_ms"]) for r in reports])
    return {
        "latency_ms": _summary(latencies),
        "app_cpu_ms_per_viewer_tick": _ratio(sum(r["cpu_s"] for r in reports) * 1e3, ticks),
        "redis_cpu_ms_per_viewer_tick": _ratio(cpu["redis_server"] * 1e3, ticks),
        "redis_cpu_percent": 100 * cpu["redis_server"] / elapsed,
        "producer_cpu_percent": 100 * cpu["producer"] / elapsed,
        "viewer_ticks": ticks,
        "viewer_ticks_per_s": ticks / elapsed,
        "measured_s": elapsed,
        "stream_entries": entries,
        "replicas_identical": len({r["digest"] for r in reports}) == 1,
        "replicas": [_public(r) for r in reports],
    }


def run_single(plan: Plan) -> dict[str, Any]:
    """One process, one shared ``Feed(SyntheticSource)``, every viewer in it."""
    viewers = plan.replicas * plan.viewers
    progress(f"single process: {viewers} viewers over one shared synthetic feed")
    with tempfile.TemporaryDirectory(prefix="bench-single-") as tmp:
        replica = _Replica(plan, Path(tmp) / "single.json", "synthetic", "", viewers)
        try:
            replica.wait_ready()
            progress(f"single process: warm-up {plan.warmup_s:g} s, measuring {plan.seconds:g} s")
            time.sleep(plan.warmup_s)
            replica.send("start")
            began = time.monotonic()
            time.sleep(plan.seconds)
            replica.send("stop")
            elapsed = time.monotonic() - began
            report = replica.finish()
        finally:
            if replica.process.poll() is None:
                replica.process.kill()
    return {
        "latency_ms": _summary(np.array(report["latency_ms"])),
        "app_cpu_ms_per_viewer_tick": _ratio(report["cpu_s"] * 1e3, report["ticks"]),
        "viewer_ticks": report["ticks"],
        "viewer_ticks_per_s": report["ticks"] / elapsed,
        "measured_s": elapsed,
        **_public(report),
    }


class _Replica:
    """A replica process (``--replica``), driven through its stdin: ``start`` and ``stop``
    bound the measurement; closing stdin makes it drain, report and exit."""

    def __init__(self, plan: Plan, out: Path, source: str, url: str, viewers: int) -> None:
        self.out = out
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bench_redis", "--replica", "--source", source,
             "--url", url, "--viewers", str(viewers), "--rate", str(plan.rate_hz),
             "--series", str(plan.series), "--capacity", str(plan.capacity),
             "--window", str(plan.window), "--out", str(out)],
            cwd=PROJECT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip

    def wait_ready(self) -> None:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()  # the replica's first poll is done
        if line.strip() != "ready":
            raise RuntimeError(f"a replica failed to start (said {line!r})")

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def finish(self) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.close()
        if self.process.wait(timeout=START_TIMEOUT_S) != 0:
            raise RuntimeError(f"a replica exited with {self.process.returncode}")
        return json.loads(self.out.read_text())


# --- the replica process -----------------------------------------------------------------


class _Arrivals:
    """A source that notes, per sample, how long after its time it arrived (ms)."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.measuring = False
        self.latency_ms: list[np.ndarray] = []

    @property
    def names(self) -> tuple[str, ...]:
        return self.source.names

    def poll(self, now: int) -> Batch:
        batch = self.source.poll(now)
        arrived = time.time_ns()
        if self.measuring and len(batch):
            self.latency_ms.append((arrived - np.asarray(batch.times)) / 1e6)
        return batch


def replica_main(args: argparse.Namespace) -> int:
    """Hold one feed, tick it for ``args.viewers`` viewers, report (see ``_Replica``)."""
    if args.source == "redis":
        inner: Source = RedisSource(args.url, STREAM, backfill=args.capacity)
    else:
        names = series_names(args.series)
        inner = SyntheticSource(names, 1 / args.rate, start_after=time.time_ns())
    source = _Arrivals(inner)
    feed = Feed(source, capacity=args.capacity, min_poll_interval=MIN_POLL_INTERVAL_S)
    feed.update()
    measuring, stopped, done = threading.Event(), threading.Event(), threading.Event()
    control = (sys.stdin, measuring, stopped, done)
    threading.Thread(target=_follow, args=control, daemon=True).start()
    stats = _ViewerStats()
    viewers = [
        threading.Thread(
            target=_viewer, args=(feed, args.window, i * TICK_S / args.viewers, done, stats)
        )
        for i in range(args.viewers)
    ]
    for viewer in viewers:
        viewer.start()
    print("ready", flush=True)
    measuring.wait()
    stats.reset(measuring=True)
    source.measuring = True
    cpu = time.process_time()
    stopped.wait()
    cpu = time.process_time() - cpu
    source.measuring = False
    ticks, errors, tick_ms = stats.reset(measuring=False)
    done.wait()
    for viewer in viewers:
        viewer.join()
    while feed.update().added:  # drain what the stream still holds
        pass
    latencies = np.concatenate(source.latency_ms) if source.latency_ms else np.empty(0)
    report = {
        "source": args.source,
        "viewers": args.viewers,
        "ticks": ticks,
        "errors": errors,
        "cpu_s": cpu,
        "tick_ms": _summary(np.array(tick_ms)),
        "samples": len(latencies),
        "latency_ms": latencies.round(3).tolist(),
        "window_samples": len(feed.ring),
        "digest": _digest(feed),
        "status": getattr(inner, "status", ""),
    }
    Path(args.out).write_text(json.dumps(report))
    return 0


class _ViewerStats:
    """Ticks, errors and tick durations, counted only while measuring; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._measuring = False
        self._ticks = self._errors = 0
        self._tick_ms: list[float] = []

    def add(self, tick_ms: float, error: bool) -> None:
        with self._lock:
            if self._measuring:
                self._ticks += 1
                self._errors += error
                self._tick_ms.append(tick_ms)

    def reset(self, measuring: bool) -> tuple[int, int, list[float]]:
        """What was counted so far; counting restarts (or stops)."""
        with self._lock:
            counted = (self._ticks, self._errors, self._tick_ms)
            self._measuring = measuring
            self._ticks = self._errors = 0
            self._tick_ms = []
        return counted


def _viewer(feed: Feed, window: int, offset: float, done: threading.Event, stats) -> None:
    """One session's fragment: every ``TICK_S`` s, refresh and take the chart's data."""
    next_tick = time.monotonic() + offset
    while not done.wait(max(0.0, next_tick - time.monotonic())):
        began = time.perf_counter()
        update = feed.refresh()
        feed.chart_data(WIDTH_PX, last=window)
        stats.add((time.perf_counter() - began) * 1e3, update.error is not None)
        next_tick += TICK_S
        if next_tick < time.monotonic():  # fell behind: skip, as run_every does
            next_tick = time.monotonic() + TICK_S


def _follow(
    stdin: TextIO, measuring: threading.Event, stopped: threading.Event, done: threading.Event
) -> None:
    """``start`` and ``stop`` lines bound the measurement; end of input ends the run."""
    for line in stdin:
        if line.strip() == "start":
            measuring.set()
        elif line.strip() == "stop":
            measuring.set()
            stopped.set()
    measuring.set()
    stopped.set()
    done.set()


def _digest(feed: Feed) -> str:
    """A fingerprint of the whole window: equal windows, equal digests."""
    digest = hashlib.sha256(np.ascontiguousarray(feed.ring.times).tobytes())
    digest.update(np.ascontiguousarray(feed.ring.values).tobytes())
    return digest.hexdigest()


# --- figures and files -------------------------------------------------------------------


def _summary(samples: np.ndarray) -> dict[str, float | int]:
    """Count, median, p95, p99 and max of ``samples`` (NaN when empty)."""
    if len(samples) == 0:
        return {"n": 0, "median": math.nan, "p95": math.nan, "p99": math.nan, "max": math.nan}
    p50, p95, p99 = np.percentile(samples, [50, 95, 99])
    return {
        "n": len(samples),
        "median": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "max": float(np.max(samples)),
    }


def _public(report: dict[str, Any]) -> dict[str, Any]:
    """A replica's report without its raw latencies."""
    shown = {k: v for k, v in report.items() if k != "latency_ms"}
    shown["latency_ms"] = _summary(np.array(report["latency_ms"]))
    shown["cpu_ms_per_viewer_tick"] = _ratio(report["cpu_s"] * 1e3, report["ticks"])
    return shown


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def _cpu_s(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def _redis_versions() -> dict[str, str]:
    try:
        server = subprocess.run(
            ["redis-server", "--version"], capture_output=True, text=True, timeout=10
        ).stdout.split()
        server_version = next((w[2:] for w in server if w.startswith("v=")), "")
    except (OSError, subprocess.TimeoutExpired):
        server_version = ""
    return {"redis-py": metadata.version("redis"), "redis-server": server_version}


def write(results: dict[str, Any], out: Path) -> list[Path]:
    """``redis.json`` and ``REDIS.md`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    data, table = out / "redis.json", out / "REDIS.md"
    data.write_text(json.dumps(results, indent=2, allow_nan=True) + "\n")
    table.write_text(markdown(results))
    return [data, table]


def markdown(results: dict[str, Any]) -> str:
    """The figures as a short table, with the machine, the date and the command."""
    plan, redis, single = results["plan"], results["redis"], results["single_process"]
    viewers = plan["replicas"] * plan["viewers"]
    machine = results["machine"]
    quick = " --quick" if results["mode"] == "quick" else ""

    def ms(value: float) -> str:
        return "n/a" if value is None or math.isnan(value) else f"{value:.2f}"

    rows = [
        (
            f"Redis Streams: 1 producer, {plan['replicas']} replica processes",
            f"{plan['replicas']} x {plan['viewers']}",
            redis,
            ms(redis["redis_cpu_ms_per_viewer_tick"]),
        ),
        ("single process, one shared feed (synthetic source)", f"{viewers}", single, "n/a"),
    ]
    lines = [
        "# Redis Streams: one feed, several app processes",
        "",
        f"Measured {results['date']} on {machine['cpu']} ({machine['logical_cores']} logical "
        f"cores, {machine['ram_gb']} GB), {machine['platform']}; Python "
        f"{results['versions']['python']}, redis-server {results['versions']['redis-server']}, "
        f"redis-py {results['versions']['redis-py']}; commit {results['git']['commit'][:10]}"
        f"{' (dirty)' if results['git']['dirty'] else ''}. Mode: {results['mode']}.",
        "",
        f"Reproduce: `python -m benchmarks.bench_redis{quick}`. {plan['series']} series at "
        f"{plan['rate_hz']:g} Hz; every viewer ticks every {TICK_S:g} s (`refresh` + "
        f"`chart_data({WIDTH_PX}, last={plan['window']:,})`); {plan['seconds']:g} s measured "
        f"after {plan['warmup_s']:g} s of warm-up. Latency: a sample's arrival in the app "
        "process minus its time stamp. CPU: process CPU time (all threads) per viewer tick.",
        "",
        "| setup | viewers | samples | latency median (ms) | latency p99 (ms) "
        "| app CPU per viewer tick (ms) | Redis CPU per viewer tick (ms) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, count, figures, redis_cpu in rows:
        latency = figures["latency_ms"]
        lines.append(
            f"| {name} | {count} | {latency['n']:,} | {ms(latency['median'])} "
            f"| {ms(latency['p99'])} | {ms(figures['app_cpu_ms_per_viewer_tick'])} "
            f"| {redis_cpu} |"
        )
    lines += [
        "",
        f"Redis: redis-server used {redis['redis_cpu_percent']:.1f}% of a core and the "
        f"producer {redis['producer_cpu_percent']:.1f}%; {redis['viewer_ticks_per_s']:.0f} "
        f"viewer ticks/s in all; the replicas ended with "
        f"{'identical' if redis['replicas_identical'] else 'DIFFERENT'} windows "
        f"({redis['stream_entries']:,} entries in the stream). Polls happen at most every "
        f"{MIN_POLL_INTERVAL_S:g} s per process (as the app's shared feed), so latency is "
        "mostly the wait for the next poll.",
        "",
    ]
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_redis", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a few seconds: a smoke run")
    parser.add_argument("--out", type=Path, help="results directory (default: by mode)")
    # The replica process (started by the benchmark itself).
    parser.add_argument("--replica", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--source", choices=("redis", "synthetic"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--viewers", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--series", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--capacity", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--window", type=int, help=argparse.SUPPRESS)
    return parser


if __name__ == "__main__":
    sys.exit(main())
