"""Soak: does the feed app stay flat when it streams for a long time?

``python -m benchmarks.bench_soak [--minutes 10] [--interval 0.1] [--quick]`` starts one real
``streamlit run`` server and one headless Chromium per GC handling, all at once (so both see
the same machine; on 2 shared cores that costs CPU precision, not memory figures), clicks
"Start streaming" in each, and samples every ``sample_s`` seconds:

- server RSS (psutil) and server CPU (the process CPU clock, as the end-to-end benchmark);
- the page's JS heap: used size as it is (CDP ``Runtime.getHeapUsage``), then after a forced
  garbage collection (``HeapProfiler.collectGarbage``): the retained heap, what a leak grows;
- the page's user timing entries (``performance`` marks and measures), which Streamlit's
  frontend adds on every run;
- ticks achieved so far (fragment runs completed, counted on the websocket).

Growth after warm-up is the least-squares slope of the samples taken after ``warmup_s``,
scaled to 10 minutes; for the JS heap also the slope of its floor (the lowest sample of each
two minutes), which a bounded sawtooth does not move. Results: ``soak.json``, ``SOAK.md`` and
``soak.svg`` in ``benchmarks/results/`` (``--quick``: ``benchmarks/results/tmp/quick/``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

from benchmarks import charts, machine, report
from benchmarks.bench_e2e import (
    APPS,
    CONFIGS,
    LOAD_TIMEOUT_MS,
    Config,
    FrameLog,
    process_cpu_seconds,
)
from benchmarks.progress import progress_bar
from benchmarks.report import ms, table
from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, PROJECT, streamlit_server

RESULTS = PROJECT / "benchmarks" / "results"
QUICK_RESULTS = RESULTS / "tmp" / "quick"
JSON_NAME, REPORT_NAME, CHART_STEM = "soak.json", "SOAK.md", "soak"
SOAK_ONLY_CONFIGS = (
    Config(
        "feed-without-memory-policy",
        APPS / "feed_without_memory_app.py",
        "postScriptGC = false, feed/ui/memory.py's hooks off (before)",
    ),
)
SOAK_CONFIGS = ("feed", "feed-without-memory-policy")  # as shipped, and as it was before
FLOOR_WINDOW_S = 120.0  # the JS heap's floor: the lowest sample of each such window. Vega's
# sawtooth (see the report) has a period of about a minute at 0.1 s: two always hold a trough.
TEN_MINUTES_S = 600.0


@dataclass(frozen=True)
class Plan:
    """How long to stream, how often to sample, and what counts as warm-up."""

    duration_s: float = 600.0
    interval_s: float = 0.1
    sample_s: float = 10.0
    warmup_s: float = 60.0
    configs: tuple[str, ...] = SOAK_CONFIGS
    floor_window_s: float = FLOOR_WINDOW_S


QUICK = Plan(duration_s=20.0, sample_s=2.0, warmup_s=6.0, floor_window_s=4.0)


def full_plan(minutes: float, interval: float) -> Plan:
    """The plan for ``--minutes``: warm-up is the first minute (a tenth of shorter runs)."""
    duration = minutes * 60
    return Plan(duration_s=duration, interval_s=interval, warmup_s=min(60.0, duration / 10))


TIMING_ENTRIES = (
    "() => performance.getEntriesByType('mark').length"
    " + performance.getEntriesByType('measure').length"
)


def soak_configs() -> dict[str, Config]:
    """Every configuration the soak can run, by name: the end-to-end ones and its own."""
    return {c.name: c for c in (*CONFIGS, *SOAK_ONLY_CONFIGS)}


class Session:
    """One configuration streaming: its server process, page, CDP session and frames."""

    def __init__(self, name: str, server_pid: int, page: Any, cdp: Any, frames: FrameLog):
        self.name = name
        self.server = psutil.Process(server_pid)
        self.page, self.cdp, self.frames = page, cdp, frames
        self.rss_ready_mb = self.server.memory_info().rss / 2**20
        self.started = math.nan  # monotonic time streaming started
        self.samples: list[dict[str, float]] = []

    def sample(self, t0: float) -> dict[str, float]:
        """One sample, now; ``t`` is seconds since the soak started."""
        raw = self.cdp.send("Runtime.getHeapUsage")["usedSize"]
        self.cdp.send("HeapProfiler.collectGarbage")
        retained = self.cdp.send("Runtime.getHeapUsage")["usedSize"]
        timings = self.page.evaluate(TIMING_ENTRIES)
        now = time.monotonic()
        ticks = sum(kind == "fragment" for _, _, kind in self.frames.received)
        sample = {
            "t_s": now - t0,
            "streaming_s": now - self.started,
            "ticks": ticks,
            "server_rss_mb": self.server.memory_info().rss / 2**20,
            "server_cpu_s": process_cpu_seconds(self.server),
            "js_heap_mb": retained / 2**20,
            "js_heap_raw_mb": raw / 2**20,
            "page_timing_entries": timings,
        }
        self.samples.append(sample)
        return sample


def run(plan: Plan, progress: Callable[[str], None] = print, log_dir: Path | None = None) -> dict:
    """Stream every configuration of ``plan`` at once for ``plan.duration_s``; the results."""
    from playwright.sync_api import sync_playwright

    by_name = soak_configs()
    env = {"FEED_RUN_EVERY": f"{plan.interval_s:g}"}
    with sync_playwright() as playwright, contextlib.ExitStack() as stack:
        sessions = []
        for name in plan.configs:
            config = by_name[name]
            log = log_dir / f"soak-{name}.log" if log_dir else None
            server = stack.enter_context(
                streamlit_server(
                    config.app, env={**config.env, **env}, options=config.options, log=log
                )
            )
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            stack.callback(browser.close)
            sessions.append(_open(name, server, browser))
        for session in sessions:
            _start_streaming(session)
        t0 = time.monotonic()
        errors = _sample_until(sessions, plan, t0, progress)
    return {
        "date": machine.now_iso(),
        "plan": asdict(plan),
        "concurrent": len(sessions) > 1,
        "configs": [summarize(s, by_name[s.name], plan, errors[s.name]) for s in sessions],
    }


def _open(name: str, server: Any, browser: Any) -> Session:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    frames = FrameLog()
    page.on("websocket", frames.attach)
    page.goto(server.url)
    expect(page.get_by_role("button", name="Start streaming")).to_be_enabled(
        timeout=LOAD_TIMEOUT_MS
    )
    cdp = context.new_cdp_session(page)
    cdp.send("Runtime.enable")
    cdp.send("HeapProfiler.enable")
    return Session(name, server.process.pid, page, cdp, frames)


def _start_streaming(session: Session) -> None:
    from playwright.sync_api import expect

    session.page.get_by_role("button", name="Start streaming").click()
    expect(session.page.get_by_role("button", name="Stop streaming")).to_be_enabled(timeout=30_000)
    session.started = time.monotonic()


def _sample_until(
    sessions: list[Session], plan: Plan, t0: float, progress: Callable[[str], None]
) -> dict[str, int]:
    """Sample every session each ``plan.sample_s`` until ``plan.duration_s``; page errors."""
    count = 0
    with progress_bar(plan.duration_s, "s") as bar:
        bar.set_description(f"soak {', '.join(s.name for s in sessions)}")
        while True:
            _sample_once(sessions, plan, t0, progress)
            count += 1
            elapsed = time.monotonic() - t0
            bar.update(min(elapsed, plan.duration_s) - bar.n)
            if elapsed >= plan.duration_s:
                break
            wait = t0 + count * plan.sample_s - time.monotonic()
            sessions[0].page.wait_for_timeout(max(0.0, min(wait, plan.duration_s)) * 1e3)
    return {s.name: s.page.locator(".stException").count() for s in sessions}


def _sample_once(
    sessions: list[Session], plan: Plan, t0: float, progress: Callable[[str], None]
) -> None:
    """Sample every session once and say what it measured."""
    for session in sessions:
        s = session.sample(t0)
        progress(
            f"soak {session.name:<15} {s['t_s']:6.0f} s: {s['ticks']:6d} ticks "
            f"({achieved_pct(s['ticks'], s['streaming_s'], plan.interval_s):.0f}%), "
            f"server RSS {s['server_rss_mb']:.1f} MB, JS heap {s['js_heap_mb']:.2f} MB "
            f"({s['js_heap_raw_mb']:.2f} before GC), {s['page_timing_entries']} timing entries"
        )


def achieved_pct(ticks: float, seconds: float, interval: float) -> float:
    """Ticks as a share of those requested in ``seconds`` at ``interval``."""
    return 100 * ticks * interval / seconds if seconds > 0 else math.nan


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ``ys`` against ``xs`` (NaN with fewer than 2 distinct xs)."""
    if len(xs) < 2:
        return math.nan
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return math.nan
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


def floor_slope(ts: list[float], ys: list[float], window_s: float) -> float:
    """Slope of the floor of ``ys``: the lowest value in each ``window_s`` window from the
    first ``ts``, at its time. A sawtooth that returns to the same low has a flat floor."""
    floors: dict[int, tuple[float, float]] = {}
    for t, y in zip(ts, ys, strict=True):
        key = int((t - ts[0]) // window_s)
        if key not in floors or y < floors[key][1]:
            floors[key] = (t, y)
    points = [floors[k] for k in sorted(floors)]
    return slope([t for t, _ in points], [y for _, y in points])


def heap_floor_growth(warm: list[dict[str, float]], plan: Plan) -> float:
    """The JS heap's floor slope over the samples after warm-up, per 10 minutes."""
    ts, heap = [s["t_s"] for s in warm], [s["js_heap_mb"] for s in warm]
    return floor_slope(ts, heap, plan.floor_window_s) * TEN_MINUTES_S


def refloor(results: dict[str, Any]) -> dict[str, Any]:
    """Saved results with the JS heap's floor growth computed again from their samples, with
    this module's ``FLOOR_WINDOW_S`` (``--from-json``)."""
    saved = {**results["plan"], "configs": tuple(results["plan"]["configs"])}
    plan = Plan(**{**saved, "floor_window_s": FLOOR_WINDOW_S})
    for c in results["configs"]:
        warm = [s for s in c["samples"] if s["t_s"] >= plan.warmup_s] or c["samples"][-1:]
        c["js_heap_mb"]["floor_growth_after_warmup_per_10min"] = heap_floor_growth(warm, plan)
    return {**results, "plan": asdict(plan)}


def summarize(session: Session, config: Any, plan: Plan, page_errors: int) -> dict[str, Any]:
    """A configuration's figures: start, after warm-up and end values, growth after warm-up
    per 10 minutes, ticks achieved, server CPU per tick after warm-up, and the samples."""
    samples = session.samples
    warm = [s for s in samples if s["t_s"] >= plan.warmup_s] or samples[-1:]
    first, after, last = samples[0], warm[0], samples[-1]
    result: dict[str, Any] = {
        "config": session.name,
        "app": str(config.app.relative_to(PROJECT)),
        "gc": config.gc,
        "options": config.options,
        "rss_ready_mb": session.rss_ready_mb,
        "warm_samples": len(warm),
        "ticks": last["ticks"],
        "streaming_s": last["streaming_s"],
        "achieved_pct": achieved_pct(last["ticks"], last["streaming_s"], plan.interval_s),
        "achieved_after_warmup_pct": achieved_pct(
            last["ticks"] - after["ticks"], last["t_s"] - after["t_s"], plan.interval_s
        ),
        "server_cpu_ms_per_tick_after_warmup": (
            1e3 * (last["server_cpu_s"] - after["server_cpu_s"]) / (last["ticks"] - after["ticks"])
            if last["ticks"] > after["ticks"]
            else math.nan
        ),
        "page_errors": page_errors,
        "samples": samples,
    }
    timings = [s.get("page_timing_entries", 0) for s in samples]
    result["page_timing_entries"] = {"end": timings[-1], "max": max(timings)}
    for key in ("server_rss_mb", "js_heap_mb", "js_heap_raw_mb"):
        growth = slope([s["t_s"] for s in warm], [s[key] for s in warm]) * TEN_MINUTES_S
        result[key] = {
            "start": first[key],
            "after_warmup": after[key],
            "end": last[key],
            "max": max(s[key] for s in samples),
            "growth_after_warmup_per_10min": growth,
            "end_minus_after_warmup": last[key] - after[key],
        }
    result["js_heap_mb"]["floor_growth_after_warmup_per_10min"] = heap_floor_growth(warm, plan)
    return result


def write(results: dict[str, Any], out: Path) -> list[Path]:
    """``soak.json``, the chart and ``SOAK.md`` in ``out``; the files written."""
    names = (JSON_NAME, CHART_STEM, REPORT_NAME)
    return report.write_with_chart(
        results, out, names, charts.soak_chart(results["configs"]), markdown
    )


def _mb(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:+.2f}" if abs(value) < 10 else f"{value:+.1f}"


def markdown(results: dict[str, Any], chart: Path) -> str:
    """The soak report."""
    plan, m, v = results["plan"], results["machine"], results["versions"]
    commit = (results.get("git", {}).get("commit") or "unknown")[:10]
    if results.get("git", {}).get("dirty"):
        commit += " (with local changes)"
    quick = " **Quick smoke run: not figures to quote.**" if results["mode"] == "quick" else ""
    together = (
        "All configurations streamed **at the same time** (one server and one Chromium each), "
        "so they shared the machine's 2 cores: CPU figures are less precise than the "
        "end-to-end benchmark's, memory growth is what this run is for."
        if results["concurrent"]
        else "One configuration streamed."
    )
    rows = []
    for c in results["configs"]:
        rss, heap = c["server_rss_mb"], c["js_heap_mb"]
        rows.append([
            f"{c['config']} ({c['gc']})",
            f"{c['rss_ready_mb']:.0f}; {rss['start']:.1f} / {rss['after_warmup']:.1f} / "
            f"{rss['end']:.1f}",
            f"**{_mb(rss['growth_after_warmup_per_10min'])}** "
            f"({_mb(rss['end_minus_after_warmup'])})",
            f"{heap['start']:.2f} / {heap['after_warmup']:.2f} / {heap['end']:.2f}",
            f"**{_mb(heap['growth_after_warmup_per_10min'])}** "
            f"({_mb(heap['end_minus_after_warmup'])})",
            f"**{_mb(heap.get('floor_growth_after_warmup_per_10min'))}**",
            f"{c['page_timing_entries']['end']:,}",
            f"{c['ticks']:,} in {c['streaming_s']:.0f} s = {c['achieved_pct']:.1f}% "
            f"({c['achieved_after_warmup_pct']:.1f}% after warm-up)",
            ms(c["server_cpu_ms_per_tick_after_warmup"]),
            str(c["page_errors"]),
        ])  # fmt: skip
    header = ["configuration", "server RSS MB: idle; start / after warm-up / end",
              "RSS growth after warm-up, MB per 10 min (end - after warm-up)",
              "JS heap MB (after forced GC): start / after warm-up / end",
              "JS heap growth after warm-up, MB per 10 min (end - after warm-up)",
              "JS heap floor growth, MB per 10 min", "page timing entries at the end",
              "ticks achieved", "server CPU ms/tick after warm-up", "page errors"]  # fmt: skip
    return "\n".join([
        "# Soak: memory over a long streaming run",
        "",
        f"Measured {results['date']} ({results['mode']} mode): "
        f"{plan['duration_s'] / 60:.3g} min streaming at {plan['interval_s']:g} s, sampled every "
        f"{plan['sample_s']:g} s; warm-up is the first {plan['warmup_s']:g} s.{quick}",
        "",
        f"- Machine: {m['cpu']}, {m['logical_cores']} logical cores, {m['ram_gb']} GiB RAM; "
        f"load average at start {m['load_average']}.",
        f"- Versions: Python {v['python']}, Streamlit {v['streamlit']}, Polars {v['polars']}, "
        f"{v['chromium'] or 'Chromium (version unknown)'}. Commit {commit}.",
        f"- {together}",
        "",
        f"Reproduce: `.venv/bin/python -m benchmarks.bench_soak --minutes "
        f"{plan['duration_s'] / 60:g}` (`--quick`: 20 s "
        f"into `benchmarks/results/tmp/quick/`). Every sample is in [`{JSON_NAME}`]({JSON_NAME}).",
        "",
        "## Results",
        "",
        table(header, rows),
        "",
        f"![Server RSS and JS heap over time]({chart.name})",
        "",
        "## How to read these figures",
        "",
        "- **Growth after warm-up** is the least-squares slope of the samples taken after the "
        "warm-up, scaled to 10 minutes; *end - after warm-up* is the plain difference. The "
        "goal is flat: a slope near zero against the sample-to-sample noise.",
        "- **JS heap floor**: the slope of the lowest sample of each two minutes after warm-up. "
        "Vega "
        "keeps the scenegraph items of removed rows until 10,000 have piled up "
        "(`cleanThreshold`), then drops them: a sawtooth of a few MB and about a minute that "
        "the plain slope sees as growth or shrinkage depending on where the run ends.",
        "- **Page timing entries**: `performance` marks and measures in the page; Streamlit's "
        "frontend adds about 2.5 per run and never clears them.",
        "- **JS heap** is the page's V8 heap after a forced garbage collection "
        "(`HeapProfiler.collectGarbage`), so it is what the page retains, not garbage not yet "
        "collected; the heap before that collection is in the JSON (`js_heap_raw_mb`).",
        "- **Server RSS** is the whole `streamlit run` process (psutil), including memory the "
        "allocator keeps after Python frees it: it can rise in steps and stay there.",
        "- **feed**: `app.py` as shipped (`postScriptGC = false` and `feed/ui/memory.py`); "
        "**feed-without-memory-policy**: `benchmarks/apps/feed_without_memory_app.py`, the "
        "same app with `feed/ui/memory.py`'s hooks made no-ops, as it was before them.",
        "- Achieved ticks count fragment runs the server completed; expected ticks are the "
        "streaming time over the interval.",
    ]) + "\n"  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, soak, write; 0 on success."""
    args = _parser().parse_args(argv)
    if args.from_json:
        results = refloor(json.loads(args.from_json.read_text()))
        for path in write(results, args.out or args.from_json.parent):
            print(f"wrote {path}", flush=True)
        return 0
    if args.quick:
        plan = (
            QUICK
            if args.interval is None
            else Plan(**{**asdict(QUICK), "interval_s": args.interval})
        )
    else:
        plan = full_plan(args.minutes, args.interval or 0.1)
    out = args.out or (QUICK_RESULTS if args.quick else RESULTS)
    logs = out / "logs" if args.out else RESULTS / "tmp" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"soak: {', '.join(plan.configs)} at once, {plan.duration_s:g} s at "
          f"{plan.interval_s:g} s, a sample every {plan.sample_s:g} s", flush=True)  # fmt: skip
    results = {
        "mode": "quick" if args.quick else "full",
        **machine.describe(),
        **run(plan, lambda line: print(line, flush=True), log_dir=logs),
    }
    for path in write(results, out):
        print(f"wrote {path}", flush=True)
    for c in results["configs"]:
        rss, heap = c["server_rss_mb"], c["js_heap_mb"]
        print(f"{c['config']}: RSS growth {_mb(rss['growth_after_warmup_per_10min'])} MB/10 min, "
              f"JS heap growth {_mb(heap['growth_after_warmup_per_10min'])} MB/10 min, "
              f"achieved {c['achieved_pct']:.1f}%", flush=True)  # fmt: skip
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0, help="streaming time (full)")
    parser.add_argument("--interval", type=float, help="seconds between ticks (default 0.1)")
    parser.add_argument("--quick", action="store_true", help="20 s, a sample every 2 s")
    parser.add_argument("--out", type=Path, help="results directory (default: by mode)")
    parser.add_argument(
        "--from-json", type=Path, help="rewrite the report from a saved soak.json, no soak"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
