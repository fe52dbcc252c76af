"""The app in a real browser: a file source whose file is not written yet waits for it, and
the page starts charting it by itself once it appears, with no reload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from benchmarks.server import PROJECT, streamlit_server

pytestmark = pytest.mark.browser

CHART_CANVAS = "[data-testid='stVegaLiteChart'] canvas"


@pytest.fixture
def missing(tmp_path: Path) -> Path:
    return tmp_path / "later.csv"


@pytest.fixture
def waiting_page(browser: Browser, missing: Path) -> Iterator[Page]:
    env = {"FEED_SOURCES": f"lab=file:{missing}"}
    with streamlit_server(PROJECT / "app.py", env=env) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(server.url)
        yield page
        context.close()


def test_file_source_waits_then_charts_the_file_once_it_appears(waiting_page, missing):
    page = waiting_page
    expect(page.get_by_text("Waiting for the file 'later.csv' to appear")).to_be_visible(
        timeout=20_000
    )
    expect(page.locator(CHART_CANVAS)).to_have_count(0)
    missing.write_text("t,pressure\n1764000000,1.5\n1764000001,2.5\n")
    expect(page.locator(CHART_CANVAS)).to_be_visible(timeout=20_000)  # rerun every 2 s
    expect(page.get_by_text("Waiting for the file")).to_have_count(0)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
