"""A line of a followed file as a sample: CSV (the header gives the columns) or NDJSON (one
object per line), its time epoch seconds or ISO 8601 to the nanosecond, empty or null a gap.

``feed.sources.file`` reads the lines; these turn one into ``(time ns, values)`` or raise
``Malformed`` saying why it cannot be a sample.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from feed.sources.base import NS_PER_SECOND

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_SECONDS = Decimal(2**63 - 1) / NS_PER_SECOND  # the int64-ns range, in seconds
_ISO_FRACTION = re.compile(r"(?<=\d\d:\d\d:\d\d)[.,](\d+)")
_SHOWN = 40  # characters of a bad value quoted in a message


@dataclass(frozen=True)
class Columns:
    """A CSV file's layout: how many fields, which is the time, which hold ``names``."""

    count: int
    time: int
    series: tuple[int, ...]


class Malformed(ValueError):
    """A line that cannot be a sample; the message says why."""


def csv_sample(text: str, columns: Columns, names: tuple[str, ...]) -> tuple[int, list[float]]:
    """A CSV line's time and values, in ``names`` order."""
    fields = _csv_fields(text)
    if fields is None:
        raise Malformed("not valid CSV")
    if len(fields) != columns.count:
        raise Malformed(f"{len(fields)} fields, expected {columns.count} as in the header")
    time = _time_ns(fields[columns.time])
    values = [_csv_value(fields[i], name) for i, name in zip(columns.series, names, strict=True)]
    return time, values


def _csv_fields(text: str) -> list[str] | None:
    """A line's fields (plain split when nothing is quoted); None if its quoting is broken."""
    if '"' not in text:
        return text.split(",")
    try:
        return next(csv.reader([text], strict=True))
    except csv.Error:
        return None


def csv_header(text: str) -> list[str] | None:
    """A header line's column names, without the spaces around them."""
    fields = _csv_fields(text)
    return None if fields is None else [field.strip() for field in fields]


def _csv_value(text: str, name: str) -> float:
    """A cell as a float; empty is NaN."""
    if not text.strip():
        return float("nan")
    try:
        return float(text)
    except ValueError:
        raise Malformed(f"value {shown(text)} in column {name!r} is not a number") from None


def ndjson_sample(text: str, time_key: str, names: tuple[str, ...]) -> tuple[int, list[float]]:
    """An NDJSON line's time and values, in ``names`` order (a missing key is NaN)."""
    try:
        record = json.loads(text, parse_float=Decimal)
    except ValueError:
        raise Malformed("invalid JSON") from None
    if not isinstance(record, dict):
        raise Malformed(f"expected a JSON object, got {type(record).__name__}")
    if time_key not in record:
        raise Malformed(f"no time key {time_key!r}")
    return _time_ns(record[time_key]), [_json_value(record.get(name), name) for name in names]


def _json_value(value: Any, name: str) -> float:
    """A JSON value as a float; null is NaN."""
    if value is None:
        return float("nan")
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise Malformed(f"value {shown(value)} for key {name!r} is not a number")
    return float(value)


def _time_ns(value: Any) -> int:
    """Epoch seconds (a number, or its text) or an ISO 8601 string as int ns since the epoch."""
    if isinstance(value, str):
        try:
            seconds = Decimal(value.strip())
        except InvalidOperation:
            return _iso_ns(value)
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        seconds = Decimal(value)
    else:
        raise Malformed(f"time {shown(value)} is not epoch seconds or an ISO 8601 string")
    if not seconds.is_finite():
        raise Malformed(f"time {shown(value)} is not a finite number")
    if abs(seconds) > _MAX_SECONDS:
        raise Malformed(f"time {shown(value)} is out of range for epoch seconds")
    return int((seconds * NS_PER_SECOND).to_integral_value())


def _iso_ns(text: str) -> int:
    """An ISO 8601 timestamp as int ns since the epoch, to the nanosecond; naive is local."""
    match = _ISO_FRACTION.search(text)
    fraction = 0
    if match:  # datetime keeps microseconds only: take the fraction ourselves
        fraction = int(match[1][:9].ljust(9, "0"))
        text = text[: match.start()] + text[match.end() :]
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Malformed(f"time {shown(text)} is not epoch seconds or an ISO 8601 string") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # naive: the machine's local time
    delta = moment - _EPOCH
    seconds = delta.days * 86_400 + delta.seconds
    return seconds * NS_PER_SECOND + delta.microseconds * 1_000 + fraction


def shown(value: Any) -> str:
    """A bad value for a message: its repr, cut short."""
    text = repr(str(value) if isinstance(value, Decimal) else value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
