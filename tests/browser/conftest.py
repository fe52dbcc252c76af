"""A real `streamlit run` server and Debian's headless Chromium, for the browser tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from benchmarks.server import CHROMIUM, CHROMIUM_ARGS, PROJECT, Server, streamlit_server


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with streamlit_server(PROJECT / "app.py") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Module-scoped: Playwright's sync API allows one instance per thread at a time, and the
    end-to-end benchmark's smoke test starts its own."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(server.url)
    yield page
    context.close()
