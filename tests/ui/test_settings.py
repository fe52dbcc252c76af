"""FEED_RUN_EVERY: a faster tick interval for benchmarks."""

from __future__ import annotations

import pytest

from feed.ui.settings import checked_int, checked_seconds, int_setting, run_every_override


def test_run_every_unset_means_no_override():
    assert run_every_override({}) is None
    assert run_every_override({"FEED_RUN_EVERY": "  "}) is None


def test_run_every_reads_seconds():
    assert run_every_override({"FEED_RUN_EVERY": "0.05"}) == 0.05


@pytest.mark.parametrize("raw", ["fast", "0", "-1", "nan", "inf"])
def test_run_every_rejects_what_is_not_a_positive_number(raw):
    with pytest.raises(ValueError, match=rf"`FEED_RUN_EVERY` must be a positive number.*'{raw}'"):
        run_every_override({"FEED_RUN_EVERY": raw})


def test_int_setting_reads_a_value_in_range():
    assert int_setting({"FEED_WINDOW": "1000"}, "FEED_WINDOW", 100, 1, 10**6) == 1000
    assert int_setting({}, "FEED_WINDOW", 100, 1, 10**6) == 100


@pytest.mark.parametrize("raw", ["lots", "0", "2000000", "1.5"])
def test_int_setting_rejects_what_is_out_of_range(raw):
    with pytest.raises(
        ValueError, match=rf"`FEED_WINDOW` must be an integer from 1 to 1000000.*'{raw}'"
    ):
        int_setting({"FEED_WINDOW": raw}, "FEED_WINDOW", 100, 1, 10**6)


def test_checked_int_keeps_a_value_within_its_bound():
    assert checked_int("window", 1_000, 1, 10**6) == 1_000


@pytest.mark.parametrize("value", [0, 10**6 + 1, 1.5, "100", True, None])
def test_checked_int_names_the_bound(value):
    with pytest.raises(ValueError, match=r"`window` must be an integer from 1 to 1000000, got"):
        checked_int("window", value, 1, 10**6)


@pytest.mark.parametrize("value", [0.1, 6, float("nan"), "1", None])
def test_checked_seconds_names_the_bound(value):
    with pytest.raises(ValueError, match=r"`run_every` must be from 0.5 to 5 seconds, got"):
        checked_seconds("run_every", value, 0.5, 5.0)
    assert checked_seconds("run_every", 2, 0.5, 5.0) == 2.0
