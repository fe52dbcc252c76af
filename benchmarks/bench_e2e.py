"""End-to-end benchmark: a real ``streamlit run`` server and headless Chromium streaming.

For each interval and configuration: start the server with ``FEED_RUN_EVERY`` set, open the
page, click "Start streaming", let it warm up, then measure a window of wall time:

- ticks: fragment runs the server *completed* and the page received, counted in the page.
  Every run ends with a ``ForwardMsg`` whose ``script_finished`` says how; a completed
  fragment run says ``FINISHED_FRAGMENT_RUN_SUCCESSFULLY``. Runs cut short by the next timer
  request say ``FINISHED_EARLY_FOR_RERUN`` (or nothing) and are counted apart. A script added
  to the page (``PAGE_FRAMES``) notes every websocket message as the page's main thread
  handles it: its ``performance.now()`` and size, and the bytes of the small ones (a
  ``script_finished`` is a few dozen bytes), which Python reads once, after the window. The
  window opens and closes on the page's clock too, in the page, so a message falls on one
  side or the other exactly, however late Python would have heard of it. Playwright's
  ``framereceived`` count (Python's clock) is kept beside it as a cross-check. This needs no
  help from the apps, so the tutorial's app stays as shipped.
- server CPU: CPU time of the server process, all its threads, to the nanosecond (Linux's
  per-process CPU clock; psutil's 10 ms clock ticks elsewhere).
- websocket bytes: every message the page received in the window.
- browser CPU: the page's main-thread ``TaskDuration`` (Chrome DevTools Protocol
  ``Performance.getMetrics``), and all Chromium processes' CPU (psutil) for the whole browser.
- server RSS when it is ready, and at the start and end of the window.

The page-cost grid: ``app.py`` with ``FEED_WINDOW`` x ``FEED_SERIES`` in ``GRID_WINDOWS`` x
``GRID_SERIES`` at 0.5 s (``feed-w100-s1`` ... ``feed-w1M-s16``), and ``FAST`` at 0.1 s, a
1M x 2 window whose source has a new sample every tick (``FEED_SAMPLE_INTERVAL=0.1``). Their
targets are read against the floor's figures from the same run.
"""

from __future__ import annotations

import base64
import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from benchmarks.progress import progress_bar
from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, PROJECT, streamlit_server
from benchmarks.stats import ratio

APPS = PROJECT / "benchmarks" / "apps"
LOAD_TIMEOUT_MS = 90_000  # the first load of a 1M-point window fills it first (seconds)
GC_ON = {"runner.postScriptGC": "true"}  # Streamlit's default; the project config turns it off
GRID_WINDOWS = (100, 10_000, 1_000_000)
GRID_SERIES = (1, 2, 8, 16)
GRID_INTERVAL = 0.5
FAST = "feed-w1M-s2-fast"
FAST_INTERVAL = 0.1  # ... and the fast source's sample interval: a new sample every tick
FLOOR = "floor"
SMALL_FRAME = 4096
"""Bytes up to which a received message is read for the run it ends: a ``script_finished``
message is a few dozen bytes, and reading (in Python) only those keeps a 1 MB chart message
from costing anything but its count and size."""


@dataclass(frozen=True)
class Config:
    """One server configuration: which app, and how Streamlit's per-run GC is handled; a
    cell of the page-cost grid also says its window (points per series) and series."""

    name: str
    app: Path
    gc: str
    options: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    intervals: tuple[float, ...] | None = None  # measured only at these (None: every one)
    window: int | None = None
    series: int | None = None


def short(points: int) -> str:
    """100, 10k, 1M: a window's size in a configuration's name."""
    for unit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if points >= unit and points % unit == 0:
            return f"{points // unit}{suffix}"
    return str(points)


def grid_config(
    window: int, series: int, interval: float = GRID_INTERVAL, sample_s: float | None = None
) -> Config:
    """``app.py`` opening on a window of ``window`` points of ``series`` synthetic series,
    measured at ``interval`` only; ``sample_s`` sets the source's sample interval."""
    env = {"FEED_WINDOW": str(window), "FEED_SERIES": str(series)}
    name = f"feed-w{short(window)}-s{series}"
    if sample_s is not None:
        env["FEED_SAMPLE_INTERVAL"] = f"{sample_s:g}"
        name += "-fast"
    return Config(name, PROJECT / "app.py", "postScriptGC = false", env=env,
                  intervals=(interval,), window=window, series=series)  # fmt: skip


GRID = tuple(grid_config(w, s) for w in GRID_WINDOWS for s in GRID_SERIES)


CONFIGS = (
    Config("tutorial-as-shipped", APPS / "tutorial_app.py", "per-run gc.collect (default)", GC_ON),
    Config("tutorial-gc-off", APPS / "tutorial_app.py", "postScriptGC = false (as feed)"),
    Config("feed", PROJECT / "app.py", "postScriptGC = false"),
    Config("floor", APPS / "floor_app.py", "postScriptGC = false (as feed)"),
    Config(
        "feed-gc-off-freeze",
        APPS / "feed_gc_freeze_app.py",
        "postScriptGC = false and gc.freeze() once",
    ),
    Config(
        "feed-gc-freeze",
        APPS / "feed_gc_freeze_app.py",
        "alternative: per-run gc.collect + gc.freeze() once",
        GC_ON,
    ),
    # The first load fills 1M points per series; M4 sends at most 4 x 704 px x 2 per tick.
    Config(
        "feed-1M",
        PROJECT / "app.py",
        "postScriptGC = false",
        env={"FEED_WINDOW": "1000000"},
        intervals=(0.5, 0.1),
    ),
    *GRID,
    grid_config(1_000_000, 2, FAST_INTERVAL, sample_s=FAST_INTERVAL),
)
assert CONFIGS[-1].name == FAST


@dataclass(frozen=True)
class Plan:
    """What to measure: intervals (seconds), configurations, and the timing windows.

    Each (interval, configuration) is measured ``rounds`` times, each round a fresh server
    and browser; rounds are interleaved, and the order of configurations rotates, so a burst
    of noise on the shared machine does not land on one configuration only.
    """

    intervals: tuple[float, ...] = (0.5, 0.1, 0.05)
    configs: tuple[str, ...] = tuple(c.name for c in CONFIGS)
    rounds: int = 2
    warmup_s: float = 3.0
    window_s: float = 12.0


FULL = Plan()  # every configuration, the grid included (at 0.5 s; FAST at 0.1 s), 2 rounds
QUICK = Plan(intervals=(0.5,),
             configs=("tutorial-as-shipped", "feed", FLOOR, "feed-1M", "feed-w100-s1"),
             rounds=1, warmup_s=2.0, window_s=5.0)  # fmt: skip

# Seconds one measurement takes beyond its warm-up and window (server and browser start,
# page load, the first full run, teardown), and per million points the first load fills;
# from the runs of 2026-11-30 on this project's machine.
START_S = 7.0
LOAD_S_PER_M_POINTS = 0.15


def by_name() -> dict[str, Config]:
    """Every configuration, by name."""
    return {c.name: c for c in CONFIGS}


def measurements(plan: Plan) -> list[tuple[int, float, Config]]:
    """What ``run`` measures, in order: (round, interval, configuration). Raises for an
    unknown configuration, and for a grid without the floor its targets are read against."""
    configs = by_name()
    unknown = sorted(set(plan.configs) - set(configs))
    if unknown:
        raise ValueError(f"`configs` must be among {sorted(configs)}, got unknown {unknown}")
    if FLOOR not in plan.configs and any(configs[n].window for n in plan.configs):
        raise ValueError(
            f"`configs` must include {FLOOR!r} with a grid cell: the grid's targets are read "
            f"against the floor's figures from the same run, got {plan.configs}"
        )
    return [
        (round_, interval, configs[name])
        for round_ in range(plan.rounds)
        for i, interval in enumerate(plan.intervals)
        for name in rotated(plan.configs, i + round_)
        if measured_at(configs[name], interval)
    ]


def estimated_s(plan: Plan, only: list[Config] | None = None) -> float:
    """About how long ``run(plan)`` takes, in seconds (see ``START_S``); with ``only``, how
    long one measurement of each of those configurations takes."""
    total = 0.0
    for config in only if only is not None else [c for _, _, c in measurements(plan)]:
        window = int(config.env.get("FEED_WINDOW", "100"))
        points = window * int(config.env.get("FEED_SERIES", "2"))
        total += START_S + plan.warmup_s + plan.window_s + LOAD_S_PER_M_POINTS * points / 1e6
    return total


def run(
    plan: Plan = FULL, progress: Callable[[str], None] = print, log_dir: Path | None = None
) -> list[dict[str, Any]]:
    """Measure every (interval, configuration) of ``plan``, ``plan.rounds`` times; one result
    dict per (interval, configuration), pooling its rounds, in plan order."""
    from playwright.sync_api import sync_playwright

    windows: dict[tuple[float, str], list[dict[str, Any]]] = {}
    configs = by_name()
    steps = measurements(plan)
    with sync_playwright() as playwright, progress_bar(estimated_s(plan), "s") as bar:
        for round_, interval, config in steps:
            name = config.name
            label = f"round {round_ + 1}/{plan.rounds}"
            bar.set_description(f"e2e {name} every {interval:g} s, {label}")
            log = log_dir / f"{name}-{interval:g}-{round_}.log" if log_dir else None
            window = measure_retrying(playwright, config, interval, plan, log, progress)
            windows.setdefault((interval, name), []).append(window)
            progress(describe(figures(config, interval, [window]), label))
            bar.update(estimated_s(dataclasses.replace(plan, rounds=1), [config]))
    return [
        figures(configs[name], interval, windows[interval, name])
        for interval in plan.intervals
        for name in plan.configs
        if (interval, name) in windows
    ]


def measured_at(config: Config, interval: float) -> bool:
    """Whether ``config`` is measured at ``interval`` (some only at a few, to save time)."""
    return config.intervals is None or any(abs(interval - i) < 1e-9 for i in config.intervals)


def rotated(items: tuple[str, ...], shift: int) -> Iterable[str]:
    """``items`` starting at position ``shift``."""
    shift %= len(items)
    return items[shift:] + items[:shift]


def measure_retrying(
    playwright: Any,
    config: Config,
    interval: float,
    plan: Plan,
    log: Path | None,
    progress: Callable[[str], None],
    attempts: int = 3,
) -> dict[str, Any]:
    """``measure``, tried again (with a new server and browser) if the page fails to load or
    stream: one flaky start must not sink a run of many minutes. Raises the last failure."""
    for attempt in range(1, attempts + 1):
        try:
            return measure(playwright, config, interval, plan, log)
        except Exception as exc:
            if attempt == attempts:
                raise
            first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            progress(f"e2e {config.name} every {interval:g} s failed ({first_line}); retrying")
    raise AssertionError("unreachable")


def measure(
    playwright: Any, config: Config, interval: float, plan: Plan, log: Path | None = None
) -> dict[str, Any]:
    """One window of one configuration at one interval, with a fresh server and browser:
    its totals (see ``totals``)."""
    began = time.monotonic()
    env = {**config.env, "FEED_RUN_EVERY": f"{interval:g}"}
    with streamlit_server(config.app, env=env, options=config.options, log=log) as server:
        server_process = psutil.Process(server.process.pid)
        rss_ready = server_process.memory_info().rss
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            window = _stream_and_measure(browser, server.url, server_process, plan)
        finally:
            browser.close()
    return {**totals(window, rss_ready), "wall_s": time.monotonic() - began}


def _stream_and_measure(
    browser: Any, url: str, server_process: psutil.Process, plan: Plan
) -> dict[str, Any]:
    """Open the page, start streaming, warm up, then snapshot before and after the window."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.add_init_script(PAGE_FRAMES)
    frames = FrameLog()
    page.on("websocket", frames.attach)
    page.goto(url)
    start_button = page.get_by_role("button", name="Start streaming")
    expect(start_button).to_be_enabled(timeout=LOAD_TIMEOUT_MS)
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    start_button.click()
    expect(page.get_by_role("button", name="Stop streaming")).to_be_enabled(timeout=30_000)
    page.wait_for_timeout(plan.warmup_s * 1e3)
    page_start = page.evaluate(PAGE_FRAMES_START)
    before = _snapshot(server_process, cdp)
    page.wait_for_timeout(plan.window_s * 1e3)
    page_end, received, sent = page.evaluate(PAGE_FRAMES_TAKE)
    after = _snapshot(server_process, cdp)
    errors = page.locator(".stException").count()
    context.close()
    return {
        "before": {**before, "page_ms": page_start},
        "after": {**after, "page_ms": page_end},
        "page_frames": page_window(received, sent),
        "frames": frames.between(before["t"], after["t"]),
        "page_errors": errors,
    }


PAGE_FRAMES = f"""
(() => {{
  const Native = window.WebSocket;
  if (!Native || window.__feedFrames) return;
  const frames = (window.__feedFrames = []), sent = [];
  window.__feedFramesStart = () => {{
    frames.length = sent.length = 0;
    return performance.now();
  }};
  window.__feedFramesTake = () => [performance.now(), frames.splice(0), sent.splice(0)];
  const size = (data) =>
    typeof data === "string" ? data.length : data.byteLength ?? data.size ?? 0;
  window.WebSocket = class extends Native {{
    constructor(...args) {{
      super(...args);
      this.addEventListener("message", (event) => {{
        const data = event.data, bytes = size(data);
        const small = data instanceof ArrayBuffer && bytes <= {SMALL_FRAME}
          ? btoa(String.fromCharCode(...new Uint8Array(data))) : null;
        frames.push([performance.now(), bytes, small]);
      }});
    }}
    send(data) {{
      sent.push([performance.now(), size(data)]);
      return super.send(data);
    }}
  }};
}})();
"""
"""Added to the page before its own scripts: every websocket message the page handles is
noted as ``[performance.now(), bytes, base64 of the bytes if at most SMALL_FRAME]``, and
every one it sends (the timer's rerun requests) as ``[performance.now(), bytes]``."""
PAGE_FRAMES_START = "window.__feedFramesStart ? window.__feedFramesStart() : performance.now()"
"""Opens the window on the page's clock: forgets the messages so far; the page's time."""
PAGE_FRAMES_TAKE = (
    "window.__feedFramesTake ? window.__feedFramesTake() : [performance.now(), [], []]"
)
"""Closes it: the page's time, and the messages handled and sent since it opened."""


def page_window(received: list[list[Any]], sent: Sequence[Sequence[Any]] = ()) -> dict[str, int]:
    """Counts and bytes of the messages ``PAGE_FRAMES`` noted in the window: received, by
    kind of run end (see ``run_end``; a message over ``SMALL_FRAME`` bytes ends no run), and
    sent (while streaming, the timer's rerun requests)."""
    kinds = [run_end(base64.b64decode(small)) if small else "" for _, _, small in received]
    return {
        "bytes_received": sum(int(size) for _, size, _ in received),
        "frames_received": len(received),
        "bytes_sent": sum(int(size) for _, size in sent),
        "frames_sent": len(sent),
        "fragment_runs_completed": kinds.count("fragment"),
        "runs_cut_short": kinds.count("early"),
        "full_runs_completed": kinds.count("full"),
    }


class FrameLog:
    """Every websocket frame the page receives or sends, as Playwright reports them to
    Python: arrival time (when Python hears of it), size, and whether it ends a fragment run
    (completed or cut short; only frames up to ``SMALL_FRAME`` bytes are read)."""

    def __init__(self) -> None:
        self.received: list[tuple[float, int, str]] = []
        self.sent: list[tuple[float, int]] = []

    def attach(self, websocket: Any) -> None:
        """Playwright ``page.on("websocket")`` handler."""
        websocket.on("framereceived", self._on_received)
        websocket.on("framesent", self._on_sent)

    def _on_received(self, payload: bytes | str) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        kind = run_end(data) if len(data) <= SMALL_FRAME else ""
        self.received.append((time.monotonic(), len(data), kind))

    def _on_sent(self, payload: bytes | str) -> None:
        self.sent.append((time.monotonic(), len(payload)))

    def between(self, start: float, end: float) -> dict[str, int]:
        """Frame counts and bytes in ``[start, end)``, by kind of run end."""
        received = [f for f in self.received if start <= f[0] < end]
        sent = [f for f in self.sent if start <= f[0] < end]
        return {
            "bytes_received": sum(size for _, size, _ in received),
            "frames_received": len(received),
            "bytes_sent": sum(size for _, size in sent),
            "frames_sent": len(sent),
            "fragment_runs_completed": sum(kind == "fragment" for _, _, kind in received),
            "runs_cut_short": sum(kind == "early" for _, _, kind in received),
            "full_runs_completed": sum(kind == "full" for _, _, kind in received),
        }


def run_end(data: bytes) -> str:
    """How the run that this ``ForwardMsg`` ends finished: "fragment", "full", "early", or ""
    when the message ends no run."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(data)
    except Exception:  # not a ForwardMsg: count its bytes, not as a run end
        return ""
    if msg.WhichOneof("type") != "script_finished":
        return ""
    return {
        ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment",
        ForwardMsg.FINISHED_SUCCESSFULLY: "full",
        ForwardMsg.FINISHED_EARLY_FOR_RERUN: "early",
    }.get(msg.script_finished, "")


def _snapshot(server_process: psutil.Process, cdp: Any) -> dict[str, Any]:
    """Wall clock, server CPU and RSS, the page's CDP metrics and Chromium's CPU, now."""
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {
        "t": time.monotonic(),
        "server_cpu_s": process_cpu_seconds(server_process),
        "server_rss": server_process.memory_info().rss,
        "task_duration_s": metrics.get("TaskDuration", 0.0),
        "script_duration_s": metrics.get("ScriptDuration", 0.0),
        "chromium_cpu_s": chromium_cpu(),
    }


def process_cpu_seconds(process: psutil.Process) -> float:
    """CPU seconds a process has used, all threads, exited ones included.

    On Linux, reads the process's CPU-time clock (what ``clock_getcpuclockid`` returns, built
    by hand as Python lacks it): nanosecond resolution, where ``/proc/PID/stat`` (psutil)
    counts 10 ms clock ticks, too coarse for a few ms per tick over a short window.
    """
    clock = ((~process.pid) << 3) | 2  # MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)
    try:
        return time.clock_gettime_ns(clock) / 1e9
    except (OSError, AttributeError):  # not Linux: the coarse figure
        times = process.cpu_times()
        return times.user + times.system


def chromium_cpu() -> dict[int, float]:
    """CPU seconds (user + system) of each Chromium process this process started, by pid."""
    usage = {}
    for child in psutil.Process().children(recursive=True):
        try:
            if "chrom" in child.name().lower():
                times = child.cpu_times()
                usage[child.pid] = times.user + times.system
        except psutil.Error:  # it ended while we looked
            continue
    return usage


def totals(window: dict[str, Any], rss_ready: int) -> dict[str, Any]:
    """What one window measured, as totals, so rounds can be pooled by adding them up.

    Ticks, runs and received bytes are the page's, over the window on the page's clock;
    ``ticks_playwright`` is Playwright's count over Python's clock, the cross-check."""
    before, after, frames = window["before"], window["after"], window["frames"]
    shared = before["chromium_cpu_s"].keys() & after["chromium_cpu_s"].keys()
    delta = lambda key: after[key] - before[key]  # noqa: E731
    page = window["page_frames"]
    return {
        "seconds": delta("page_ms") / 1e3,
        "python_seconds": delta("t"),
        "ticks": page["fragment_runs_completed"],
        "ticks_playwright": frames["fragment_runs_completed"],
        "server_cpu_s": delta("server_cpu_s"),
        "browser_task_s": delta("task_duration_s"),
        "browser_script_s": delta("script_duration_s"),
        "chromium_cpu_s": sum(
            after["chromium_cpu_s"][p] - before["chromium_cpu_s"][p] for p in shared
        ),
        "rss_ready_mb": rss_ready / 2**20,
        "rss_start_mb": before["server_rss"] / 2**20,
        "rss_end_mb": after["server_rss"] / 2**20,
        "page_errors": window["page_errors"],
        **{k: v for k, v in page.items() if k != "fragment_runs_completed"},
    }


def figures(config: Config, interval: float, windows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-tick figures for a configuration, pooling its windows (total over total ticks);
    each window's own server CPU per tick is kept too, to show the spread."""
    total = {k: sum(w[k] for w in windows) for k in windows[0] if k.endswith(_ADDITIVE)}
    seconds, ticks = total["seconds"], total["ticks"]
    per_tick = lambda value: ratio(value, ticks)  # noqa: E731
    mean = lambda key: sum(w[key] for w in windows) / len(windows)  # noqa: E731
    requested = 1 / interval
    return {
        "config": config.name,
        "app": str(config.app.relative_to(PROJECT)),
        "gc": config.gc,
        "options": config.options,
        "env": config.env,
        "window_points": config.window,
        "series": config.series,
        "interval_s": interval,
        "rounds": len(windows),
        "window_s": seconds,
        "ticks": ticks,
        "ticks_playwright": total.get("ticks_playwright", ticks),
        "requests_sent": total["frames_sent"],  # the page's timer's rerun requests
        "ticks_per_s": ticks / seconds,
        "requested_per_s": requested,
        "achieved_pct": 100 * ticks / seconds / requested,
        "runs_cut_short": total["runs_cut_short"],
        "server_cpu_ms_per_tick": per_tick(1e3 * total["server_cpu_s"]),
        "server_cpu_ms_per_tick_by_round": [
            ratio(1e3 * w["server_cpu_s"], w["ticks"]) for w in windows
        ],
        "server_cpu_pct": 100 * total["server_cpu_s"] / seconds,
        "ws_bytes_per_tick": per_tick(total["bytes_received"]),
        "browser_task_ms_per_tick": per_tick(1e3 * total["browser_task_s"]),
        "browser_script_ms_per_tick": per_tick(1e3 * total["browser_script_s"]),
        "chromium_cpu_ms_per_tick": per_tick(1e3 * total["chromium_cpu_s"]),
        "rss_ready_mb": mean("rss_ready_mb"),
        "rss_start_mb": mean("rss_start_mb"),
        "rss_end_mb": mean("rss_end_mb"),
        "page_errors": total["page_errors"],
        "windows": windows,
    }


# Totals that add up across windows (the rest, RSS, are averaged).
_ADDITIVE = ("seconds", "ticks", "ticks_playwright", "_s", "bytes_received", "bytes_sent",
             "frames_received", "frames_sent", "runs_cut_short", "full_runs_completed",
             "page_errors")  # fmt: skip


def describe(result: dict[str, Any], label: str = "") -> str:
    """One progress line for a measured configuration."""
    return (
        f"e2e {label} {result['config']:<20} every {result['interval_s']:g} s: "
        f"{result['ticks']} ticks ({result['achieved_pct']:.0f}% of requested; "
        f"{result['requests_sent']} requests sent; Playwright counted "
        f"{result['ticks_playwright']}), "
        f"server {result['server_cpu_ms_per_tick']:.1f} ms CPU/tick, "
        f"{result['ws_bytes_per_tick'] / 1e3:.1f} kB/tick, "
        f"browser {result['browser_task_ms_per_tick']:.1f} ms/tick, "
        f"RSS {result['rss_start_mb']:.0f} -> {result['rss_end_mb']:.0f} MB"
    )
