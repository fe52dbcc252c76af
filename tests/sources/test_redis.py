"""RedisSource and the `python -m feed.produce` producer, against a real redis-server: names,
backfill, incremental reads, malformed entries, connection loss, kill -9 and restarts (with
and without persistence) mid-stream, and two feeds over one stream as two replicas."""

from __future__ import annotations

import itertools
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feed import Feed, Source
from feed.produce import Publisher
from feed.produce import main as produce
from feed.sources.base import NS_PER_SECOND
from feed.sources.redis import RedisSource
from feed.sources.redis_entries import entry_fields, entry_id, shown_url
from tests.redis_server import RedisServer, free_port, redis_server, wait_until

REPO = Path(__file__).resolve().parents[2]
S = NS_PER_SECOND
T0 = 1_764_000_000 * S
STEP = 10_000_000  # the producer's grid at --interval 0.01
AB = ("A", "B")


@pytest.fixture
def server(tmp_path):
    """A fresh redis-server with an append-only file, so a restart keeps the stream."""
    with redis_server(tmp_path / "redis") as running:
        yield running


@pytest.fixture
def volatile(tmp_path):
    """A fresh redis-server without persistence: a restart starts empty."""
    with redis_server(tmp_path / "redis", persist=False) as running:
        yield running


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as running:
        yield running


@pytest.fixture
def client(server):
    connection = server.client()
    yield connection
    connection.close()


@pytest.fixture
def sources():
    """``sources(...)`` builds a RedisSource that is closed after the test."""
    made: list[RedisSource] = []

    def make(*args, **kwargs) -> RedisSource:
        made.append(RedisSource(*args, **kwargs))
        return made[-1]

    yield make
    for source in made:
        source.close()


def add(client, stream: str, times, names=AB, start: float = 0.0) -> None:
    """Samples at ``times`` as the producer writes them; series i of sample k is
    ``start + k + i / 10``."""
    for k, t in enumerate(times):
        row = [start + k + i / 10 for i in range(len(names))]
        client.xadd(stream, entry_fields(t, names, row), id=entry_id(t))


def seconds(*offsets: int) -> list[int]:
    return [T0 + k * S for k in offsets]


def poll(source: RedisSource):
    return source.poll(0)  # the source ignores `now`: entries carry their times


def drain(source: RedisSource, batches: list) -> int:
    """Poll until a poll returns nothing; how many samples were added to ``batches``."""
    added = 0
    while len(batch := poll(source)):
        batches.append(batch)
        added += len(batch)
    return added


def held(client, stream: str, first_t: int):
    """Times and values of every entry Redis holds from ``first_t`` on, in the producer's
    layout (t then the series)."""
    entries = client.xrange(stream, entry_id(first_t), "+")
    times = np.array([int(fields[b"t"]) for _, fields in entries], np.int64)
    values = np.array([[float(v) for k, v in fields.items() if k != b"t"] for _, fields in entries])
    return times, values


def start_producer(url: str, stream: str, *args: str, log: Path) -> subprocess.Popen:
    with open(log, "wb") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "feed.produce", "--redis", url, "--stream", stream, *args],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)


# --- names and arguments -----------------------------------------------------------------


def test_redis_is_a_source(sources, server, client):
    add(client, "s", seconds(0))
    assert isinstance(sources(server.url, "s"), Source)


def test_redis_names_inferred_from_newest_entry_in_written_order(sources, server, client):
    client.xadd("s", {"t": T0, "zeta": 1.0})
    client.xadd("s", {"t": T0 + S, "zeta": 1.0, "alpha": 2.0, "mid": 3.0})
    source = sources(server.url, "s")
    assert source.names == ("zeta", "alpha", "mid")
    batch = poll(source)
    assert batch.values.shape == (2, 3)
    np.testing.assert_array_equal(batch.values[1], [1.0, 2.0, 3.0])
    assert np.isnan(batch.values[0, 1:]).all()  # fields missing from an entry are gaps


def test_redis_names_given_select_fields(sources, server, client):
    add(client, "s", seconds(0, 1), names=("A", "B", "C"))
    source = sources(server.url, "s", names=("C", "A"))
    np.testing.assert_array_equal(poll(source).values, [[0.2, 0.0], [1.2, 1.0]])


def test_redis_names_missing_stream_without_names_raises(server):
    message = "stream 'nothing' at .* has no entries .*pass `names`, or start the producer first"
    with pytest.raises(ValueError, match=message):
        RedisSource(server.url, "nothing")


def test_redis_names_from_entry_with_only_t_raises(server, client):
    client.xadd("s", {"t": T0})
    with pytest.raises(ValueError, match=r"has no field besides 't'.*pass `names`"):
        RedisSource(server.url, "s")


def test_redis_names_unreachable_server_raises_connection_error_naming_url():
    url = f"redis://127.0.0.1:{free_port()}/0"
    with pytest.raises(ConnectionError, match=f"cannot reach Redis at {re.escape(url)}"):
        RedisSource(url, "s")


def test_redis_names_missing_stream_is_empty_when_names_given(sources, server):
    source = sources(server.url, "later", names=AB)
    assert len(poll(source)) == 0
    assert source.names == AB


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"stream": ""}, ValueError, "`stream` must be a non-empty string, got ''"),
        ({"url": ""}, ValueError, "`url` must be a non-empty string, got ''"),
        ({"url": "http://x"}, ValueError, "`url` must be a Redis URL .*got 'http://x'"),
        ({"backfill": -1}, ValueError, "`backfill` must be an integer >= 0, got -1"),
        ({"backfill": 1.5}, TypeError, "`backfill` must be an integer, got 1.5"),
        ({"count": 0}, ValueError, "`count` must be a positive integer, got 0"),
        ({"block_ms": True}, TypeError, "`block_ms` must be an integer, got True"),
        ({"timeout": 0}, ValueError, "`timeout` must be a positive number of seconds, got 0"),
        ({"names": ("A", "t")}, ValueError, "`names` must not include 't'"),
        ({"names": ()}, ValueError, "`names` must name at least one series"),
    ],
)
def test_redis_bad_arguments_raise(kwargs, error, message):
    with pytest.raises(error, match=message):
        RedisSource(**{"names": AB, **kwargs})


def test_redis_url_password_is_never_shown(sources):
    url = f"redis://user:secret@127.0.0.1:{free_port()}/0"
    source = sources(url, "s", names=AB)
    with pytest.raises(ConnectionError) as raised:
        poll(source)
    assert "secret" not in str(raised.value)
    assert "user:***@127.0.0.1" in str(raised.value)
    assert "secret" not in source.status + repr(source)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://u:pw@h:1/0", "redis://u:***@h:1/0"),
        ("redis://:pw@h/0?password=pw&db=1", "redis://:***@h/0?password=***&db=1"),
        ("unix:///tmp/r.sock?password=pw", "unix:///tmp/r.sock?password=***"),
        (
            "rediss://h:6380/0?ssl_ca_certs=/etc/ca.pem",
            "rediss://h:6380/0?ssl_ca_certs=/etc/ca.pem",
        ),
        ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
    ],
)
def test_shown_url_masks_every_place_redis_reads_a_password_from(url, shown):
    assert shown_url(url) == shown


def test_redis_password_argument_is_used_and_never_shown(tmp_path):
    with redis_server(tmp_path / "r") as server:
        server.client().config_set("requirepass", "hunter2")
        with RedisSource(server.url, "s", names=AB, password="hunter2") as source:
            assert len(poll(source)) == 0  # authenticated: an empty stream, no error
            assert "hunter2" not in source.status + repr(source)


# --- reading -----------------------------------------------------------------------------


def test_redis_first_poll_backfills_newest_samples_in_order(sources, server, client):
    add(client, "s", seconds(*range(30)))
    batch = poll(sources(server.url, "s", backfill=10))
    assert batch.times.tolist() == seconds(*range(20, 30))
    assert batch.times.dtype == np.int64
    assert batch.values.dtype == np.float64
    np.testing.assert_array_equal(batch.values[:, 0], np.arange(20, 30))


def test_redis_backfill_larger_than_stream_reads_it_all(sources, server, client):
    add(client, "s", seconds(0, 1, 2))
    assert poll(sources(server.url, "s", backfill=1000)).times.tolist() == seconds(0, 1, 2)


def test_redis_backfill_zero_starts_at_the_end(sources, server, client):
    add(client, "s", seconds(0, 1, 2))
    source = sources(server.url, "s", backfill=0)
    assert len(poll(source)) == 0
    add(client, "s", seconds(3))
    assert poll(source).times.tolist() == seconds(3)


def test_redis_later_polls_read_what_is_new_once(sources, server, client):
    add(client, "s", seconds(0, 1, 2))
    source = sources(server.url, "s")
    assert poll(source).times.tolist() == seconds(0, 1, 2)
    assert len(poll(source)) == 0
    add(client, "s", seconds(3, 4))
    batch = poll(source)
    assert batch.times.tolist() == seconds(3, 4)
    assert batch.values.shape == (2, 2)
    assert len(poll(source)) == 0
    assert source.read == 5
    assert source.last_id == entry_id(seconds(4)[0])


def test_redis_count_bounds_each_poll_and_later_polls_catch_up(sources, server, client):
    source = sources(server.url, "s", names=AB, count=4)
    assert len(poll(source)) == 0  # an empty stream: everything to come is new
    add(client, "s", seconds(*range(10)))
    sizes = [len(poll(source)) for _ in range(4)]
    assert sizes == [4, 4, 2, 0]


def test_redis_no_duplicates_across_many_polls(sources, server, client):
    source = sources(server.url, "s", names=AB)
    got = poll(source).times.tolist()
    for k in range(0, 60, 6):
        add(client, "s", seconds(*range(k, k + 6)))
        got += poll(source).times.tolist()
        got += poll(source).times.tolist()
    assert got == seconds(*range(60))


def test_redis_blocking_read_returns_what_is_there(sources, server, client):
    source = sources(server.url, "s", names=AB, block_ms=50)
    poll(source)
    add(client, "s", seconds(0))
    assert poll(source).times.tolist() == seconds(0)
    assert len(poll(source)) == 0  # waited 50 ms for nothing


def test_redis_malformed_entries_are_skipped_and_counted(sources, server, client):
    add(client, "s", seconds(0))
    client.xadd("s", {"A": 1.0, "B": 2.0}, id="1764000001000-0")  # no t
    client.xadd("s", {"t": "soon", "A": 1.0}, id="1764000002000-0")
    client.xadd("s", {"t": T0 + 3 * S, "A": "abc", "B": 1.0}, id="1764000003000-0")
    client.xadd("s", {"t": T0 + 4 * S, "other": 1.0}, id="1764000004000-0")
    client.xadd("s", {"t": -5, "A": 1.0}, id="1764000004500-0")
    add(client, "s", seconds(5))
    source = sources(server.url, "s")
    assert poll(source).times.tolist() == seconds(0, 5)
    assert source.malformed == 5
    assert source.last_problem == "entry 1764000004500-0: 't' -5 is outside int64 ns since epoch"
    assert "malformed entries skipped" in source.status
    client.xadd("s", {"t": T0 + 6 * S, "A": "abc", "B": 1.0}, id="1764000006000-0")
    assert len(poll(source)) == 0
    assert source.malformed == 6
    assert source.last_problem == "entry 1764000006000-0: value 'abc' of 'A' is not a number"


def test_redis_entries_not_after_the_previous_time_are_skipped(sources, server, client):
    add(client, "s", seconds(0, 5))
    client.xadd("s", {"t": T0 + 3 * S, "A": 1.0, "B": 1.0}, id="1764000005000-1")
    add(client, "s", seconds(6))  # a later ID above, but an earlier time
    source = sources(server.url, "s")
    assert poll(source).times.tolist() == seconds(0, 5, 6)
    assert source.out_of_order == 1


def test_redis_gaps_and_non_finite_values_round_trip(sources, server, client):
    client.xadd("s", entry_fields(T0, ("A", "B", "C"), [math.nan, math.inf, -0.0]), id="1-0")
    batch = poll(sources(server.url, "s"))
    assert np.isnan(batch.values[0, 0])
    assert batch.values[0, 1] == math.inf
    assert math.copysign(1, batch.values[0, 2]) == -1


_stream_names = (f"h{i}" for i in itertools.count())


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=3, max_size=3),
        min_size=1,
        max_size=20,
    )
)
def test_redis_values_round_trip_exactly(shared_server, rows):
    """What the producer writes is what the source reads, bit for bit (NaN as NaN)."""
    stream = next(_stream_names)
    names = ("x", "y", "z")
    times = [T0 + k for k in range(len(rows))]
    with shared_server.client() as client:
        pipe = client.pipeline()
        for t, row in zip(times, rows, strict=True):
            pipe.xadd(stream, entry_fields(t, names, row), id=entry_id(t))
        pipe.execute()
    with RedisSource(shared_server.url, stream, backfill=100) as source:
        batch = poll(source)
    assert source.names == names
    assert batch.times.tolist() == times
    np.testing.assert_array_equal(batch.values, np.array(rows, np.float64))


# --- connection loss and restarts --------------------------------------------------------


def test_redis_refused_connection_raises_naming_url_then_recovers(sources, server, client):
    add(client, "s", seconds(0, 1))
    source = sources(server.url, "s")
    assert len(poll(source)) == 2
    add(client, "s", seconds(2))  # written, not yet read, when the server goes away
    last_id, read = source.last_id, source.read
    server.stop()
    for _ in range(2):
        with pytest.raises(ConnectionError, match=f"cannot reach Redis at {re.escape(server.url)}"):
            poll(source)
    assert (source.last_id, source.read) == (last_id, read)  # a failed poll changes nothing
    assert not source.connected
    assert source.status.startswith(f"disconnected from {server.url} (ConnectionError: ")
    server.start()
    with server.client() as again:
        add(again, "s", seconds(3))
    assert poll(source).times.tolist() == seconds(2, 3)
    assert source.connected
    assert source.status.startswith(f"connected to {server.url}; stream 's', last id ")


def test_redis_hung_server_fails_the_poll_then_recovers(sources, server, client):
    add(client, "s", seconds(0))
    source = sources(server.url, "s", timeout=0.3)
    poll(source)
    add(client, "s", seconds(1))
    server.pause()
    try:
        with pytest.raises(ConnectionError, match=re.escape(server.url)):
            poll(source)
    finally:
        server.resume()
    assert poll(source).times.tolist() == seconds(1)


def test_redis_kill_9_mid_stream_loses_and_duplicates_nothing(tmp_path):
    """A producer writes at 100 Hz; the server is killed and restarted on its append-only
    file. The source reads exactly what Redis holds after its first sample, and the
    producer, retrying, publishes every sample once: a 10 ms grid with no hole."""
    count = 500
    with redis_server(tmp_path / "redis") as server, server.client() as client:
        log = tmp_path / "producer.log"
        producer = start_producer(
            server.url, "s", "--series", "3", "--interval", "0.01", "--count", str(count),
            log=log,
        )  # fmt: skip
        try:
            wait_until(lambda: client.exists("s"), 30, "the producer's first sample")
            batches: list = []
            with RedisSource(server.url, "s", backfill=5) as source:
                wait_until(lambda: drain(source, batches) and source.read >= 50, 30, "50 read")
                server.kill()
                with pytest.raises(ConnectionError, match=re.escape(server.url)):
                    poll(source)
                wait_until(lambda: "lost Redis" in log.read_text(), 30, "the producer's retry")
                server.start()
                assert producer.wait(timeout=60) == 0, log.read_text()
                drain(source, batches)
                assert source.malformed == source.out_of_order == 0
        finally:
            stop(producer)
        times = np.concatenate([b.times for b in batches])
        values = np.concatenate([b.values for b in batches])
        redis_times, redis_values = held(client, "s", int(times[0]))
        np.testing.assert_array_equal(times, redis_times)
        np.testing.assert_array_equal(values, redis_values)
        everything, _ = held(client, "s", 1)
        assert len(everything) == count
        assert (np.diff(everything) == STEP).all()
        assert "back at" in log.read_text()


def test_redis_restart_without_persistence_reads_only_what_is_new(sources, volatile):
    with volatile.client() as client:
        add(client, "s", seconds(0, 1, 2))
    source = sources(volatile.url, "s")
    assert len(poll(source)) == 3
    volatile.kill()
    with pytest.raises(ConnectionError):
        poll(source)
    volatile.start()  # empty: the stream is gone
    assert len(poll(source)) == 0
    assert source.connected
    with volatile.client() as client:
        # A producer resending its queue: samples already read, then new ones.
        add(client, "s", seconds(1, 2, 3, 4))
    assert poll(source).times.tolist() == seconds(3, 4)
    assert source.read == 5


def test_redis_stream_behind_last_id_is_reread_after_last_time(sources, server, client):
    """A server that lost its data, refilled by a producer using server-made IDs smaller
    than the last one read: reading restarts at the stream's start, after the last time."""
    for k, t in enumerate(seconds(0, 1, 2)):
        client.xadd("s", entry_fields(t, AB, [k, k]), id=f"9000000000000-{k}")
    source = sources(server.url, "s")
    assert len(poll(source)) == 3
    client.flushall()
    for k, t in enumerate(seconds(1, 2, 3, 4)):
        client.xadd("s", entry_fields(t, AB, [k, k]), id=f"5-{k + 1}")
    assert poll(source).times.tolist() == seconds(3, 4)
    assert source.resets == 1
    assert source.last_id == "5-4"
    client.xadd("s", entry_fields(T0 + 5 * S, AB, [0, 0]), id="5-5")
    assert poll(source).times.tolist() == seconds(5)
    assert source.resets == 1


# --- through Feed, as the app uses it ----------------------------------------------------


def test_redis_two_feeds_over_one_stream_hold_identical_windows(server, client):
    add(client, "s", seconds(*range(150)))
    with RedisSource(server.url, "s", backfill=50) as first, RedisSource(server.url, "s") as second:
        one = Feed(first, capacity=100)
        one.update()
        add(client, "s", seconds(*range(150, 250)), start=150)
        two = Feed(second, capacity=100)
        two.update()
        one.update()
        add(client, "s", seconds(*range(250, 280)), start=250)
        one.update()
        one.update()
        two.update()
    np.testing.assert_array_equal(one.ring.times, two.ring.times)
    np.testing.assert_array_equal(one.ring.values, two.ring.values)
    assert one.ring.times.tolist() == seconds(*range(180, 280))


def test_redis_feed_refresh_shows_the_outage_keeps_the_window_and_recovers(server, client):
    add(client, "s", seconds(0, 1, 2))
    with RedisSource(server.url, "s") as source:
        feed = Feed(source, capacity=100, poll_timeout=10)
        assert feed.refresh().added == 3
        server.kill()
        update = feed.refresh()
        assert update.error is not None
        assert update.error.startswith(f"ConnectionError: cannot reach Redis at {server.url}")
        assert feed.ring.times.tolist() == seconds(0, 1, 2)
        server.start()
        with server.client() as again:
            add(again, "s", seconds(3))
        update = feed.refresh()
        assert (update.added, update.error) == (1, None)
        assert feed.ring.times.tolist() == seconds(0, 1, 2, 3)


# --- the producer ------------------------------------------------------------------------


def test_produce_writes_the_entry_layout(server, client, capsys):
    assert produce(["--redis", server.url, "--stream", "p", "--series", "3",
                    "--interval", "0.01", "--count", "5"]) == 0  # fmt: skip
    entries = client.xrange("p")
    assert len(entries) == 5
    for entry, fields in entries:
        assert list(fields) == [b"t", b"A", b"B", b"C"]
        t = int(fields[b"t"])
        assert entry.decode() == entry_id(t)
        assert all(repr(float(v)) == v.decode() for k, v in fields.items() if k != b"t")
    out = capsys.readouterr().out
    assert out.startswith("feed.produce: publishing synthetic (3 series: A, B, C) every 0.01 s")
    assert "stopped; published 5 samples" in out


def test_produce_sample_sent_twice_is_stored_once(server, client):
    publisher = Publisher(client, "p", AB, maxlen=100)
    times, values = np.array(seconds(0, 1, 2)), np.zeros((3, 2))
    publisher.add(times, values)
    assert publisher.flush() == 0
    publisher.add(times, values)  # its replies were lost: sent again
    publisher.add(np.array(seconds(3)), np.zeros((1, 2)))
    assert publisher.flush() == 3
    assert client.xlen("p") == 4
    assert (publisher.published, publisher.refused) == (4, 3)


def test_produce_queue_keeps_the_newest_maxlen_samples(server, client):
    publisher = Publisher(client, "p", AB, maxlen=3)
    publisher.add(np.array(seconds(0, 1, 2, 3, 4)), np.zeros((5, 2)))
    assert publisher.dropped == 2
    publisher.flush()
    assert [int(f[b"t"]) for _, f in client.xrange("p")] == seconds(2, 3, 4)


def test_produce_waits_for_redis_and_loses_nothing(tmp_path):
    """Started before Redis: it says so, queues, and publishes every sample once Redis is up."""
    target = RedisServer(tmp_path / "redis", persist=False)
    log = tmp_path / "producer.log"
    producer = start_producer(target.url, "p", "--interval", "0.01", "--count", "30", log=log)
    try:
        wait_until(lambda: "lost Redis" in log.read_text(), 30, "the producer's first retry")
        assert f"lost Redis at {target.url}" in log.read_text()
        target.start()
        assert producer.wait(timeout=60) == 0, log.read_text()
        with target.client() as client:
            times = [int(f[b"t"]) for _, f in client.xrange("p")]
        assert len(times) == 30
        assert (np.diff(times) == STEP).all()
    finally:
        stop(producer)
        target.stop()


def test_produce_follows_a_file(server, client, tmp_path):
    pytest.importorskip("feed.sources.file")
    path = tmp_path / "data.csv"
    path.write_text("t,A,B\n1764000000,1,2\n1764000001,3,nan\n1764000002,5,6\n")
    assert produce(["--redis", server.url, "--stream", "f", "--source", "file",
                    "--path", str(path), "--interval", "0.01", "--count", "3"]) == 0  # fmt: skip
    with RedisSource(server.url, "f") as source:
        batch = poll(source)
    assert source.names == AB
    assert batch.times.tolist() == seconds(0, 1, 2)
    np.testing.assert_array_equal(batch.values, [[1, 2], [3, np.nan], [5, 6]])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--source", "file"], "`--path` must name the file to follow with `--source file`"),
        (["--series", "17"], "`series` must be from 1 to 16, got 17"),
        (["--redis", "http://x"], "`url` must be a Redis URL"),
    ],
)
def test_produce_bad_arguments_exit_2_with_a_message(argv, message, capsys):
    assert produce(argv) == 2
    assert message in capsys.readouterr().err


def test_produce_bad_interval_is_refused_by_argparse(capsys):
    with pytest.raises(SystemExit):
        produce(["--interval", "0"])
    assert "must be a positive number of seconds, got '0'" in capsys.readouterr().err
