"""``python -m benchmarks.check_ticks``: is the end-to-end tick count right with big messages?

Streams one configuration of ``app.py`` (by default the heaviest grid cell, 1M x 16 at
0.5 s: about 850 kB per tick) and counts the completed fragment runs of one window four
ways at once:

- **server**: every ``script_finished`` the server enqueues for the page, logged by the
  server itself (``benchmarks/apps/feed_run_log_app.py``), on the machine's monotonic clock;
- **page**: what the benchmark counts (``bench_e2e.PAGE_FRAMES``), on the page's clock;
- **Playwright**: ``framereceived`` as Python hears of it (the count the benchmark used
  before), on Python's clock;
- **CDP**: ``Network.webSocketFrameReceived``, on the browser's own timestamps (Chromium's
  clock is the machine's monotonic clock on Linux, as Python's is).

It also says how late the page received each run's end after the server sent it, and how
late Python heard of a frame after the browser received it. Its own observing is heavier
than the benchmark's (every payload goes to Python twice), so read its counts against each
other, not its tick rate against the benchmark's.
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import machine, report
from benchmarks.bench_e2e import (
    APPS,
    LOAD_TIMEOUT_MS,
    PAGE_FRAMES,
    PAGE_FRAMES_START,
    PAGE_FRAMES_TAKE,
    SMALL_FRAME,
    FrameLog,
    page_window,
    run_end,
)
from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, PROJECT, streamlit_server

RESULTS = PROJECT / "benchmarks" / "results"
JSON_NAME, REPORT_NAME = "ticks.json", "TICKS.md"


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, check, write; 0 on success."""
    args = _parser().parse_args(argv)
    from playwright.sync_api import sync_playwright

    env = {"FEED_WINDOW": str(args.window), "FEED_SERIES": str(args.series),
           "FEED_RUN_EVERY": f"{args.interval:g}"}  # fmt: skip
    rounds = []
    with sync_playwright() as playwright:
        for round_ in range(args.rounds):
            counted = check_round(playwright, env, args.warmup, args.seconds)
            rounds.append(counted)
            print(describe(counted, args.interval, f"round {round_ + 1}/{args.rounds}"), flush=True)
    results = {"date": machine.now_iso(), **machine.describe(), "env": env,
               "warmup_s": args.warmup, "window_s": args.seconds, "rounds": rounds}  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    report.write_json(results, args.out / JSON_NAME)
    (args.out / REPORT_NAME).write_text(markdown(results))
    print(f"wrote {args.out / REPORT_NAME}")
    return 0


def check_round(playwright: Any, env: dict[str, str], warmup_s: float, window_s: float) -> dict:
    """One server and browser: the window's counts, every way (see the module)."""
    from playwright.sync_api import expect

    with tempfile.TemporaryDirectory() as tmp:
        run_log = Path(tmp) / "runs.log"
        env = {**env, "FEED_RUN_LOG": str(run_log)}
        with streamlit_server(APPS / "feed_run_log_app.py", env=env) as server:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.add_init_script(PAGE_FRAMES)
                frames = FrameLog()
                page.on("websocket", frames.attach)
                cdp_frames: list[tuple[float, float, int, str]] = []
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.on("Network.webSocketFrameReceived", lambda e: cdp_frames.append(_cdp(e)))
                page.goto(server.url)
                start = page.get_by_role("button", name="Start streaming")
                expect(start).to_be_enabled(timeout=LOAD_TIMEOUT_MS)
                start.click()
                expect(page.get_by_role("button", name="Stop streaming")).to_be_enabled()
                page.wait_for_timeout(warmup_s * 1e3)
                page_start, t0 = page.evaluate(PAGE_FRAMES_START), time.monotonic()
                page.wait_for_timeout(window_s * 1e3)
                (page_end, received, _), t1 = page.evaluate(PAGE_FRAMES_TAKE), time.monotonic()
                page.get_by_role("button", name="Stop streaming").click()
                page.wait_for_timeout(3_000)  # late frames reach Python; none are counted
                context.close()
            finally:
                browser.close()
        server_runs = [float(t) for t, status in _lines(run_log) if int(status) == _fragment()]
    return counts(t0, t1, (page_end - page_start) / 1e3, received, frames, cdp_frames, server_runs)


def _cdp(event: dict[str, Any]) -> tuple[float, float, int, str]:
    """A CDP frame: the browser's timestamp, Python's, its size, and the run it ends."""
    heard = time.monotonic()
    response = event["response"]
    data = response["payloadData"]
    payload = base64.b64decode(data) if response["opcode"] == 2 else data.encode()
    kind = run_end(payload) if len(payload) <= SMALL_FRAME else ""
    return event["timestamp"], heard, len(payload), kind


def _fragment() -> int:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    return ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY


def _lines(path: Path) -> list[list[str]]:
    return [line.split() for line in path.read_text().splitlines()] if path.exists() else []


def counts(
    t0: float,
    t1: float,
    page_seconds: float,
    received: list[list[Any]],
    frames: FrameLog,
    cdp_frames: list[tuple[float, float, int, str]],
    server_runs: list[float],
) -> dict[str, Any]:
    """A window's completed fragment runs counted each way, and the delays between them."""
    inside = lambda t: t0 <= t < t1  # noqa: E731
    cdp_ends = [browser for browser, _, _, kind in cdp_frames if kind == "fragment"]
    # Each run's end, as the server sent it and as the browser received it, in order.
    pairs = list(zip(server_runs, cdp_ends, strict=False))
    delays = [received_at - sent_at for sent_at, received_at in pairs]
    heard_late = [heard - browser for browser, heard, _, _ in cdp_frames]
    big = [size for _, _, size, _ in cdp_frames if size > SMALL_FRAME]
    return {
        "seconds": t1 - t0,
        "page_seconds": page_seconds,
        "server": sum(map(inside, server_runs)),
        "page": page_window(received)["fragment_runs_completed"],
        "playwright": sum(inside(t) and kind == "fragment" for t, _, kind in frames.received),
        "cdp": sum(map(inside, cdp_ends)),
        "run_ends_sent": len(server_runs),
        "run_ends_received": len(cdp_ends),
        "delivery_delay_s": _spread(delays),
        "python_late_s": _spread(heard_late),
        "biggest_frame_kb": max(big, default=0) / 1e3,
    }


def _spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {"median": float("nan"), "max": float("nan")}
    return {"median": statistics.median(values), "max": max(values)}


def describe(counted: dict[str, Any], interval: float, label: str) -> str:
    """One line: the counts each way and the delays."""
    requested = counted["seconds"] / interval
    late = counted["python_late_s"]
    return (
        f"{label}: requested {requested:.0f}; server {counted['server']}, page "
        f"{counted['page']}, Playwright {counted['playwright']}, CDP {counted['cdp']} "
        f"({100 * counted['server'] / requested:.0f}%); run ends delivered "
        f"{counted['delivery_delay_s']['median']:.2f} s late (median, max "
        f"{counted['delivery_delay_s']['max']:.2f}); Python hears of a frame "
        f"{late['median']:.3f} s late (max {late['max']:.2f})"
    )


def markdown(results: dict[str, Any]) -> str:
    """The check's rounds as a table."""
    env, rounds = results["env"], results["rounds"]
    interval = float(env["FEED_RUN_EVERY"])
    rows = [
        [str(i + 1), f"{r['seconds'] / interval:.0f}", str(r["server"]), str(r["page"]),
         str(r["playwright"]), str(r["cdp"]),
         f"{100 * r['server'] * interval / r['seconds']:.0f}%",
         f"{100 * r['page'] * interval / r['page_seconds']:.0f}%",
         f"{r['delivery_delay_s']['median']:.2f} / {r['delivery_delay_s']['max']:.2f}",
         f"{r['python_late_s']['median']:.3f} / {r['python_late_s']['max']:.2f}",
         f"{r['biggest_frame_kb']:.0f}"]
        for i, r in enumerate(rounds)
    ]  # fmt: skip
    header = ["round", "requested", "server", "page", "Playwright", "CDP", "achieved (server)",
              "achieved (page)",
              "run end delivered late, s (median / max)", "Python hears late, s (median / max)",
              "biggest frame kB"]  # fmt: skip
    return "\n".join([
        "# Checking the end-to-end tick count",
        "",
        f"Measured {results['date']}: `app.py` with `FEED_WINDOW={env['FEED_WINDOW']}`, "
        f"`FEED_SERIES={env['FEED_SERIES']}` every {interval:g} s, "
        f"{results['warmup_s']:g} s warm-up then a {results['window_s']:g} s window per round, "
        "each round a fresh server and browser. Completed fragment runs in the window, counted "
        "by the server as it sends them, in the page (the benchmark's count), by Playwright's "
        "`framereceived` (Python's clock), and by CDP `Network.webSocketFrameReceived` (the "
        "browser's clock). Reproduce: `python -m benchmarks.check_ticks`.",
        "",
        report.table(header, rows),
        "",
        "How to read it: Playwright, CDP and the page count what reached the browser; they "
        "agree but for a run at a window's edge, so none of them loses frames however big. "
        "The server counts what it sent. When the page handles each tick's message more "
        "slowly than ticks come, run ends queue on their way to it (*delivered late*: from "
        "the server's sending to the browser's network layer reading the frame) and the "
        "server's count runs ahead of the page's: the server's rate (the app's readout) then "
        "overstates what the viewer sees. This check ships every payload to Python twice "
        "(Playwright's and its own CDP session), more load than the benchmark's, so its "
        "achieved rates are lower than the benchmark's; compare its counts with each other.",
        "",
    ])  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.check_ticks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--window", type=int, default=1_000_000, help="points per series")
    parser.add_argument("--series", type=int, default=16)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds per tick")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds")
    parser.add_argument("--seconds", type=float, default=20.0, help="the window, seconds")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS, help="results directory")
    return parser


if __name__ == "__main__":
    sys.exit(main())
