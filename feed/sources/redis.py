"""Read samples from a Redis stream, so several app processes show the same feed.

One producer (``python -m feed.produce``) writes samples into a stream with ``XADD``; every
app replica reads it with a ``RedisSource``. Redis Streams keep the order, the IDs say where
each reader is, and a length cap (``MAXLEN ~``) bounds the memory.

The entries' layout, shared with the producer, and the client are ``feed.sources.redis_entries``.
"""

from __future__ import annotations

import math

import numpy as np
import redis

from feed.sources.base import Batch, checked_names, is_integer
from feed.sources.redis_entries import (
    DEFAULT_URL,
    TIME_FIELD,
    TIME_KEY,
    TIMEOUT_S,
    Malformed,
    decoded,
    id_key,
    redis_client,
    shown_url,
    stream_entries,
)

DEFAULT_BACKFILL = 10_000
DEFAULT_COUNT = 100_000
_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class RedisSource:
    """The samples of the Redis stream ``stream`` at ``url``, read as they arrive.

    ``names`` defaults to the newest entry's fields less ``t``, in their order (the order the
    producer wrote them), which needs the stream to have an entry now. Given, ``names``
    select fields: an entry lacking one of them has a gap (NaN) there; other fields are
    ignored.

    The first poll backfills the newest ``backfill`` samples (``XREVRANGE``; 0 starts at the
    stream's end); each later poll reads at most ``count`` entries after the last one read
    (``XREAD``, waiting up to ``block_ms`` ms for new ones if that is not 0). The last ID
    read is kept only when a poll succeeds, so a poll that raises changes nothing and the
    next one catches up. ``now`` is not used: the entries' ``t`` are the samples' times.

    A missing stream is empty. An entry without a usable ``t``, with a value that is not a
    number, or with none of ``names`` is skipped and counted in ``malformed`` (``last_problem``
    says what was wrong); one whose ``t`` is not after the previous sample's is skipped and
    counted in ``out_of_order``.

    Connection loss: ``poll`` raises ``ConnectionError`` naming the URL (after about
    ``timeout`` s at worst) and the next poll retries, from the last ID read. After a Redis
    restart that kept the stream (AOF or RDB), reading resumes after that ID, so every entry
    Redis still holds is read once. If the stream came back *behind* that ID (its newest ID
    is smaller: a server that lost its data, with a producer writing server-generated IDs),
    reading restarts at the stream's first entry, keeping only samples whose ``t`` is after
    the last sample read, and ``resets`` counts it.

    Credentials: ``password`` (or one in ``url``) is sent to Redis and nowhere else; every
    message, ``status``, ``url`` and ``repr`` show the URL through ``shown_url``.
    """

    def __init__(
        self,
        url: str = DEFAULT_URL,
        stream: str = "feed",
        names: tuple[str, ...] | None = None,
        backfill: int = DEFAULT_BACKFILL,
        block_ms: int = 0,
        count: int = DEFAULT_COUNT,
        timeout: float = TIMEOUT_S,
        password: str | None = None,
    ) -> None:
        if not isinstance(url, str) or not url:
            raise ValueError(f"`url` must be a non-empty string, got {url!r}")
        if not isinstance(stream, str) or not stream:
            raise ValueError(f"`stream` must be a non-empty string, got {stream!r}")
        self._backfill = _checked_count("backfill", backfill, minimum=0)
        self._block_ms = _checked_count("block_ms", block_ms, minimum=0)
        self._count = _checked_count("count", count, minimum=1)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise TypeError(f"`timeout` must be a number of seconds, got {timeout!r}")
        if not (math.isfinite(timeout) and timeout > 0):
            raise ValueError(f"`timeout` must be a positive number of seconds, got {timeout!r}")
        self._url = shown_url(url)
        self._stream = stream
        self._key = stream.encode()
        # A blocking read must not look like a dead server.
        self._client = redis_client(url, timeout + self._block_ms / 1000, password)
        self._names = checked_names(self._newest_names() if names is None else names)
        self._fields = tuple(name.encode() for name in self._names)
        self._last_id: bytes | None = None  # the last entry read; None before the first poll
        self._last_time: int | None = None  # the last sample's time delivered
        self._read = 0
        self._malformed = 0
        self._out_of_order = 0
        self._resets = 0
        self._last_problem: str | None = None
        self._error: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The series' names, one per column of ``Batch.values``."""
        return self._names

    @property
    def url(self) -> str:
        """The server's URL, password hidden."""
        return self._url

    @property
    def stream(self) -> str:
        return self._stream

    @property
    def last_id(self) -> str | None:
        """The ID of the last entry read (``"<ms>-<seq>"``), None before the first poll."""
        return None if self._last_id is None else self._last_id.decode()

    @property
    def read(self) -> int:
        """How many samples the polls have delivered."""
        return self._read

    @property
    def malformed(self) -> int:
        """How many malformed entries were skipped so far."""
        return self._malformed

    @property
    def last_problem(self) -> str | None:
        """The latest malformed entry and what was wrong with it, e.g.
        ``"entry 1764000000000-0: value 'abc' of 'B' is not a number"``; None if none."""
        return self._last_problem

    @property
    def out_of_order(self) -> int:
        """How many entries were skipped because their ``t`` was not after the previous one."""
        return self._out_of_order

    @property
    def resets(self) -> int:
        """How many times the stream was found behind the last ID read, and reread."""
        return self._resets

    @property
    def connected(self) -> bool:
        """False if the latest poll could not reach Redis."""
        return self._error is None

    @property
    def status(self) -> str:
        """One line for a UI: connected or not, where reading stands, what was skipped."""
        where = f"stream {self._stream!r}"
        if self._error is not None:
            text = f"disconnected from {self._url} ({self._error}); retrying on every poll"
            if self._last_id is not None:
                text += f", from {where} id {self.last_id}"
        elif self._last_id is None:
            text = f"connected to {self._url}; {where}, not read yet"
        else:
            text = f"connected to {self._url}; {where}, last id {self.last_id}"
            text += f", {self._read} samples read"
        if self._malformed:
            text += f"; {self._malformed} malformed entries skipped (last: {self._last_problem})"
        if self._out_of_order:
            text += f"; {self._out_of_order} out-of-order entries skipped"
        if self._resets:
            text += f"; stream found behind the last id read {self._resets} time(s), reread"
        return text

    def poll(self, now: int) -> Batch:
        """Every entry added since the last poll (the first: the newest ``backfill``), as
        samples. Raises ``ConnectionError`` if Redis cannot be reached, changing nothing."""
        try:
            if self._last_id is None:
                entries, reset = self._first_entries(), False
            else:
                entries, reset = self._next_entries(self._last_id)
        except _UNREACHABLE as exc:
            self._error = f"{type(exc).__name__}: {exc}"
            raise ConnectionError(
                f"cannot reach Redis at {self._url} (stream {self._stream!r}): {exc}"
            ) from exc
        except redis.exceptions.ResponseError as exc:
            self._error = None
            raise RuntimeError(
                f"Redis at {self._url} refused to read stream {self._stream!r}: {exc}"
            ) from exc
        self._error = None
        return self._accept(entries, reset)

    def close(self) -> None:
        """Close the connections; a later poll opens new ones."""
        self._client.close()

    def __enter__(self) -> RedisSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RedisSource({self._url!r}, stream={self._stream!r}, names={self._names!r})"

    def _newest_names(self) -> tuple[str, ...]:
        """The newest entry's field names less ``t``, or the error that says what to do."""
        try:
            newest = self._client.xrevrange(self._key, "+", "-", count=1)
        except _UNREACHABLE as exc:
            raise ConnectionError(
                f"cannot reach Redis at {self._url} to read the series' names from stream "
                f"{self._stream!r}: {exc}; start Redis, or pass `names` to start without it"
            ) from exc
        if not newest:
            raise EmptyStream(
                f"stream {self._stream!r} at {self._url} has no entries to take the series' "
                "names from: pass `names`, or start the producer first (python -m "
                f"feed.produce --redis {self._url} --stream {self._stream} ...)"
            )
        entry, fields = newest[0]
        try:
            names = tuple(key.decode() for key in fields if key != TIME_KEY)
        except UnicodeDecodeError:
            raise ValueError(
                f"the newest entry ({entry.decode()}) of stream {self._stream!r} has a field "
                "name that is not UTF-8: pass `names`"
            ) from None
        if not names:
            raise ValueError(
                f"the newest entry ({entry.decode()}) of stream {self._stream!r} has no field "
                f"besides {TIME_FIELD!r}, so no series' names: pass `names`"
            )
        return names

    def _first_entries(self) -> list[tuple[bytes, dict[bytes, bytes]]]:
        """The newest ``backfill`` entries, oldest first; with 0, just the newest's ID."""
        newest = self._client.xrevrange(self._key, "+", "-", count=max(self._backfill, 1))
        if not newest:
            return [(b"0-0", {})]  # an empty stream: everything to come is new
        if self._backfill == 0:
            return [(newest[0][0], {})]
        return newest[::-1]

    def _next_entries(self, last_id: bytes) -> tuple[list[tuple[bytes, dict[bytes, bytes]]], bool]:
        """What follows ``last_id``, and whether the stream was found behind it and reread."""
        block = self._block_ms or None
        reply = self._client.xread({self._key: last_id}, count=self._count, block=block)
        entries = stream_entries(reply, self._key)
        if entries:
            return entries, False
        newest = self._client.xrevrange(self._key, "+", "-", count=1)
        if newest and id_key(newest[0][0]) < id_key(last_id):
            return self._client.xrange(self._key, "-", "+", count=self._count), True
        return [], False

    def _accept(self, entries: list[tuple[bytes, dict[bytes, bytes]]], reset: bool) -> Batch:
        """Turn what was read into a batch and move the position past it.

        Trusts ``entries`` to be in ID order, as Redis returns them. An entry with no fields
        is a position marker (see ``_first_entries``), not a sample."""
        times: list[int] = []
        rows: list[list[float]] = []
        last_time = self._last_time
        malformed = out_of_order = 0
        problem = self._last_problem
        for entry, fields in entries:
            if not fields:
                continue
            try:
                t, row = decoded(fields, self._fields, self._names)
            except Malformed as exc:
                malformed += 1
                problem = f"entry {entry.decode(errors='replace')}: {exc}"
                continue
            if last_time is not None and t <= last_time:
                out_of_order += 1
                continue
            times.append(t)
            rows.append(row)
            last_time = t
        if entries:
            self._last_id = entries[-1][0]
        self._last_time = last_time
        self._read += len(times)
        self._malformed += malformed
        self._out_of_order += out_of_order
        self._last_problem = problem
        self._resets += reset
        values = np.array(rows, np.float64).reshape(len(rows), len(self._names))
        return Batch(np.array(times, np.int64), values)


class EmptyStream(ValueError):
    """The stream has no entry to take the series' names from (yet)."""


def _checked_count(name: str, value: object, minimum: int) -> int:
    """``value`` as an int of at least ``minimum``, or the error that says what is allowed."""
    if not is_integer(value):
        raise TypeError(f"`{name}` must be an integer, got {value!r}")
    if value < minimum:  # type: ignore[operator]
        kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"`{name}` must be {kind}, got {value!r}")
    return int(value)  # type: ignore[call-overload]
