"""Load benchmark: N concurrent viewers streaming every 0.5 s, from one light client process.

``python -m benchmarks.bench_load [--quick] [--apps feed,tutorial] [--sessions 1,5,10]``

For each app and each N: start a fresh ``streamlit run`` server (``FEED_RUN_EVERY=0.5``),
open N sessions with ``benchmarks.ws_client`` (Streamlit's websocket protocol as the browser
speaks it: no browser, so N = 100 costs the client little), click "Start streaming" in
each (the clicks spread over one interval, so the sessions' timers have spread phases as
viewers arriving at different moments do), warm up, then measure a window:

- ticks: fragment runs completed (``script_finished: FINISHED_FRAGMENT_RUN_SUCCESSFULLY``)
  in the window, against the 2 per session per second the timers request; runs cut short
  (``FINISHED_EARLY_FOR_RERUN``) and timer requests folded into a later run ("coalesced")
  are counted apart;
- tick latency: timer request sent -> ``script_finished`` of the run that served it;
- server CPU: the server process's CPU time, all threads (its CPU clock, to the ns; the
  psutil user/system split beside it), per completed tick per session, and in cores;
- client CPU (this process) and the rest of the machine's busy CPU, to show the client is
  light and to flag noise; server RSS.

Each app's N stops growing once two N in a row achieve under 80% of the requested ticks.
Writes ``load.json``, ``LOAD.md`` and ``load.svg`` to ``benchmarks/results/`` (``--quick``:
``benchmarks/results/tmp/quick/``, git-ignored).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

from benchmarks import machine, report, ws_client
from benchmarks.bench_e2e import GC_ON, process_cpu_seconds
from benchmarks.progress import progress, progress_bar
from benchmarks.server import PROJECT, shown, streamlit_server
from benchmarks.stats import ratio, summary

RESULTS = PROJECT / "benchmarks" / "results"
QUICK_RESULTS = RESULTS / "tmp" / "quick"
LOGS = RESULTS / "tmp" / "logs"
APPS_DIR = PROJECT / "benchmarks" / "apps"
START_LABEL = "Start streaming"
GOAL_RATIO = 25.0  # the goal: feed holds 25x the baseline's viewers per core


@dataclass(frozen=True)
class App:
    """One server configuration to load."""

    name: str
    app: Path
    label: str
    options: dict[str, str] = field(default_factory=dict)
    color: str = "#7f7f7f"


APPS = (
    App("feed", PROJECT / "app.py", "feed: app.py with its config (postScriptGC = false)",
        color="#1f77b4"),
    App("tutorial", APPS_DIR / "tutorial_app.py",
        "baseline: the tutorial's app as shipped (per-run gc.collect, Streamlit's default)",
        GC_ON, color="#d62728"),
    App("tutorial-gc-off", APPS_DIR / "tutorial_app.py",
        "the tutorial's app with postScriptGC = false (as feed runs): not the baseline",
        color="#ff7f0e"),
)  # fmt: skip
BASELINE = "tutorial"


@dataclass(frozen=True)
class Plan:
    """What to measure: apps, session counts, interval and timing windows."""

    apps: tuple[str, ...] = tuple(a.name for a in APPS)
    sessions: tuple[int, ...] = (1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 500)
    interval_s: float = 0.5
    warmup_s: float = 3.0
    window_s: float = 15.0
    sustain_pct: float = 95.0  # "sustained": at least this share of requested ticks
    stop_below_pct: float = 80.0  # stop an app after ``stop_after`` N in a row below this
    stop_after: int = 2
    refine_steps: int = 3  # extra N bisecting between the last N sustained and the next
    refine_within: float = 0.1  # ... until they are this close (relative), or at least 1
    connect_concurrency: int = 4  # sessions loading their first page at once
    setup_timeout_s: float = 90.0


FULL = Plan()
QUICK = Plan(sessions=(1, 3), warmup_s=1.0, window_s=3.0, refine_steps=0)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run, write; 0 on success."""
    args = _parser().parse_args(argv)
    plan = QUICK if args.quick else FULL
    if args.apps:
        plan = replace(plan, apps=tuple(_names(args.apps)))
    if args.sessions:
        plan = replace(plan, sessions=tuple(int(n) for n in _names(args.sessions)))
    out = args.out or (QUICK_RESULTS if args.quick else RESULTS)
    if args.from_json:
        results = resummarize(json.loads(args.from_json.read_text()))
    else:
        logs = (args.out / "logs") if args.out else LOGS
        results = run(plan, progress, log_dir=logs, quick=args.quick)
    for path in write(results, out):
        progress(f"wrote {shown(path)}")
    for line in verdict_lines(results):
        progress(line)
    return 0


def run(
    plan: Plan = FULL,
    progress: Callable[[str], None] = progress,
    log_dir: Path | None = None,
    quick: bool = False,
) -> dict[str, Any]:
    """Measure every app of ``plan`` at growing N; the results, summaries included."""
    by_name = {a.name: a for a in APPS}
    unknown = sorted(set(plan.apps) - set(by_name))
    if unknown:
        raise ValueError(f"`apps` must be among {sorted(by_name)}, got unknown {unknown}")
    if not plan.sessions or min(plan.sessions) < 1:
        raise ValueError(f"`sessions` must be positive counts, got {plan.sessions}")
    started = time.monotonic()
    results: dict[str, Any] = {
        "mode": "quick" if quick else "full",
        **machine.describe(),
        "plan": asdict(plan),
        "client": {"websockets": _version("websockets"), "xsrf_protection": "on"},
        "apps": {},
    }
    if log_dir:
        log_dir.mkdir(parents=True, exist_ok=True)
    sessions = sorted(set(plan.sessions))
    with progress_bar(len(plan.apps) * len(sessions), "N") as bar:  # refining adds a few
        for name in plan.apps:
            app = by_name[name]
            progress(f"load {name}: N in {sessions}, every {plan.interval_s:g} s, "
                     f"{plan.warmup_s:g} s warm-up + {plan.window_s:g} s window each")  # fmt: skip
            rows: list[dict[str, Any]] = []
            below = 0
            for n in sessions:
                log = log_dir / f"load-{name}-{n}.log" if log_dir else None
                bar.set_description(f"load {name} N={n}")
                row = measure_retrying(app, n, plan, log, progress)
                rows.append(row)
                progress(describe(row))
                bar.update(1)
                below = below + 1 if row["achieved_pct"] < plan.stop_below_pct else 0
                if below >= plan.stop_after and n != sessions[-1]:
                    progress(f"load {name}: under {plan.stop_below_pct:g}% for {below} N in a row; "
                             "stopping here")  # fmt: skip
                    bar.update(len(sessions) - 1 - sessions.index(n))  # the N skipped
                    break
            for n in refined(rows, plan):  # bisect between the last N sustained and the next
                log = log_dir / f"load-{name}-{n}.log" if log_dir else None
                row = measure_retrying(app, n, plan, log, progress)
                rows.append(row)
                progress(describe(row, "refining: "))
            rows.sort(key=lambda r: r["sessions"])
            results["apps"][name] = {
                "name": name,
                "app": shown(app.app),
                "label": app.label,
                "options": app.options,
                "rows": rows,
                "summary": summarize(rows, plan),
            }
    results["ratios"] = ratios(results["apps"])
    results["duration_s"] = time.monotonic() - started
    return results


def refined(rows: list[dict[str, Any]], plan: Plan) -> Iterator[int]:
    """More N between the largest N sustained and the next N tested, by bisection, until
    they are within ``plan.refine_within`` of each other or ``plan.refine_steps`` are spent.
    Reads ``rows`` as the caller appends each new N's row to it."""
    for _ in range(plan.refine_steps):
        tested = {r["sessions"]: r for r in rows}
        sustained = [n for n, r in tested.items() if is_sustained(r, plan)]
        if not sustained:
            return
        low = max(sustained)
        above = [n for n in tested if n > low]
        if not above:
            return
        high = min(above)
        if high - low <= max(1, round(plan.refine_within * low)):
            return
        yield (low + high) // 2


def is_sustained(row: dict[str, Any], plan: Plan) -> bool:
    """Whether a row's sessions got at least ``plan.sustain_pct`` of the requested ticks."""
    return "failed" not in row and row["achieved_pct"] >= plan.sustain_pct


def resummarize(results: dict[str, Any]) -> dict[str, Any]:
    """Saved results with their summaries and ratios computed again from their rows (the
    measurements themselves untouched), for a report written by newer code."""
    fields = set(Plan.__dataclass_fields__)
    saved = {k: tuple(v) if isinstance(v, list) else v for k, v in results["plan"].items()}
    plan = Plan(**{k: v for k, v in saved.items() if k in fields})
    for part in results["apps"].values():
        for row in part["rows"]:
            for key, value in row.items():  # JSON keeps NaN as null
                if value is None and key.endswith(("_tick", "_cores")):
                    row[key] = math.nan
        part["summary"] = summarize(part["rows"], plan)
    results["ratios"] = ratios(results["apps"])
    results["report_rewritten"] = {"date": machine.now_iso(), "git": machine.git_state()}
    return results


def measure_retrying(
    app: App,
    n: int,
    plan: Plan,
    log: Path | None,
    progress: Callable[[str], None],
    attempts: int = 2,
) -> dict[str, Any]:
    """``measure``, tried again with a fresh server if sessions cannot even load; a row
    saying what failed (and 0 ticks) if they never do."""
    for attempt in range(1, attempts + 1):
        try:
            return measure(app, n, plan, log)
        except Exception as exc:
            first_line = (str(exc).splitlines() or [type(exc).__name__])[0]
            if attempt == attempts:
                progress(f"load {app.name} N={n}: failed ({first_line}); recorded as 0 ticks")
                return failed_row(app, n, plan, f"{type(exc).__name__}: {first_line}")
            progress(f"load {app.name} N={n}: failed ({first_line}); retrying")
    raise AssertionError("unreachable")


def measure(app: App, n: int, plan: Plan, log: Path | None = None) -> dict[str, Any]:
    """One window of ``n`` streaming sessions against a fresh server of ``app``."""
    env = {"FEED_RUN_EVERY": f"{plan.interval_s:g}"}
    with streamlit_server(app.app, env=env, options=app.options, log=log) as server:
        process = psutil.Process(server.process.pid)
        rss_ready = process.memory_info().rss
        window = asyncio.run(_drive(server.url, process, n, plan))
    return figures(app, n, plan, window, rss_ready)


async def _drive(url: str, server: psutil.Process, n: int, plan: Plan) -> dict[str, Any]:
    """Open ``n`` sessions, start them streaming, warm up, measure one window."""
    sessions = [ws_client.Session(url) for _ in range(n)]
    gate = asyncio.Semaphore(plan.connect_concurrency)
    timeout = plan.setup_timeout_s
    setup_started = time.monotonic()

    async def load(session: ws_client.Session) -> None:
        async with gate:
            await session.connect(timeout)
            await session.wait_for(lambda: session.runs_done >= 1, timeout, "first run")

    async def click(i: int, session: ws_client.Session) -> str | None:
        await asyncio.sleep(i * plan.interval_s / n)  # spread the timers' phases
        try:
            await session.click(START_LABEL, timeout)
            await session.wait_for(lambda: bool(session.timers), timeout, "auto-rerun timer")
        except (TimeoutError, ConnectionError) as exc:  # an overloaded server: not fatal
            return str(exc)
        return None

    try:
        await asyncio.gather(*(load(s) for s in sessions))
        click_failures = [
            e for e in await asyncio.gather(*(click(i, s) for i, s in enumerate(sessions))) if e
        ]
        setup_s = time.monotonic() - setup_started
        await asyncio.sleep(plan.warmup_s)
        before = _snapshot(server, sessions)
        await asyncio.sleep(plan.window_s)
        after = _snapshot(server, sessions)
    finally:
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return {
        "before": before,
        "after": after,
        "sessions": [s.counters for s in sessions],
        "setup_s": setup_s,
        "click_failures": click_failures,
    }


def _snapshot(server: psutil.Process, sessions: Sequence[ws_client.Session]) -> dict[str, Any]:
    """Clock, server CPU (clock and psutil split) and RSS, this process's CPU, the
    machine's busy CPU, and how many sessions stream, now."""
    times = server.cpu_times()
    machine_times = psutil.cpu_times()
    idle = machine_times.idle + getattr(machine_times, "iowait", 0.0)
    return {
        "t": time.monotonic(),
        "server_cpu_s": process_cpu_seconds(server),
        "server_user_s": times.user,
        "server_system_s": times.system,
        "server_rss": server.memory_info().rss,
        "client_cpu_s": time.process_time(),
        "machine_busy_s": sum(machine_times) - idle,
        "streaming": sum(bool(s.timers) and not s.closed for s in sessions),
        "bytes_received": sum(s.counters.bytes_received for s in sessions),
    }


def figures(app: App, n: int, plan: Plan, window: dict[str, Any], rss_ready: int) -> dict[str, Any]:
    """One row: what the window measured, per session tick where it makes sense."""
    before, after = window["before"], window["after"]
    start, end = before["t"], after["t"]
    seconds = end - start
    inside = lambda t: start <= t < end  # noqa: E731
    delta = lambda key: after[key] - before[key]  # noqa: E731
    ticks_by_session, latencies = [], []
    requests = cut_short = coalesced = unattributed = 0
    errors: list[str] = []
    for counters in window["sessions"]:
        ticks = [t for t in counters.ticks if inside(t.finished)]
        ticks_by_session.append(len(ticks))
        for tick in ticks:
            latencies += tick.latencies()
            coalesced += max(0, len(tick.served) - 1)
        requests += sum(map(inside, counters.requests))
        cut_short += sum(map(inside, counters.cut_short))
        unattributed += counters.unattributed_runs
        errors += counters.errors
    ticks = sum(ticks_by_session)
    requested = 1 / plan.interval_s
    per_session_pct = [100 * k / seconds / requested for k in ticks_by_session]
    server_cpu = delta("server_cpu_s")
    client_cpu = delta("client_cpu_s")
    busy = delta("machine_busy_s")
    latency = summary([1e3 * x for x in latencies])
    return {
        "app": app.name,
        "sessions": n,
        "streaming_at_start": before["streaming"],
        "streaming_at_end": after["streaming"],
        "interval_s": plan.interval_s,
        "window_s": seconds,
        "requested_per_s_per_session": requested,
        "ticks": ticks,
        "ticks_per_s_per_session": ticks / seconds / n,
        "achieved_pct": 100 * ticks / seconds / n / requested,
        "session_achieved_pct": {
            "min": min(per_session_pct),
            "median": statistics.median(per_session_pct),
            "max": max(per_session_pct),
        },
        "requests": requests,
        "requests_coalesced": coalesced,
        "runs_cut_short": cut_short,
        "unattributed_runs": unattributed,
        "errors": len(errors),
        "error_samples": sorted(set(errors))[:3],
        "click_failures": len(window["click_failures"]),
        "latency_ms": latency,
        "server_cpu_s": server_cpu,
        "server_user_s": delta("server_user_s"),
        "server_system_s": delta("server_system_s"),
        "server_cpu_cores": server_cpu / seconds,
        "server_cpu_ms_per_session_tick": ratio(1e3 * server_cpu, ticks),
        "client_cpu_s": client_cpu,
        "client_cpu_cores": client_cpu / seconds,
        "client_cpu_ms_per_session_tick": ratio(1e3 * client_cpu, ticks),
        "other_cpu_cores": max(0.0, (busy - server_cpu - client_cpu) / seconds),
        "bytes_received_per_tick": ratio(delta("bytes_received"), ticks),
        "rss_ready_mb": rss_ready / 2**20,
        "rss_start_mb": before["server_rss"] / 2**20,
        "rss_end_mb": after["server_rss"] / 2**20,
        "setup_s": window["setup_s"],
    }  # fmt: skip


def failed_row(app: App, n: int, plan: Plan, error: str) -> dict[str, Any]:
    """A row for an N whose sessions never started: no ticks, the error said."""
    return {
        "app": app.name,
        "sessions": n,
        "interval_s": plan.interval_s,
        "requested_per_s_per_session": 1 / plan.interval_s,
        "ticks": 0,
        "ticks_per_s_per_session": 0.0,
        "achieved_pct": 0.0,
        "failed": error,
    }


def summarize(rows: list[dict[str, Any]], plan: Plan) -> dict[str, Any]:
    """The two viewers-per-core figures of one app (see ``LOAD.md``'s definitions)."""
    tested = [r["sessions"] for r in rows]
    sustained = [r for r in rows if is_sustained(r, plan)]
    best = max(sustained, key=lambda r: r["sessions"], default=None)
    unsustained = [r["sessions"] for r in rows if r not in sustained]
    per_tick = [
        r["server_cpu_ms_per_session_tick"]
        for r in sustained
        if r["server_cpu_ms_per_session_tick"] is not None
        and math.isfinite(r["server_cpu_ms_per_session_tick"])
    ]
    ms_per_tick = statistics.median(per_tick) if per_tick else math.nan
    requested = 1 / plan.interval_s
    return {
        "tested": tested,
        "sustained": [r["sessions"] for r in sustained],
        "n_max_sustained": best["sessions"] if best else 0,
        "n_max_is_lower_bound": bool(best) and best["sessions"] == max(tested),
        "first_unsustained_above": min(
            (n for n in unsustained if best is None or n > best["sessions"]), default=None
        ),
        "server_cpu_cores_at_n_max": best["server_cpu_cores"] if best else math.nan,
        "latency_p95_ms_at_n_max": best["latency_ms"]["p95"] if best else math.nan,
        # The same with a latency bound too: ticks that arrive, and arrive soon.
        "n_max_sustained_p95_under_100ms": max(
            (r["sessions"] for r in sustained if (r["latency_ms"]["p95"] or math.inf) < 100),
            default=0,
        ),
        "cpu_ms_per_session_tick": ms_per_tick,
        "cpu_ms_basis": [r["sessions"] for r in sustained],
        "viewers_per_core_estimate": ratio(1e3, ms_per_tick * requested),
    }


def ratios(apps: dict[str, Any]) -> dict[str, Any]:
    """feed over each other app, for both figures, against the 25x goal."""
    if "feed" not in apps:
        return {}
    feed = apps["feed"]["summary"]
    found = {}
    for name, other in apps.items():
        if name == "feed":
            continue
        theirs = other["summary"]
        sustained = ratio(feed["n_max_sustained"], theirs["n_max_sustained"])
        estimate = ratio(feed["viewers_per_core_estimate"], theirs["viewers_per_core_estimate"])
        found[name] = {
            "n_max_sustained": sustained,
            "n_max_sustained_is_lower_bound": feed["n_max_is_lower_bound"],
            "viewers_per_core_estimate": estimate,
            "goal": GOAL_RATIO,
            "goal_met_sustained": _at_least(sustained, GOAL_RATIO),
            "goal_met_estimate": _at_least(estimate, GOAL_RATIO),
        }
    return found


def _at_least(value: float, goal: float) -> bool | None:
    return None if value is None or math.isnan(value) else value >= goal


def describe(row: dict[str, Any], note: str = "") -> str:
    """One progress line for a measured N."""
    head = f"load {row['app']} {note}N={row['sessions']}:"
    if "failed" in row:
        return f"{head} failed: {row['failed']}"
    lat = row["latency_ms"]
    return (
        f"{head} {row['ticks']} ticks ({row['achieved_pct']:.1f}% of requested, "
        f"min session {row['session_achieved_pct']['min']:.0f}%), "
        f"server {_ms(row['server_cpu_ms_per_session_tick'])} ms CPU/session-tick "
        f"({row['server_cpu_cores']:.2f} cores), latency p50 {_ms(lat['median'])} "
        f"p95 {_ms(lat['p95'])} ms, cut short {row['runs_cut_short']}, coalesced "
        f"{row['requests_coalesced']}, client {row['client_cpu_cores']:.2f} cores, "
        f"other {row['other_cpu_cores']:.2f} cores, RSS {row['rss_end_mb']:.0f} MB"
    )


# --- results on disk ------------------------------------------------------------------------

JSON_NAME = "load.json"
REPORT_NAME = "LOAD.md"
CHART_STEM = "load"


def write(results: dict[str, Any], out: Path) -> list[Path]:
    """``load.json``, the chart and ``LOAD.md`` in ``out``; the files written."""
    chart = achieved_chart(results)
    return report.write_with_chart(
        results, out, (JSON_NAME, CHART_STEM, REPORT_NAME), chart, markdown
    )


def achieved_chart(results: dict[str, Any]) -> Any:
    """Achieved tick % against N, one line per app, the 95% line drawn."""
    import altair as alt

    colors = {a.name: a.color for a in APPS}
    names = list(results["apps"])
    data = [
        {"app": name, "sessions": r["sessions"], "achieved": r["achieved_pct"]}
        for name in names
        for r in results["apps"][name]["rows"]
    ]
    sustain = results["plan"]["sustain_pct"]
    lines = (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=True)
        .encode(
            x=alt.X("sessions:Q", title="concurrent sessions (N)",
                    scale=alt.Scale(type="log", nice=False)),
            y=alt.Y("achieved:Q", title="achieved ticks, % of requested",
                    scale=alt.Scale(domain=[0, 110])),
            color=alt.Color("app:N", title=None, sort=names,
                            scale=alt.Scale(domain=names, range=[colors[n] for n in names])),
            shape=alt.Shape("app:N", title=None, sort=names,  # overlapping lines told apart
                            scale=alt.Scale(domain=names)),
            tooltip=["app:N", "sessions:Q", alt.Tooltip("achieved:Q", format=".1f")],
        )
    )  # fmt: skip
    rule = (
        alt.Chart(alt.Data(values=[{"y": sustain}]))
        .mark_rule(strokeDash=[4, 4], color="#555")
        .encode(y="y:Q")
    )
    interval = results["plan"]["interval_s"]
    return alt.layer(lines, rule).properties(
        title=f"Load: ticks achieved with N sessions every {interval:g} s (dashed: {sustain:g}%)",
        width=480,
        height=300,
    )


def markdown(results: dict[str, Any], chart: Path | None = None) -> str:
    """The whole report."""
    parts = [_header(results), _summary(results)]
    for name, part in results["apps"].items():
        parts.append(_app_table(name, part))
    if chart is not None:
        parts.append(f"![Achieved ticks against concurrent sessions]({chart.name})")
    parts.append(_method(results))
    return "\n\n".join(parts) + "\n"


def _header(results: dict[str, Any]) -> str:
    m, v, git = results["machine"], results["versions"], results.get("git", {})
    commit = (git.get("commit") or "unknown")[:10]
    if git.get("dirty"):
        commit += " (with local changes)"
    quick = " **Quick smoke run: tiny sizes, not figures to quote.**" * (results["mode"] == "quick")
    plan = results["plan"]
    rewritten = results.get("report_rewritten")
    if rewritten:
        commit += (f"; this report rewritten from those measurements at "
                   f"{(rewritten['git'].get('commit') or 'unknown')[:10]}")  # fmt: skip
    return "\n".join([
        "# Load: concurrent viewers at 0.5 s, feed against the tutorial",
        "",
        f"Measured {results['date']} in {results['duration_s'] / 60:.1f} min "
        f"({results['mode']} mode).{quick}",
        "",
        f"- Machine: {m['cpu']}, {m['logical_cores']} logical cores, {m['ram_gb']} GiB RAM, "
        f"{m['platform']}; load average at start {m['load_average']}.",
        f"- Versions: Python {v['python']}, Streamlit {v['streamlit']}, Polars {v['polars']}, "
        f"Altair {v['altair']}, NumPy {v['numpy']}, pandas {v['pandas']}, "
        f"websockets {results['client']['websockets']} (the client).",
        f"- Commit {commit}.",
        f"- Every {plan['interval_s']:g} s, {plan['warmup_s']:g} s warm-up then a "
        f"{plan['window_s']:g} s window per N, a fresh server per N.",
        "",
        "Reproduce: `.venv/bin/python -m benchmarks.bench_load` (options: "
        "`--apps feed,tutorial`, `--sessions 1,5,10`, `--quick` for a smoke run into "
        f"`benchmarks/results/tmp/quick/`). Every per-N figure is in [`{JSON_NAME}`]"
        f"({JSON_NAME}).",
    ])  # fmt: skip


def _summary(results: dict[str, Any]) -> str:
    plan = results["plan"]
    sustain = plan["sustain_pct"]
    per_s = 1 / plan["interval_s"]
    rows = []
    for name, part in results["apps"].items():
        s = part["summary"]
        n_max = f"{s['n_max_sustained']}" + (" (lower bound)" * s["n_max_is_lower_bound"])
        above = s["first_unsustained_above"]
        rows.append([
            f"**{name}**",
            f"**{n_max}**" + (f"; {above} was not" if above is not None else ""),
            _cores(s["server_cpu_cores_at_n_max"]),
            _ms(s["latency_p95_ms_at_n_max"]),
            f"{_ms(s['cpu_ms_per_session_tick'])} (median over N = "
            f"{', '.join(map(str, s['cpu_ms_basis'])) or 'none'})",
            f"**{_num(s['viewers_per_core_estimate'])}**",
        ])  # fmt: skip
    text = [
        "## Viewers per core",
        "",
        f"Two figures per app, both for viewers streaming every {plan['interval_s']:g} s "
        f"with at least {sustain:g}% of the requested ticks:",
        "",
        f"- **(a) N sustained**: the largest N tested whose sessions together achieved at "
        f"least {sustain:g}% of the requested ticks. A measurement, of the whole server "
        "process on this 2-core machine (a Streamlit server is one Python process, so mostly "
        "one core: see its CPU at that N); *lower bound* when the largest N tested was "
        "sustained.",
        f"- **(b) viewers one core could hold**: an estimate from CPU cost, "
        f"1000 ms / (server CPU ms per session-tick x {per_s:g} ticks/s), the CPU per "
        "session-tick being the median over the sustained N (moderate load: the server "
        "keeps up, so the figure is cost, not queueing). It assumes the cost per tick stays "
        "flat up to a fully used core; (a) shows where it does not.",
        "",
        _table(["app", "(a) N sustained", "server CPU cores at that N",
                "p95 latency ms at that N", "server CPU ms per session-tick",
                "(b) viewers per core (estimate)"],
               rows),
    ]  # fmt: skip
    text += ["", *_ratio_lines(results)]
    bounded = [f"{name} {part['summary']['n_max_sustained_p95_under_100ms']}"
               for name, part in results["apps"].items()]  # fmt: skip
    text += ["", "Near the N sustained, ticks still come but late (p95 latency in the table). "
             "Asking for a p95 latency under 100 ms as well, the largest N sustained is: "
             + ", ".join(bounded) + "."]  # fmt: skip
    return "\n".join(text)


def _ratio_lines(results: dict[str, Any]) -> list[str]:
    lines = []
    for name, r in results.get("ratios", {}).items():
        base = "the baseline" if name == BASELINE else f"`{name}` (not the baseline)"
        bound = "at least " if r["n_max_sustained_is_lower_bound"] else ""
        lines.append(
            f"- feed over {base}: (a) {bound}**{_ratio(r['n_max_sustained'])}** the "
            f"viewers sustained, {_verdict(r['goal_met_sustained'], bound)}; (b) "
            f"**{_ratio(r['viewers_per_core_estimate'])}** the viewers per core, "
            f"{_verdict(r['goal_met_estimate'], '')}."
        )
    return [f"Against the goal (feed holds at least {GOAL_RATIO:g}x the baseline's viewers "
            "per core):", "", *lines] if lines else []  # fmt: skip


def _verdict(met: bool | None, bound: str) -> str:
    if met is None:
        return "not measurable"
    if met:
        return f"{GOAL_RATIO:g}x goal **met**"
    if bound:
        return f"{GOAL_RATIO:g}x goal not shown (the N tested ran out first)"
    return f"{GOAL_RATIO:g}x goal **not met**"


def _app_table(name: str, part: dict[str, Any]) -> str:
    header = ["N", "achieved (min session)", "server CPU ms/session-tick", "server CPU cores",
              "latency p50 / p95 ms", "cut short", "coalesced", "client CPU cores",
              "other CPU cores", "server RSS MB"]  # fmt: skip
    rows = []
    for r in part["rows"]:
        if "failed" in r:
            rows.append([str(r["sessions"]), f"0% ({r['failed']})", *["n/a"] * 8])
            continue
        lat = r["latency_ms"]
        rows.append([
            str(r["sessions"]),
            f"**{r['achieved_pct']:.1f}%** ({r['session_achieved_pct']['min']:.0f}%)",
            f"**{_ms(r['server_cpu_ms_per_session_tick'])}**",
            _cores(r["server_cpu_cores"]),
            f"{_ms(lat['median'])} / **{_ms(lat['p95'])}**",
            str(r["runs_cut_short"]),
            str(r["requests_coalesced"]),
            _cores(r["client_cpu_cores"]),
            _cores(r["other_cpu_cores"]),
            f"{r['rss_end_mb']:.0f}",
        ])  # fmt: skip
    return "\n".join([f"## {name}", "", part["label"] + f" (`{part['app']}`).", "",
                      _table(header, rows)])  # fmt: skip


def _method(results: dict[str, Any]) -> str:
    return "\n".join([
        "## How it was measured",
        "",
        "- **Client**: `benchmarks/ws_client.py`, one asyncio process for all sessions, "
        "speaking Streamlit's websocket protocol as the bundled frontend does: the health and "
        "host-config requests, the websocket with subprotocols `streamlit` and the XSRF "
        "cookie's token (XSRF protection left on), the first `rerun_script` with the page's "
        "`ContextInfo`, every widget's value in each rerun, the click as a `trigger_value`, "
        "and the browser's `setInterval` timer per `auto_rerun` message: each firing sends "
        "`rerun_script` with `fragment_id` and `is_auto_rerun`, whether or not the last run "
        "has finished. Its own CPU is the *client CPU* column.",
        "- **Ticks**: fragment runs the server completed (`script_finished: "
        "FINISHED_FRAGMENT_RUN_SUCCESSFULLY`) within the window, against 2 per session per "
        "second requested. *Achieved* pools all sessions; the least served session is in "
        "parentheses. *Cut short*: runs that ended `FINISHED_EARLY_FOR_RERUN`: a timer "
        "request that arrives while its session's fragment run is still going interrupts "
        "that run, as the browser's does. *Coalesced*: timer requests served by a run that "
        "served more than one (the request of a run cut short, or requests that queued "
        "while the server was busy). A server slower than the interval shows both, and "
        "its achieved ticks collapse rather than degrade.",
        "- **Latency**: per timer request, from sending it to the `script_finished` of the "
        "run that served it, over the requests served in the window.",
        "- **Server CPU**: the server process's CPU time over the window, all threads (its "
        "CPU clock; psutil's user/system split is in the JSON), divided by the ticks "
        "completed: it includes everything the server did for them (websocket, protobuf, "
        "the fragment, Streamlit's bookkeeping). *Other CPU*: the machine's busy CPU less "
        "server and client: what else ran (noise on a shared machine).",
        "- N grows along the plan's list until two N in a row achieve under "
        f"{results['plan']['stop_below_pct']:g}%; then up to {results['plan']['refine_steps']} "
        "more N bisect between the largest N sustained and the next N tested.",
        "- The timers' phases are spread over one interval (session *i* clicks at "
        "*i*/N of an interval), as viewers arriving at different moments are; ticks counted "
        "in a window can read a tick over or under (30 per session in 15 s).",
    ])  # fmt: skip


def verdict_lines(results: dict[str, Any]) -> list[str]:
    """The figures to print at the end of a run."""
    lines = []
    for name, part in results["apps"].items():
        s = part["summary"]
        bound = " (lower bound)" if s["n_max_is_lower_bound"] else ""
        lines.append(
            f"{name}: (a) {s['n_max_sustained']}{bound} sessions sustained at "
            f"{_cores(s['server_cpu_cores_at_n_max'])} server cores; (b) "
            f"{_num(s['viewers_per_core_estimate'])} viewers per core from "
            f"{_ms(s['cpu_ms_per_session_tick'])} ms CPU per session-tick"
        )
    for name, r in results.get("ratios", {}).items():
        lines.append(
            f"feed/{name}: (a) {_ratio(r['n_max_sustained'])}, (b) "
            f"{_ratio(r['viewers_per_core_estimate'])} (goal {GOAL_RATIO:g}x)"
        )
    return lines


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if value < 1:
        return f"{value:.3f}"
    if value < 10:
        return f"{value:.2f}"
    return f"{value:.1f}"


def _cores(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    return f"{value:.2f}"


def _num(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def _ratio(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    return f"{value:.1f}x"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _names(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_load",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: N in {1, 3}, 1 s warm-up, 3 s window"
    )
    parser.add_argument("--apps", help=f"comma-separated, among {[a.name for a in APPS]}")
    parser.add_argument("--sessions", help="comma-separated session counts N")
    parser.add_argument("--out", type=Path, help="results directory (default: by mode)")
    parser.add_argument(
        "--from-json",
        type=Path,
        metavar="LOAD_JSON",
        help="measure nothing: write the report again from a saved load.json",
    )
    return parser  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
