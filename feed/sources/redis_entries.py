"""A Redis stream's entries, for ``RedisSource`` and the producer: how a sample is written
and read back, and a client that fails fast.

The entry layout, shared with the producer: one entry per sample, whose fields are ``t``
(the sample's time, int nanoseconds since the Unix epoch, in ASCII) and then one field per
series, in the series' order, holding the value as an ASCII float (``repr(float)``: ``nan``
is a gap). The producer gives each entry the ID ``<t // 10**6>-<t % 10**6>`` (milliseconds,
then the nanoseconds within the millisecond), so IDs increase with ``t`` and Redis refuses an
entry sent twice instead of storing it twice. Readers rely on ``t``, not on the ID's form:
a stream written with ``XADD ... *`` reads the same.
"""

from __future__ import annotations

import math
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

TIME_FIELD = "t"
DEFAULT_URL = "redis://127.0.0.1:6379/0"
TIMEOUT_S = 1.0
"""Connect and read timeout: a dead or hung server fails a poll in about a second."""

TIME_KEY = TIME_FIELD.encode()
_INT64_MAX = np.iinfo(np.int64).max
_SHOWN = 40  # characters of a bad value quoted in a message


def entry_fields(time_ns: int, names: tuple[str, ...], row: object) -> dict[str, str]:
    """One sample as a stream entry's fields: ``t``, then each series' value as ``repr``."""
    fields = {TIME_FIELD: str(int(time_ns))}
    for name, value in zip(names, row, strict=True):  # type: ignore[call-overload]
        fields[name] = repr(float(value))
    return fields


def entry_id(time_ns: int) -> str:
    """The ID the producer gives the sample at ``time_ns`` (> 0): increasing with the time."""
    return f"{time_ns // 1_000_000}-{time_ns % 1_000_000}"


def redis_client(url: str, timeout: float = TIMEOUT_S, password: str | None = None) -> redis.Redis:
    """A client for ``url`` that fails fast: ``timeout`` s to connect or read, and one
    immediate reconnect (a pooled connection goes stale when the server restarts).
    ``password`` is used unless the URL has one."""
    retry = Retry(NoBackoff(), 1, supported_errors=(redis.exceptions.ConnectionError,))
    try:
        return redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=retry,
            password=password,
        )
    except ValueError as exc:
        raise ValueError(
            f"`url` must be a Redis URL such as {DEFAULT_URL!r} (redis://, rediss:// or "
            f"unix://), got {shown_url(url)!r}: {exc}"
        ) from None


def shown_url(url: str) -> str:
    """``url`` with its password, if any, replaced by ``***``: safe for messages and logs.

    Both places redis-py reads a password from are masked: ``redis://user:PASSWORD@host``
    and the query's ``?password=PASSWORD``."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        if parts.password is None and all(key != "password" for key, _ in query):
            return url
        if parts.password is not None:
            user = parts.username or ""
            host = parts.hostname or ""
            if parts.port is not None:
                host = f"{host}:{parts.port}"
            parts = parts._replace(netloc=f"{user}:***@{host}")
        masked = [(key, "***" if key == "password" else value) for key, value in query]
        shown = urlunsplit(parts._replace(query=urlencode(masked, safe="*/")))
        if parts.scheme == "unix" and not parts.netloc:
            shown = shown.replace("unix:", "unix://", 1)  # urlunsplit drops the empty host
        return shown
    except ValueError:
        return "<unparsable URL>"


class Malformed(ValueError):
    """An entry that cannot be a sample; the message says why."""


def decoded(
    fields: dict[bytes, bytes], keys: tuple[bytes, ...], names: tuple[str, ...]
) -> tuple[int, list[float]]:
    """An entry's time and values, or ``Malformed``. Trusts ``keys`` to be ``names`` encoded."""
    raw_time = fields.get(TIME_KEY)
    if raw_time is None:
        raise Malformed(f"no {TIME_FIELD!r} field")
    try:
        t = int(raw_time)
    except ValueError:
        raise Malformed(f"{TIME_FIELD!r} {_quoted(raw_time)} is not int ns") from None
    if not 0 <= t <= _INT64_MAX:
        raise Malformed(f"{TIME_FIELD!r} {t} is outside int64 ns since epoch")
    row = []
    found = False
    for key, name in zip(keys, names, strict=True):
        raw = fields.get(key)
        if raw is None:
            row.append(math.nan)
            continue
        found = True
        try:
            row.append(float(raw))
        except ValueError:
            raise Malformed(f"value {_quoted(raw)} of {name!r} is not a number") from None
    if not found:
        raise Malformed(f"none of the series {list(names)} is among its fields")
    return t, row


def stream_entries(reply: object, key: bytes) -> list[tuple[bytes, dict[bytes, bytes]]]:
    """The entries of ``key`` in an ``XREAD`` reply (RESP2 list or RESP3 map)."""
    if not reply:
        return []
    if isinstance(reply, dict):
        found = reply.get(key) or []
        return found[0] if found and isinstance(found[0], list) else found
    for stream_key, entries in reply:  # type: ignore[attr-defined]
        if stream_key == key:
            return entries
    return []


def id_key(entry: bytes) -> tuple[int, int]:
    """A stream ID as a pair that sorts as Redis sorts IDs."""
    ms, _, seq = entry.partition(b"-")
    return int(ms), int(seq or 0)


def _quoted(raw: bytes) -> str:
    text = raw.decode(errors="replace")
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")
