"""Hover cost: the page's main-thread time per pointer move over the live chart.

``python -m benchmarks.bench_hover``: for each window and series count, start ``app.py``
(``FEED_WINDOW``, ``FEED_SERIES``), open it in headless Chromium, and move the pointer across
the chart, one pixel column at a time, ``moves`` times with streaming stopped (the hover
alone), then again while streaming at 0.5 s. Per move: the page's main-thread task time
(CDP ``Performance.getMetrics`` ``TaskDuration``) over the moves, divided by their count;
beside it, the same time with the pointer resting still for as long (what the page costs
anyway), so the difference is the hover's own cost. Writes ``results/HOVER.md`` and
``results/hover.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from benchmarks.report import table, write_page
from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, PROJECT, streamlit_server

RESULTS = PROJECT / "benchmarks" / "results"
CELLS = ((1_000_000, 16), (1_000_000, 2), (10_000, 16), (100, 2))
CHART_CANVAS = "[data-testid='stVegaLiteChart'] canvas"


def task_seconds(cdp: Any) -> float:
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics["TaskDuration"]


def sweep(page: Any, cdp: Any, moves: int, pause_ms: int, still: bool) -> float:
    """Main-thread ms per move over ``moves`` moves (or as long resting, if ``still``)."""
    box = page.locator(CHART_CANVAS).bounding_box()
    y = box["y"] + box["height"] * 0.4
    x0 = box["x"] + box["width"] * 0.2
    page.mouse.move(x0, y)
    page.wait_for_timeout(300)
    before = task_seconds(cdp)
    for i in range(moves):
        if not still:
            page.mouse.move(x0 + 2 * (i % 200), y)
        page.wait_for_timeout(pause_ms)
    return 1e3 * (task_seconds(cdp) - before) / moves


def measure(window: int, series: int, moves: int, pause_ms: int) -> dict[str, Any]:
    """One cell: ms per move, moving and still, stopped and streaming."""
    from playwright.sync_api import expect, sync_playwright

    env = {"FEED_WINDOW": str(window), "FEED_SERIES": str(series), "FEED_RUN_EVERY": "0.5"}
    figures: dict[str, Any] = {"window": window, "series": series, "moves": moves}
    with streamlit_server(PROJECT / "app.py", env=env) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(server.url)
        start = page.get_by_role("button", name="Start streaming")
        expect(start).to_be_enabled(timeout=120_000)
        expect(page.locator(CHART_CANVAS)).to_be_visible(timeout=120_000)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        page.wait_for_timeout(1_000)
        for label in ("stopped", "streaming"):
            if label == "streaming":
                start.click()
                page.wait_for_timeout(2_000)
            moving = sweep(page, cdp, moves, pause_ms, still=False)
            resting = sweep(page, cdp, moves, pause_ms, still=True)
            figures[label] = {
                "moving_ms": moving,
                "still_ms": resting,
                "hover_ms": moving - resting,
            }
        browser.close()
    return figures


def write(results: list[dict[str, Any]], out: Path) -> Path:
    header = ["window", "series", "stopped: ms per move", "still", "hover's own",
              "streaming: ms per move", "still", "hover's own"]  # fmt: skip
    rows = [
        [
            f"{r['window']:,}",
            str(r["series"]),
            *(
                f"{r[when][key]:.1f}"
                for when in ("stopped", "streaming")
                for key in ("moving_ms", "still_ms", "hover_ms")
            ),
        ]
        for r in results
    ]
    title = "Hover cost per pointer move (page main thread, CDP TaskDuration)"
    return write_page(results, out, ("hover.json", "HOVER.md"), title, __doc__, table(header, rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_hover", description=__doc__)
    parser.add_argument("--moves", type=int, default=60, help="pointer moves per sweep")
    parser.add_argument("--pause-ms", type=int, default=50, help="between moves")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results = []
    for window, series in CELLS:
        results.append(measure(window, series, args.moves, args.pause_ms))
        r = results[-1]
        print(f"hover {window:,} x {series}: stopped {r['stopped']['hover_ms']:.1f} ms/move "
              f"(moving {r['stopped']['moving_ms']:.1f}, still {r['stopped']['still_ms']:.1f}); "
              f"streaming {r['streaming']['hover_ms']:.1f}", flush=True)  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"wrote {write(results, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
