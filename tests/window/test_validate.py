"""clean_batch: keep what is valid from a misbehaving source, and say what was wrong."""

from __future__ import annotations

import numpy as np
import pytest

from feed.sources.base import Batch
from feed.window.validate import BadBatch, clean_batch


def batch(times, values) -> Batch:
    return Batch(np.asarray(times), np.asarray(values))


def test_clean_batch_passes_good_data_through():
    clean = clean_batch(batch([1, 2, 3], [[0.0], [1.0], [2.0]]), 1, last_time=0)
    assert clean.times.tolist() == [1, 2, 3]
    assert clean.warnings == ()


def test_clean_batch_drops_times_that_repeat_or_go_back_and_says_so():
    clean = clean_batch(batch([5, 6, 6, 4, 7], [[1.0], [2.0], [3.0], [4.0], [5.0]]), 1, 0)
    assert clean.times.tolist() == [5, 6, 7]
    assert clean.values[:, 0].tolist() == [1.0, 2.0, 5.0]
    assert clean.warnings == (
        "dropped 2 sample(s) whose time was not after the previous sample's (times must increase)",
    )


def test_clean_batch_drops_samples_older_than_the_window():
    clean = clean_batch(batch([3, 10, 11], [[1.0], [2.0], [3.0]]), 1, last_time=10)
    assert clean.times.tolist() == [11]


def test_clean_batch_turns_infinities_into_gaps():
    clean = clean_batch(batch([1, 2], [[np.inf, 1.0], [2.0, -np.inf]]), 2, None)
    assert np.isnan(clean.values).tolist() == [[True, False], [False, True]]
    assert clean.warnings == ("2 infinite value(s) shown as gaps",)


def test_clean_batch_keeps_nan_as_a_gap_without_warning():
    clean = clean_batch(batch([1, 2], [[np.nan], [1.0]]), 1, None)
    assert np.isnan(clean.values[0, 0])
    assert clean.warnings == ()


def test_clean_batch_rejects_lengths_that_disagree():
    with pytest.raises(BadBatch, match="same length, got 3 times and 2 rows"):
        clean_batch(batch([1, 2, 3], [[1.0], [2.0]]), 1, None)


def test_clean_batch_rejects_the_wrong_number_of_series():
    with pytest.raises(BadBatch, match=r"`values` must have shape \(n, 2\).*got shape \(1, 3\)"):
        clean_batch(batch([1], [[1.0, 2.0, 3.0]]), 2, None)


def test_clean_batch_rejects_text_values():
    with pytest.raises(BadBatch, match=r"`values` must hold real numbers.*got dtype <U3"):
        clean_batch(batch([1], [["1.0"]]), 1, None)


def test_clean_batch_rejects_float_times():
    with pytest.raises(BadBatch, match=r"`times` must hold integers.*got dtype float64"):
        clean_batch(batch([1.5], [[1.0]]), 1, None)


def test_clean_batch_rejects_what_is_not_a_batch():
    with pytest.raises(BadBatch, match="must return a Batch with `times` and `values`, got list"):
        clean_batch([1, 2], 1, None)
