"""Shared by every test: the app's periodic collector never freezes the test process."""

from __future__ import annotations

import pytest

from feed.ui import memory


@pytest.fixture(autouse=True)
def unfrozen_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app calls ``memory.collect_now_and_then()`` on every tick; under pytest (AppTest)
    its first call would ``gc.freeze()`` every object of the test session."""
    monkeypatch.setattr(memory, "_COLLECTOR", memory.PeriodicCollector(freeze=lambda: None))
