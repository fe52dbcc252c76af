"""The app in a real browser: Streamlit's per-run timing entries do not pile up in the page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from benchmarks.server import PROJECT, Server, streamlit_server

pytestmark = pytest.mark.browser

# The number of "notRunning" marks now; true once it has fallen below the most seen so far.
CLEARED = """() => {
    const now = performance.getEntriesByName("notRunning", "mark").length;
    window.__mostMarks = Math.max(window.__mostMarks || 0, now);
    return now < window.__mostMarks;
}"""


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """The app streaming at 0.1 s, so Streamlit makes its marks ten times a second."""
    with streamlit_server(PROJECT / "app.py", env={"FEED_RUN_EVERY": "0.1"}) as running:
        yield running


def test_streamlit_timing_marks_are_cleared_while_streaming_and_others_kept(page: Page):
    page.get_by_role("button", name="Start streaming").click()
    expect(page.get_by_role("button", name="Stop streaming")).to_be_enabled()
    page.evaluate("() => performance.mark('not-streamlit')")
    # Streamlit marks every run's end and never clears the marks itself...
    page.wait_for_function(
        "n => performance.getEntriesByName('notRunning', 'mark').length >= n",
        arg=20,
        timeout=20_000,
        polling=100,
    )
    # ...the app's page script does, every 10 s.
    page.wait_for_function(CLEARED, timeout=20_000, polling=100)
    assert page.evaluate("() => performance.getEntriesByName('not-streamlit').length") == 1
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
