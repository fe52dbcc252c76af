"""Publish one of feed's sources into a Redis stream, for app replicas to read.

Run one producer and any number of apps reading the stream with ``RedisSource``::

    python -m feed.produce --redis redis://127.0.0.1:6379/0 --stream feed --source synthetic

Every ``--interval`` seconds it polls the source and sends what it returned with one
pipeline of ``XADD stream MAXLEN ~ maxlen <id> t ... name value ...`` (the entry layout is
in ``feed.sources.redis_entries``). The synthetic source samples every ``--interval`` seconds from
the moment it starts (no backfill); the system source samples CPU and memory at that rate;
the file source follows ``--path``.

If Redis cannot be reached it says so on stderr in one line, keeps polling the source into
a queue of at most ``--maxlen`` samples (the oldest go first if it fills, as the stream's cap
would drop them anyway) and retries after 0.1 s, doubling up to 2 s; back, it says so and
sends the queue. Each entry's ID comes from its time, so a sample sent twice (its reply was
lost with the connection) is refused by Redis rather than stored twice, and a sample not
after the stream's newest entry is skipped and counted. ``--count N`` stops after N
samples are published; Ctrl-C (or SIGTERM) stops it cleanly.

Installed, it is also the ``feed-produce`` command. Exit status: 0 when it stopped as asked
(``--count`` reached, Ctrl-C, SIGTERM); 2 for a bad command line (argparse's usage error, a
bad ``--series`` or ``--redis``); 1 when it cannot go on: the file to follow is not there, or
Redis refuses what it is sent (a password it rejects, a key that is not a stream). Each
error is one line on stderr, without a traceback.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections import deque
from collections.abc import Sequence
from itertools import islice
from typing import Any

import numpy as np
import redis

from feed.cli import FAILURE, USAGE, CommandParser, fail, program_name
from feed.sources.base import Source, SyntheticSource
from feed.sources.file import FileNotReady, FileSource
from feed.sources.redis_entries import DEFAULT_URL, entry_fields, entry_id, redis_client, shown_url
from feed.sources.system import SystemSource
from feed.ui.catalog import MAX_SERIES, SourceConfig, series_names

SOURCES = ("synthetic", "system", "file")
FIRST_BACKOFF_S = 0.1
MAX_BACKOFF_S = 2.0
PIPELINE_CHUNK = 10_000  # entries per round trip when a queue is sent
_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, print one start line, then publish until done or interrupted.

    0 when done or interrupted, 2 for a bad command line, 1 when it cannot go on; an error
    is one line on stderr."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        source = build_source(args.source, args.series, args.interval, args.path)
    except (FileNotReady, OSError) as exc:  # before ValueError: FileNotReady is one
        return fail(parser, exc, FAILURE)
    except (ValueError, TypeError) as exc:
        return fail(parser, exc, USAGE)
    try:
        client = redis_client(args.redis)
    except (ValueError, TypeError) as exc:
        _close(source)
        return fail(parser, exc, USAGE)
    publisher = Publisher(client, args.stream, source.names, args.maxlen)
    url = shown_url(args.redis)
    print(
        f"feed.produce: publishing {args.source} ({len(source.names)} series: "
        f"{', '.join(source.names)}) every {args.interval:g} s to {url}, stream "
        f"{args.stream!r}, MAXLEN ~ {args.maxlen}; Ctrl-C stops",
        flush=True,
    )
    previous_handler = signal.signal(signal.SIGTERM, _interrupt)
    try:
        run(source, publisher, args.interval, args.count, url)
    except KeyboardInterrupt:
        pass
    except (RuntimeError, redis.exceptions.RedisError, OSError) as exc:
        return fail(parser, exc, FAILURE)
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
        client.close()
        _close(source)
    print(f"feed.produce: stopped; {publisher.summary()}", flush=True)
    return 0


def _close(source: Source) -> None:
    close = getattr(source, "close", None)  # a file source holds its file open
    if close is not None:
        close()


def build_source(kind: str, series: int, interval: float, path: str | None) -> Source:
    """The source to publish, sampling every ``interval`` seconds where it samples at all."""
    if kind == "synthetic":
        config = SourceConfig("synthetic", series)  # checks `series`
        return SyntheticSource(series_names(config.series), interval, start_after=time.time_ns())
    if kind == "system":
        return SystemSource(sample_interval=interval)
    if kind == "file":
        if not path:
            raise ValueError("`--path` must name the file to follow with `--source file`")
        try:
            return FileSource(path)
        except FileNotReady:
            raise FileNotReady(
                f"the file {path!r} does not exist or has no complete line yet: the producer "
                "takes the series' names from its first line, so start the writer first"
            ) from None
    raise ValueError(f"`--source` must be one of {SOURCES}, got {kind!r}")


class Publisher:
    """Samples waiting to be sent to ``stream``, and the counts of what became of them.

    The queue holds at most ``maxlen`` samples; when full, the oldest are dropped (and
    counted), since the stream, capped at ``maxlen`` entries, would trim them anyway.
    """

    def __init__(
        self, client: redis.Redis, stream: str, names: tuple[str, ...], maxlen: int
    ) -> None:
        self.client = client
        self.stream = stream
        self.names = names
        self.maxlen = maxlen
        self.pending: deque[tuple[int, np.ndarray]] = deque(maxlen=maxlen)
        self.published = 0
        self.refused = 0  # not after the stream's newest entry: already sent, or older
        self.dropped = 0  # pushed out of a full queue while Redis was away

    def add(self, times: np.ndarray, values: np.ndarray) -> None:
        """Queue samples; times must be > 0 (an ID of ``0-0`` is not allowed)."""
        for t, row in zip(times.tolist(), values, strict=True):
            if t <= 0:
                self.refused += 1
                continue
            if len(self.pending) == self.maxlen:
                self.dropped += 1
            self.pending.append((t, row))

    def flush(self) -> int:
        """Send the queue, oldest first; how many entries Redis refused as not new.

        Raises what redis-py raises when Redis cannot be reached: what was not confirmed
        stays queued (resending what Redis did store is harmless: it refuses it), and
        ``RuntimeError`` for any other refusal (a key that is not a stream, say).
        """
        refused = 0
        while self.pending:
            chunk = list(islice(self.pending, PIPELINE_CHUNK))
            pipe = self.client.pipeline(transaction=False)
            for t, row in chunk:
                pipe.xadd(
                    self.stream,
                    entry_fields(t, self.names, row),  # type: ignore[arg-type]
                    id=entry_id(t),
                    maxlen=self.maxlen,
                    approximate=True,
                )
            results = pipe.execute(raise_on_error=False)
            stale = 0
            for result in results:
                if isinstance(result, redis.exceptions.ResponseError):
                    if "equal or smaller" not in str(result):
                        raise RuntimeError(f"Redis refused XADD to {self.stream!r}: {result}")
                    stale += 1
            for _ in chunk:
                self.pending.popleft()
            self.published += len(chunk) - stale
            self.refused += stale
            refused += stale
        return refused

    def summary(self) -> str:
        text = f"published {self.published} samples"
        if self.refused:
            text += f", skipped {self.refused} not after the stream's newest entry"
        if self.dropped:
            text += f", dropped {self.dropped} while Redis was away (queue full)"
        if self.pending:
            text += f", {len(self.pending)} unsent"
        return text


def run(source: Source, publisher: Publisher, interval: float, count: int | None, url: str) -> None:
    """Poll every ``interval`` s and publish, until ``count`` samples are out (or forever)."""
    polled = 0
    down_since: float | None = None
    backoff = FIRST_BACKOFF_S
    retry_at = 0.0
    next_poll = time.monotonic()
    while True:
        if count is None or polled < count:
            polled += _poll_into(source, publisher, None if count is None else count - polled)
        if publisher.pending and time.monotonic() >= retry_at:
            try:
                publisher.flush()
            except redis.exceptions.AuthenticationError as exc:  # a ConnectionError, but final
                raise RuntimeError(f"Redis at {url} refused the producer: {exc}") from None
            except _UNREACHABLE as exc:
                if down_since is None:
                    down_since = time.monotonic()
                    _log(
                        f"lost Redis at {url} ({exc}); retrying every {FIRST_BACKOFF_S:g} to "
                        f"{MAX_BACKOFF_S:g} s, queueing up to {publisher.maxlen} samples"
                    )
                retry_at = time.monotonic() + backoff
                backoff = min(backoff * 2, MAX_BACKOFF_S)
            else:
                if down_since is not None:
                    _log(
                        f"back at {url} after {time.monotonic() - down_since:.1f} s; "
                        f"{publisher.summary()}"
                    )
                down_since, backoff = None, FIRST_BACKOFF_S
        if count is not None and polled >= count and not publisher.pending:
            return
        next_poll += interval
        delay = next_poll - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        else:
            next_poll = time.monotonic()  # late (a slow flush): poll now, do not burst


def _poll_into(source: Source, publisher: Publisher, limit: int | None) -> int:
    """Poll ``source`` now and queue at most ``limit`` of its samples; how many."""
    try:
        batch = source.poll(time.time_ns())
    except Exception as exc:  # a failing source must not stop the producer
        _log(f"the source failed ({type(exc).__name__}: {exc}); polling again")
        return 0
    times, values = np.asarray(batch.times), np.asarray(batch.values)
    if limit is not None:
        times, values = times[:limit], values[:limit]
    publisher.add(times, values)
    return len(times)


def _log(line: str) -> None:
    print(f"feed.produce: {line}", file=sys.stderr, flush=True)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _positive_float(text: str) -> float:
    value = float(text)
    if not (np.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=program_name("feed.produce", "feed-produce"),
        description="Publish a feed source into a Redis stream (XADD, MAXLEN ~). Exit status: "
        "0 when done or interrupted, 2 for a bad command line, 1 when it cannot go on "
        "(the file to follow is missing, Redis refuses the password or the key).",
    )
    parser.add_argument("--redis", default=DEFAULT_URL, help=f"Redis URL (default {DEFAULT_URL})")
    parser.add_argument("--stream", default="feed", help="stream key (default feed)")
    parser.add_argument("--source", choices=SOURCES, default="synthetic")
    parser.add_argument(
        "--series", type=int, default=2, help=f"synthetic series, 1 to {MAX_SERIES} (default 2)"
    )
    parser.add_argument("--path", help="the CSV or NDJSON file to follow, for --source file")
    parser.add_argument(
        "--interval", type=_positive_float, default=0.5, help="seconds between polls (0.5)"
    )
    parser.add_argument(
        "--maxlen", type=_positive_int, default=100_000, help="stream cap, MAXLEN ~ (100000)"
    )
    parser.add_argument("--count", type=_positive_int, help="stop after this many samples")
    return parser


if __name__ == "__main__":
    sys.exit(main())
