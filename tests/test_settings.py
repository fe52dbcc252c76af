"""FEED_RUN_EVERY: a faster tick interval for benchmarks."""

from __future__ import annotations

import pytest

from feed.settings import run_every_override


def test_run_every_unset_means_no_override():
    assert run_every_override({}) is None
    assert run_every_override({"FEED_RUN_EVERY": "  "}) is None


def test_run_every_reads_seconds():
    assert run_every_override({"FEED_RUN_EVERY": "0.05"}) == 0.05


@pytest.mark.parametrize("raw", ["fast", "0", "-1", "nan", "inf"])
def test_run_every_rejects_what_is_not_a_positive_number(raw):
    with pytest.raises(ValueError, match=rf"`FEED_RUN_EVERY` must be a positive number.*'{raw}'"):
        run_every_override({"FEED_RUN_EVERY": raw})
