"""The app in a real browser: ticks arrive while streaming and stop when stopped."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from feed.ui.view import DEFAULT_WIDTH_PX

pytestmark = pytest.mark.browser

CHART_CANVAS = "[data-testid='stVegaLiteChart'] canvas"
INTERVAL_S = 1.0  # the slider's default

# Records every distinct picture the chart's canvas has shown; true once it has shown `n`.
SEEN_AT_LEAST = """n => {
    const canvas = document.querySelector("CANVAS");
    if (!canvas) return false;
    window.__seen = window.__seen || new Set();
    window.__seen.add(canvas.toDataURL());
    return window.__seen.size >= n;
}""".replace("CANVAS", CHART_CANVAS)


def chart_picture(page: Page) -> str:
    return page.eval_on_selector(CHART_CANVAS, "canvas => canvas.toDataURL()")


def last_tick(page: Page) -> str:
    return page.get_by_text("Last tick:").inner_text()


def test_streaming_updates_the_chart_and_stop_freezes_it(page: Page):
    start = page.get_by_role("button", name="Start streaming")
    stop = page.get_by_role("button", name="Stop streaming")
    expect(page.get_by_role("heading", name="Data feed")).to_be_visible()
    expect(page.locator(CHART_CANVAS)).to_be_visible()
    expect(stop).to_be_disabled()

    start.click()
    expect(start).to_be_disabled()
    # The first picture plus three changes, each from a tick's new data.
    page.wait_for_function(SEEN_AT_LEAST, arg=4, timeout=20_000, polling=100)

    stop.click()
    expect(start).to_be_enabled()
    expect(stop).to_be_disabled()
    page.wait_for_timeout(INTERVAL_S * 1000)  # let a tick already in flight land
    frozen_picture, frozen_tick = chart_picture(page), last_tick(page)
    deadline = time.monotonic() + 4 * INTERVAL_S
    while time.monotonic() < deadline:  # nothing may change for four intervals
        assert chart_picture(page) == frozen_picture
        assert last_tick(page) == frozen_tick
        page.wait_for_timeout(200)

    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    expect(page.locator("[data-testid='stAlert']")).to_have_count(0)


def test_the_default_width_is_the_widest_chart_the_layout_draws(page: Page):
    """M4 is exact while the plot has no more pixel columns than the grid: the default width
    is the chart's width in Streamlit's centered layout however wide the screen."""
    expect(page.locator(CHART_CANVAS)).to_be_visible()
    for screen_width in (1280, 2560):
        page.set_viewport_size({"width": screen_width, "height": 900})
        page.wait_for_timeout(500)  # the chart follows its container's width
        width = page.eval_on_selector(CHART_CANVAS, "canvas => canvas.clientWidth")
        assert width == DEFAULT_WIDTH_PX, screen_width
