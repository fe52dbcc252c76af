"""SyntheticSource: the tutorial's data, its backfill and its bounded catch-up."""

from __future__ import annotations

import numpy as np
import pytest

from feed.sources.base import NS_PER_SECOND, Batch, Source, SyntheticSource

NOW = 1_800_000_000 * NS_PER_SECOND
HALF_SECOND = NS_PER_SECOND // 2


def test_synthetic_is_a_source():
    assert isinstance(SyntheticSource(), Source)


def test_synthetic_first_poll_backfills_sixty_seconds_every_half_second():
    batch = SyntheticSource(seed=1).poll(NOW)
    assert len(batch) == 119  # (now - 60 s, now), exclusive at both ends, as the tutorial
    assert batch.values.shape == (119, 2)
    assert batch.times[0] == NOW - 60 * NS_PER_SECOND + HALF_SECOND
    assert batch.times[-1] == NOW - HALF_SECOND
    assert set(np.diff(batch.times)) == {HALF_SECOND}


def test_synthetic_next_poll_returns_only_new_samples_on_the_same_grid():
    source = SyntheticSource(seed=1)
    first = source.poll(NOW)
    second = source.poll(NOW + 2 * NS_PER_SECOND)
    assert second.times.tolist() == [first.times[-1] + k * HALF_SECOND for k in range(1, 5)]


def test_synthetic_poll_before_the_next_sample_is_empty():
    source = SyntheticSource(seed=1)
    source.poll(NOW)
    batch = source.poll(NOW)  # the next sample is due at NOW itself, exclusive
    assert len(batch) == 0
    assert batch.values.shape == (0, 2)


def test_synthetic_catch_up_is_bounded_to_max_catchup():
    source = SyntheticSource(seed=1)
    source.poll(NOW)
    batch = source.poll(NOW + 3600 * NS_PER_SECOND)
    assert len(batch) == 119
    assert batch.times[0] > NOW + 3540 * NS_PER_SECOND


def test_synthetic_clock_going_back_yields_nothing_and_no_repeats():
    source = SyntheticSource(seed=1)
    first = source.poll(NOW)
    assert len(source.poll(NOW - 10 * NS_PER_SECOND)) == 0
    later = source.poll(NOW + NS_PER_SECOND)
    assert later.times[0] == first.times[-1] + HALF_SECOND


def test_synthetic_seed_makes_values_repeatable_and_standard_normal():
    a = SyntheticSource(seed=7, backfill=3600).poll(NOW)
    b = SyntheticSource(seed=7, backfill=3600).poll(NOW)
    np.testing.assert_array_equal(a.values, b.values)
    assert abs(a.values.mean()) < 0.1
    assert 0.9 < a.values.std() < 1.1


def test_synthetic_backfill_fills_a_larger_window_at_once():
    batch = SyntheticSource(seed=1, backfill=3600).poll(NOW)
    assert len(batch) == 7199
    source = SyntheticSource(seed=1, backfill=3600)
    source.poll(NOW)
    assert len(source.poll(NOW + 3600 * NS_PER_SECOND)) == 119  # later polls: max_catchup


def test_synthetic_start_after_continues_another_timeline():
    source = SyntheticSource(seed=1, start_after=NOW - NS_PER_SECOND)
    batch = source.poll(NOW)
    assert batch.times.tolist() == [NOW - HALF_SECOND]


def test_synthetic_rejects_a_float_start_after():
    with pytest.raises(TypeError, match=r"`start_after` must be int ns since the epoch, got 1\.5"):
        SyntheticSource(start_after=1.5)


def test_synthetic_names_set_the_number_of_series():
    batch = SyntheticSource(names=("x", "y", "z"), seed=0).poll(NOW)
    assert batch.values.shape[1] == 3


def test_batch_len_counts_samples():
    assert len(Batch(np.arange(3, dtype=np.int64), np.zeros((3, 1)))) == 3


@pytest.mark.parametrize(
    ("names", "error", "message"),
    [
        ((), ValueError, r"`names` must name at least one series, got \(\)"),
        ("AB", TypeError, "`names` must be a sequence of strings, got the string 'AB'"),
        (("A", ""), ValueError, "`names` must be non-empty strings, got ''"),
        (("A", 3), ValueError, "`names` must be non-empty strings, got 3"),
        (("A", "B", "A"), ValueError, r"`names` must be distinct, got duplicates \['A'\]"),
        (("t", "A"), ValueError, "`names` must not include 't'"),
        (("a\\b",), ValueError, "`names` must not contain a backslash"),
    ],
)
def test_synthetic_rejects_bad_names(names, error, message):
    with pytest.raises(error, match=message):
        SyntheticSource(names=names)


@pytest.mark.parametrize("interval", [0, -0.5, float("nan"), float("inf")])
def test_synthetic_rejects_non_positive_interval(interval):
    with pytest.raises(ValueError, match="`sample_interval` must be a positive number of seconds"):
        SyntheticSource(sample_interval=interval)


def test_synthetic_rejects_non_numeric_catchup():
    with pytest.raises(TypeError, match="`max_catchup` must be a number of seconds, got '60'"):
        SyntheticSource(max_catchup="60")
