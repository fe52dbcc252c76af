"""The live chart's gestures in a real browser, kept across ticks: wheel zoom (and the range
then sent at full detail), double-click and "Follow live" back to following the newest data,
and the legend showing one series."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from playwright.sync_api import Browser, Page, expect

from benchmarks.server import PROJECT, Server, streamlit_server
from feed.chart.layers import AXES
from feed.chart.nearest import NEAREST
from tests import sent

pytestmark = pytest.mark.browser

CHART_CANVAS = "[data-testid='stVegaLiteChart'] canvas"
ZOOMED = "Zoomed in on"
INTERVAL_MS = 500
SAMPLE_S = 0.5  # the synthetic source's sample interval
SERIES_B = (131, 201, 255)  # the second series' colour in Streamlit's theme
ZONE = "Asia/Kolkata"
IST_MS = (5 * 60 + 30) * 60_000  # its clock's lead on UTC

# Pixels of the plot area (the canvas' top 70%, above the axis and legend) near a colour.
PIXELS_NEAR = """([selector, rgb]) => {
    const canvas = document.querySelector(selector);
    const ctx = canvas.getContext("2d");
    const data = ctx.getImageData(0, 0, canvas.width, Math.floor(canvas.height * 0.7)).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1])
            + Math.abs(data[i + 2] - rgb[2]) < 40) n++;
    }
    return n;
}"""


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    env = {"FEED_WINDOW": "1000000", "FEED_RUN_EVERY": str(INTERVAL_MS / 1000)}
    with streamlit_server(PROJECT / "app.py", env=env) as running:
        yield running


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    # A viewer in India, 5:30 ahead of UTC: the server's clock and the page's differ.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id=ZONE)
    page = context.new_page()
    page.frames_received = []  # every websocket frame, for the data the page got
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda data: page.frames_received.append(data)),
    )
    page.goto(server.url)
    start = page.get_by_role("button", name="Start streaming")
    expect(start).to_be_enabled(timeout=90_000)  # the first load fills a 1M window
    start.click()
    expect(page.locator(CHART_CANVAS)).to_be_visible()
    yield page
    context.close()


def wheel_zoom(page: Page, steps: int, delta: int = -400) -> None:
    box = page.locator(CHART_CANVAS).bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4)
    for _ in range(steps):
        page.mouse.wheel(0, delta)
        page.wait_for_timeout(30)


def zoom_caption(page: Page) -> str:
    return page.get_by_text(ZOOMED).inner_text()


def settled_zoom_caption(page: Page) -> str:
    """The zoom caption once the gesture's selection events (debounced) have all landed."""
    expect(page.get_by_text(ZOOMED)).to_be_visible(timeout=5_000)
    caption = ""
    while caption != (caption := zoom_caption(page)):
        page.wait_for_timeout(3 * INTERVAL_MS)
    return caption


def last_chart_datasets(page: Page) -> dict[str, pl.DataFrame]:
    """The datasets of the last chart message the page received."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    for data in reversed(page.frames_received):
        msg = ForwardMsg()
        try:
            msg.ParseFromString(data if isinstance(data, bytes) else data.encode())
        except Exception:
            continue
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            continue
        element = msg.delta.new_element
        if element.WhichOneof("type") == "vega_lite_chart":
            return sent.datasets(element.vega_lite_chart)
    raise AssertionError("no chart message received")


def test_wheel_zoom_holds_across_ticks_and_double_click_follows_live(page: Page):
    wheel_zoom(page, 3)
    held = settled_zoom_caption(page)
    page.wait_for_timeout(4 * INTERVAL_MS)  # three ticks and more
    assert zoom_caption(page) == held  # the same range, tick after tick
    assert "Last tick" in page.locator("[data-testid='stSidebar']").inner_text()  # streaming

    box = page.locator(CHART_CANVAS).bounding_box()
    page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    expect(page.get_by_text(ZOOMED)).to_have_count(0, timeout=5_000)  # following again
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


def test_follow_live_button_ends_the_zoom(page: Page):
    wheel_zoom(page, 2)
    expect(page.get_by_text(ZOOMED)).to_be_visible(timeout=5_000)
    page.get_by_role("button", name="Follow live").click()
    expect(page.get_by_text(ZOOMED)).to_have_count(0, timeout=5_000)
    page.wait_for_timeout(3 * INTERVAL_MS)
    expect(page.get_by_text(ZOOMED)).to_have_count(0)  # and it stays following


def test_a_zoom_to_a_few_hundred_samples_sends_every_raw_sample(page: Page):
    wheel_zoom(page, 12, delta=-600)  # 5.8 days down to about 6 minutes
    settled_zoom_caption(page)
    datasets = last_chart_datasets(page)
    (axes,) = datasets[AXES].rows(named=True)
    assert axes["note"] == ""  # not downsampled: raw samples
    a = sent.drawn(datasets).filter(pl.col("series") == "A").sort("t")["t"].to_numpy()
    assert 20 < len(a) < 3_200  # a zoomed range, far below the 1M window
    gaps = set((a[1:] - a[:-1]).round().astype(int).tolist())
    assert gaps == {int(SAMPLE_S * 1000)}  # every sample of the range, none skipped


def test_legend_click_shows_one_series_across_ticks(page: Page):
    page.wait_for_timeout(2 * INTERVAL_MS)
    assert page.evaluate(PIXELS_NEAR, [CHART_CANVAS, SERIES_B]) > 500  # B is drawn
    box = page.locator(CHART_CANVAS).bounding_box()
    page.mouse.click(box["x"] + 45, box["y"] + box["height"] - 37)  # the legend's "A"
    page.wait_for_timeout(4 * INTERVAL_MS)  # three ticks and more
    assert page.evaluate(PIXELS_NEAR, [CHART_CANVAS, SERIES_B]) < 50  # B is not
    expect(page.locator("[data-testid='stException']")).to_have_count(0)


TOOLTIP = "#vg-tooltip-element"


def tooltip_rows(page: Page) -> tuple[str, dict[str, str]]:
    """The tooltip's title and its rows, series name to value as shown."""
    title = page.locator(f"{TOOLTIP} h2").inner_text()
    keys = page.locator(f"{TOOLTIP} td.key").all_inner_texts()
    values = page.locator(f"{TOOLTIP} td.value").all_inner_texts()
    return title, dict(zip(keys, values, strict=True))


def test_hover_shows_the_time_and_every_value_and_survives_ticks(page: Page):
    page.wait_for_timeout(2 * INTERVAL_MS)
    box = page.locator(CHART_CANVAS).bounding_box()
    x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5
    before = page.eval_on_selector(CHART_CANVAS, "c => c.toDataURL()")
    page.mouse.move(x - 5, y)
    page.mouse.move(x, y)
    tooltip = page.locator(TOOLTIP)
    expect(tooltip).to_be_visible(timeout=5_000)
    title, rows = tooltip_rows(page)
    assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d{3}", title), title
    assert list(rows) == ["A", "B"]
    datasets = last_chart_datasets(page)
    nearest, base_ms = datasets[NEAREST], datasets[AXES]["base"][0]
    assert (base_ms + IST_MS) % 86_400_000 == 0  # the times' base: a midnight in India
    local = {
        datetime.fromtimestamp(t / 1e3, ZoneInfo(ZONE)).strftime("%H:%M:%S.%f")[:-3]
        for t in nearest["t"]
    }
    assert title in local, (title, sorted(local)[:3])  # a sample's time, in India
    for field, name in (("v0", "A"), ("v1", "B")):  # values the server looked up
        assert float(rows[name]) in set(nearest[field]), rows  # as sent: six digits
        assert len(rows[name].lstrip("-").replace(".", "").strip("0")) <= 6, rows
    assert page.eval_on_selector(CHART_CANVAS, "c => c.toDataURL()") != before  # the rule and dots
    page.wait_for_timeout(4 * INTERVAL_MS)  # three ticks and more
    expect(tooltip).to_be_visible()
    assert tooltip_rows(page)[0] == title  # the same place, under the pointer

    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] + 200)  # away
    expect(tooltip).to_be_hidden(timeout=5_000)


def test_hover_leaves_out_a_series_the_legend_hides(page: Page):
    page.wait_for_timeout(2 * INTERVAL_MS)
    box = page.locator(CHART_CANVAS).bounding_box()
    page.mouse.click(box["x"] + 45, box["y"] + box["height"] - 37)  # the legend's "A"
    x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5
    page.wait_for_timeout(3 * INTERVAL_MS)  # the click reaches the server; a tick comes back
    page.mouse.move(x - 5, y)
    page.mouse.move(x, y)
    expect(page.locator(TOOLTIP)).to_be_visible(timeout=5_000)
    assert list(tooltip_rows(page)[1]) == ["A"]
    assert list(last_chart_datasets(page)[NEAREST].columns) == ["a", "b", "t", "v0"]
