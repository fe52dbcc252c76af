"""Feed.refresh: the tick's way in. Slow, hung, failing and bad sources never stop a tick."""

from __future__ import annotations

import itertools
import threading
import time

import numpy as np

from feed import Batch, Feed, SyntheticSource
from feed.sources.base import NS_PER_SECOND

NOW = 1_800_000_000 * NS_PER_SECOND


class Scripted:
    """A source whose next answer the test decides: a batch, an exception, or a hang."""

    names = ("A",)

    def __init__(self) -> None:
        self.answer: object = Batch(np.array([1], np.int64), np.array([[1.0]]))
        self.release = threading.Event()
        self.polls = 0

    def poll(self, now: int) -> Batch:
        self.polls += 1
        answer = self.answer
        if answer == "hang":
            self.release.wait(timeout=30)
            return Batch(np.array([100], np.int64), np.array([[7.0]]))
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_refresh_adds_what_the_source_returns():
    feed = Feed(SyntheticSource(seed=0), capacity=500)
    update = feed.refresh(NOW)
    assert update.added == 119
    assert update.error is None
    assert len(feed.ring) == 119


def test_refresh_reports_a_raising_source_and_keeps_the_window():
    source = Scripted()
    feed = Feed(source)
    feed.refresh()
    source.answer = OSError("port closed")
    update = feed.refresh()
    assert update.error == "OSError: port closed"
    assert feed.ring.times.tolist() == [1]


def test_refresh_reports_unusable_data_and_keeps_the_window():
    source = Scripted()
    feed = Feed(source)
    feed.refresh()
    source.answer = Batch(np.array([2, 3], np.int64), np.array([[1.0]]))
    update = feed.refresh()
    assert "same length, got 2 times and 1 rows" in update.error
    assert feed.ring.times.tolist() == [1]


def test_refresh_keeps_the_valid_part_and_warns():
    source = Scripted()
    feed = Feed(source)
    source.answer = Batch(np.array([5, 4, 6], np.int64), np.array([[1.0], [2.0], [np.inf]]))
    update = feed.refresh()
    assert update.added == 2
    assert len(update.warnings) == 2
    assert feed.ring.times.tolist() == [5, 6]
    assert np.isnan(feed.ring.values[0, -1])


def test_refresh_does_not_wait_for_a_hung_source_and_adds_its_answer_later():
    source = Scripted()
    feed = Feed(source, poll_timeout=0.2)
    feed.refresh()
    source.answer = "hang"
    update = feed.refresh()  # returns after about 0.2 s, not 30
    assert update.error.startswith("the source has not answered for")
    assert feed.ring.times.tolist() == [1]
    assert feed.refresh().error.startswith("the source has not answered")
    assert source.polls == 2  # the second refresh waited on the same poll, no pile-up
    source.answer = Batch(np.array([200], np.int64), np.array([[8.0]]))
    source.release.set()
    deadline = time.monotonic() + 10
    while len(feed.ring) < 2 and time.monotonic() < deadline:  # the worker adds the answer
        time.sleep(0.01)
    assert feed.ring.times.tolist() == [1, 100]  # the late answer was kept
    assert feed.refresh().error is None  # and the next poll starts afresh
    assert feed.ring.times.tolist() == [1, 100, 200]


def test_refresh_polls_once_per_min_poll_interval_however_many_callers():
    source = Scripted()
    feed = Feed(source, min_poll_interval=60.0)
    for _ in range(20):
        feed.refresh()
    assert source.polls == 1


def test_readers_never_see_a_torn_or_reordered_window_while_a_writer_polls():
    feed = Feed(SyntheticSource(names=("A", "B"), seed=0, backfill=50), capacity=300)
    stop, problems = threading.Event(), []
    clock = itertools.count(NOW, NS_PER_SECOND // 7)  # never runs out, however slow the reads

    def write() -> None:
        while not stop.is_set():
            feed.update(next(clock))
            time.sleep(0)  # let the readers in: a writer holding on to the GIL starves them

    def read() -> None:
        import polars as pl

        from tests.sent import decoded, drawn

        for _ in range(400):
            data = feed.chart_data(columns=50, last=250)
            frames = decoded(data.datasets)
            series_a = drawn(frames).filter(pl.col("series") == "A")
            stamps = series_a["t"].to_numpy()  # epoch ms, in the parts' order
            if not np.all(np.diff(stamps) > 0):
                problems.append("times out of order")
            # Sampling on a fixed grid: a torn window would show a step of another size.
            steps = np.diff(stamps)
            if len(stamps) == data.window > 1 and np.ptp(steps) > 1e-3:  # one sample: no step
                problems.append(f"uneven steps {sorted(set(steps))[:3]}")

    writer = threading.Thread(target=write)
    readers = [threading.Thread(target=read) for _ in range(3)]
    writer.start()
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    stop.set()
    writer.join()
    assert problems == []
    assert len(feed.ring) == 300


def test_refresh_polls_a_non_blocking_source_inline_and_others_on_the_worker():
    inline = Feed(SyntheticSource(seed=0))
    inline.refresh(NOW)
    assert inline._poller is None  # no thread hand-off for a source without I/O
    worker = Feed(Scripted())
    worker.refresh()
    assert worker._poller is not None


def test_refresh_inline_source_that_raises_is_reported():
    class Broken(SyntheticSource):
        def poll(self, now: int) -> Batch:
            raise ZeroDivisionError("bad arithmetic")

    assert Feed(Broken()).refresh(NOW).error == "ZeroDivisionError: bad arithmetic"
