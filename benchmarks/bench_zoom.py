"""Zoom latency: how soon after a wheel zoom the page receives the zoomed range at full detail.

``python -m benchmarks.bench_zoom``: start ``app.py`` on a 1,000,000-point window
(``FEED_WINDOW``) streaming at 0.5 s, open it in headless Chromium, and ``trials`` times: go
back to following live (double-click), rest, turn the wheel once over the chart, and time
until the websocket brings a chart message whose ``nearest`` dataset spans the zoomed range
(less than ``ZOOMED_SHARE`` of the axis it spanned before): the data sent for that range.
The bound the issue sets is one tick plus Streamlit's selection debounce (150 ms). Writes
``results/ZOOM.md`` and ``results/zoom.json``.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import polars as pl

from benchmarks.report import table, write_page
from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, PROJECT, streamlit_server
from feed.chart.nearest import NEAREST

RESULTS = PROJECT / "benchmarks" / "results"
CHART_CANVAS = "[data-testid='stVegaLiteChart'] canvas"
INTERVAL_S = 0.5
DEBOUNCE_S = 0.15
"""Streamlit's debounce of selection events before it reruns the app."""
ZOOMED_SHARE = 0.9
WINDOW = 1_000_000


def nearest_span(frame: bytes) -> float | None:
    """The time the ``nearest`` dataset of a chart message spans (ms), or None."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(frame)
    except Exception:
        return None
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    if element.WhichOneof("type") != "vega_lite_chart":
        return None
    for dataset in element.vega_lite_chart.datasets:
        if dataset.name == NEAREST:
            places = pl.read_ipc_stream(io.BytesIO(dataset.data.data))
            return float(places["b"].max() - places["a"].min()) if places.height else None
    return None


def measure(trials: int) -> dict[str, Any]:
    from playwright.sync_api import expect, sync_playwright

    env = {"FEED_WINDOW": str(WINDOW), "FEED_RUN_EVERY": str(INTERVAL_S)}
    frames: list[tuple[float, bytes]] = []
    latencies: list[float] = []
    with streamlit_server(PROJECT / "app.py", env=env) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

        def received(data: Any) -> None:
            frames.append((time.monotonic(), data if isinstance(data, bytes) else data.encode()))

        page.on("websocket", lambda ws: ws.on("framereceived", received))
        page.goto(server.url)
        start = page.get_by_role("button", name="Start streaming")
        expect(start).to_be_enabled(timeout=120_000)
        start.click()
        canvas = page.locator(CHART_CANVAS)
        expect(canvas).to_be_visible(timeout=120_000)
        box = canvas.bounding_box()
        x, y = box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4
        for _ in range(trials):
            page.mouse.dblclick(x, y)  # follow live again
            page.wait_for_timeout(int(4 * INTERVAL_S * 1000))
            spans = [s for _, f in frames[-20:] if (s := nearest_span(f)) is not None]
            following = spans[-1]
            page.mouse.move(x, y)
            sent = len(frames)
            began = time.monotonic()
            page.mouse.wheel(0, -400)
            latencies.append(_wait_for_zoomed(page, frames, sent, began, following))
        browser.close()
    return {
        "window": WINDOW,
        "interval_s": INTERVAL_S,
        "trials": trials,
        "latencies_ms": [1e3 * s for s in latencies],
        "median_ms": 1e3 * statistics.median(latencies),
        "max_ms": 1e3 * max(latencies),
        "bound_ms": 1e3 * (INTERVAL_S + DEBOUNCE_S),
    }


def _wait_for_zoomed(
    page: Any, frames: list[tuple[float, bytes]], sent: int, began: float, following: float
) -> float:
    """Seconds from ``began`` to the first frame after ``sent`` carrying a zoomed range."""
    seen = sent
    while time.monotonic() - began < 10:
        page.wait_for_timeout(10)
        for at, frame in frames[seen:]:
            span = nearest_span(frame)
            if span is not None and span < ZOOMED_SHARE * following:
                return at - began
        seen = len(frames)
    raise AssertionError("no zoomed range arrived within 10 s of the wheel")


def write(result: dict[str, Any], out: Path) -> Path:
    header = ["window", "interval", "trials", "median", "max", "bound (tick + debounce)"]
    row = [f"{result['window']:,}", f"{result['interval_s']} s", str(result["trials"]),
           *(f"{result[key]:.0f} ms" for key in ("median_ms", "max_ms", "bound_ms"))]  # fmt: skip
    title = "Zoom latency: wheel to the zoomed range's data (headless Chromium)"
    return write_page(result, out, ("zoom.json", "ZOOM.md"), title, __doc__, table(header, [row]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_zoom", description=__doc__)
    parser.add_argument("--trials", type=int, default=10, help="zooms timed")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    result = measure(args.trials)
    print(f"zoom: median {result['median_ms']:.0f} ms, max {result['max_ms']:.0f} ms "
          f"(bound {result['bound_ms']:.0f} ms)", flush=True)  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"wrote {write(result, args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
