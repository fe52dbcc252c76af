"""Follow a CSV or NDJSON file that another process appends to, like ``tail -F``.

Each poll reads the bytes appended since the previous one (at most ``max_read_bytes``; the
rest waits for the next poll), turns every complete line into a sample and keeps a partial
last line for later. The file may be truncated (reading restarts at its beginning), rotated
(renamed away and recreated: the old file is read to its end, then the new one from its
start) or missing for a while (polls return nothing until it is back). A bad line never
stops the stream: it is skipped and counted in ``malformed``, with ``last_problem`` saying
what was wrong, and a sample whose time is not after the previous one is skipped and counted
in ``out_of_order``, since the ring buffer needs increasing times.

Turning a line into a sample is ``feed.sources.file_lines``. What is left here (some 470
lines) stays one module on purpose: ``FileSource`` is one state machine (open, read, take the
complete lines, follow a truncation or a rotation) over one ``_State`` that a poll copies and
keeps only if it succeeds; its steps and their helpers share that state and that rule.
"""

from __future__ import annotations

import json
import os
import weakref
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import numpy as np

from feed.sources.base import Batch, checked_names, is_integer
from feed.sources.file_lines import (
    Columns,
    Malformed,
    csv_header,
    csv_sample,
    ndjson_sample,
    shown,
)

FORMATS = ("csv", "ndjson")
SUFFIXES = {".csv": "csv", ".ndjson": "ndjson", ".jsonl": "ndjson"}
MAX_READ_BYTES = 16 * 1024 * 1024
"""Catch-up bound: a poll reads at most this many bytes; the rest waits for the next poll."""


class FileSource:
    """Samples appended to the CSV or NDJSON file at ``path``, read as they arrive.

    The format comes from the suffix (``.csv``, ``.ndjson``, ``.jsonl``) unless ``format``
    (``"csv"`` or ``"ndjson"``) says otherwise. CSV: a header line names ``time_column``
    and the series (spaces around the names are dropped), then one sample per line.
    NDJSON: one JSON object per line, with the ``time_column`` key and one key per series
    (a missing key is NaN, extra keys are ignored). Times are epoch seconds
    (``1764000000.25``, exact to the nanosecond) or ISO 8601 strings (a naive one is local
    time); values are numbers, and an empty CSV cell or a JSON null is NaN. Blank lines are
    ignored.

    ``names`` defaults to the CSV header's columns or the first NDJSON record's keys (less
    the time column), which needs the file to have them now (``FileNotReady``, a
    ``ValueError``, says it has not). Given, they must be the CSV
    header's series (in any order; each file's header is checked, so a rotated file with
    other columns makes ``poll`` raise until it is fixed), or select the NDJSON keys.

    The first poll reads the file from its beginning. ``poll`` returns an empty batch while
    the file is missing (``missing`` is then True) and raises only for I/O errors and a CSV
    header that does not match ``names``, leaving its state unchanged so the next poll
    retries. Lines are the unit: a quoted CSV field cannot span lines. Truncation is seen
    when the file is shorter than what was read; a file truncated and refilled past that
    point between two polls, or replaced by one reusing its inode, is not (as with
    ``tail``). Holds the file open between polls, to read a rotated file to its end:
    ``close()`` it, or use it as a context manager, when done.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        names: tuple[str, ...] | None = None,
        time_column: str = "t",
        format: str | None = None,
        max_read_bytes: int = MAX_READ_BYTES,
    ) -> None:
        self._path = _checked_path(path)
        self._format = _checked_format(format, self._path)
        self._time_column = _checked_time_column(time_column)
        self._max_read = _checked_max_read(max_read_bytes)
        if names is None:
            names = _inferred_names(self._path, self._format, self._time_column)
        self._names = checked_names(names)
        if self._time_column in self._names:
            raise ValueError(
                f"`names` must not include the time column {self._time_column!r}, "
                f"got {self._names!r}"
            )
        if self._format == "csv":
            self._check_existing_header()
        self._state = _State(missing=not self._path.exists())
        self._file = _OpenFile()
        self._finalizer = weakref.finalize(self, self._file.close)

    @property
    def names(self) -> tuple[str, ...]:
        """The series' names, one per column of ``Batch.values``."""
        return self._names

    @property
    def path(self) -> Path:
        return self._path

    @property
    def format(self) -> str:
        """``"csv"`` or ``"ndjson"``."""
        return self._format

    @property
    def time_column(self) -> str:
        return self._time_column

    @property
    def malformed(self) -> int:
        """How many malformed lines were skipped so far."""
        return self._state.malformed

    @property
    def last_problem(self) -> str | None:
        """The latest malformed line and what was wrong with it, e.g.
        ``"line 17: value 'abc' in column 'B' is not a number"``; None if there was none."""
        return self._state.last_problem

    @property
    def out_of_order(self) -> int:
        """How many samples were skipped because their time was not after the previous one."""
        return self._state.out_of_order

    @property
    def missing(self) -> bool:
        """True while the file does not exist (as of the last poll)."""
        return self._state.missing

    @property
    def status(self) -> str:
        """One line for a UI: where reading stands, and what was skipped."""
        state = self._state
        if state.missing:
            text = f"waiting for {str(self._path)!r} to appear"
        else:
            text = f"following {str(self._path)!r} (line {state.line}, byte {state.offset})"
        if state.malformed:
            text += f"; {state.malformed} malformed lines skipped (last: {state.last_problem})"
        if state.out_of_order:
            text += f"; {state.out_of_order} out-of-order samples skipped"
        return text

    def poll(self, now: int) -> Batch:
        """Every complete line appended since the last poll, as samples (``now`` is unused:
        the file's own times are the samples' times)."""
        rows = _Rows()
        state, handle = self._advance(replace(self._state), rows)
        self._file.swap(handle)
        self._state = state
        return rows.batch(len(self._names))

    def close(self) -> None:
        """Close the file held open; a later poll reopens it and goes on where it was."""
        self._file.close()

    def __enter__(self) -> FileSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"FileSource({str(self._path)!r}, names={self._names!r}, format={self._format!r})"

    def _advance(self, state: _State, rows: _Rows) -> tuple[_State, BinaryIO | None]:
        """Read what is new into ``rows``, updating ``state`` (a copy); the state and the
        handle to keep.

        The path is looked at *before* the open file is read to its end, so every line
        written to a file before it was rotated away is read before moving on. If the new
        file then fails (a header that does not match), the old file's last lines are
        delivered now and the error comes with the next poll.
        """
        handle = self._file.handle
        path_ident = _ident_or_none(self._path)
        if handle is not None:
            more_waiting = self._read(handle, state, rows)
            if more_waiting or path_ident == state.ident:
                return state, handle  # go on next poll, or the same file: done
        if path_ident is None:
            return replace(state, ident=None, missing=True), None
        more = _Rows()
        try:
            opened = self._open(replace(state), more)
        except Exception:
            if not rows.times:
                raise
            return state, handle
        rows.extend(more)
        return opened

    def _open(self, state: _State, rows: _Rows) -> tuple[_State, BinaryIO | None]:
        """Open the file at the path and read it: from the start if it is not the one
        ``state`` was reading. Closes what it opened if it raises."""
        try:
            handle = open(self._path, "rb", buffering=0)  # noqa: SIM115 (kept across polls)
        except FileNotFoundError:
            return replace(state, ident=None, missing=True), None
        try:
            ident = _ident(os.fstat(handle.fileno()))
            if ident != state.ident:
                state.ident = ident
                state.restart()
            state.missing = False
            self._read(handle, state, rows)
        except BaseException:
            handle.close()
            raise
        return state, handle

    def _read(self, handle: BinaryIO, state: _State, rows: _Rows) -> bool:
        """Parse the complete lines after ``state.offset`` into ``rows`` (from the start if
        the file is now shorter: truncated); True if the read stopped at the catch-up bound
        (more may be waiting)."""
        if os.fstat(handle.fileno()).st_size < state.offset:
            state.restart()
        handle.seek(state.offset)
        data = handle.read(self._max_read) or b""
        full = len(data) == self._max_read
        start = 0
        if state.discarding:  # the rest of a line too long to read
            start = data.find(b"\n") + 1
            if start == 0:
                state.offset += len(data)
                return full
            state.discarding = False
        end = data.rfind(b"\n") + 1
        if end <= start and full:
            state.line += 1
            state.problem(f"longer than {self._max_read} bytes")
            state.discarding = True
            end = len(data)
        else:
            for line in data[start:end].split(b"\n")[:-1]:
                self._take(line, state, rows)
        state.offset += max(end, start)
        return full

    def _take(self, raw: bytes, state: _State, rows: _Rows) -> None:
        """One line: the header, a sample, or a problem counted in ``state``."""
        state.line += 1
        try:
            text = raw.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError:
            state.problem("not valid UTF-8")
            return
        if state.line == 1:
            text = text.removeprefix("\ufeff")
        if not text.strip():
            return
        if self._format == "csv" and state.columns is None:
            state.columns = self._header_columns(csv_header(text), state.line)
            return
        try:
            time, values = self._parse(text, state.columns)
        except Malformed as problem:
            state.problem(str(problem))
            return
        if state.last_time is not None and time <= state.last_time:
            state.out_of_order += 1
            return
        state.last_time = time
        rows.add(time, values)

    def _parse(self, text: str, columns: Columns | None) -> tuple[int, list[float]]:
        """A line's time and values; trusts ``columns`` to be this file's header (CSV)."""
        if self._format == "ndjson":
            return ndjson_sample(text, self._time_column, self._names)
        assert columns is not None
        return csv_sample(text, columns, self._names)

    def _header_columns(self, header: list[str] | None, line: int) -> Columns:
        """Where the time and each series sit in a CSV header, or the error that says how it
        does not match ``names``."""
        where = f"the header (line {line}) of {str(self._path)!r}"
        if header is None:
            raise ValueError(f"{where} is not valid CSV")
        if self._time_column not in header:
            raise ValueError(
                f"`time_column` {self._time_column!r} must be a column of {where}, "
                f"got columns {header!r}"
            )
        duplicates = sorted({c for c in header if header.count(c) > 1})
        if duplicates:
            raise ValueError(f"{where} must name each column once, got duplicates {duplicates}")
        series = [c for c in header if c != self._time_column]
        missing = sorted(set(self._names) - set(series))
        extra = sorted(set(series) - set(self._names))
        if missing or extra:
            raise ValueError(
                f"`names` {self._names!r} must be the series of {where}, got columns "
                f"{header!r} (missing: {missing}, extra: {extra}); pass the header's names"
            )
        return Columns(
            count=len(header),
            time=header.index(self._time_column),
            series=tuple(header.index(name) for name in self._names),
        )

    def _check_existing_header(self) -> None:
        """Fail now, not at the first poll, if the file's header does not match ``names``."""
        first = _first_line(self._path)
        if first is not None:
            line, text = first
            self._header_columns(csv_header(text), line)


class FileNotReady(ValueError):
    """The file does not exist yet, or has no complete line to take the series' names from:
    constructing the source again once it does will work."""


@dataclass
class _State:
    """Where reading stands: copied at the start of a poll, kept only if the poll succeeds."""

    ident: tuple[int, int] | None = None  # (st_dev, st_ino) of the open file
    offset: int = 0  # bytes of it consumed: every complete line before this was parsed
    line: int = 0  # lines of it consumed, for messages
    columns: Columns | None = None  # CSV: from the file's header, once read
    discarding: bool = False  # inside a line longer than the catch-up bound
    last_time: int | None = None
    malformed: int = 0
    last_problem: str | None = None
    out_of_order: int = 0
    missing: bool = False

    def restart(self) -> None:
        """Read the file again from its first byte (header included)."""
        self.offset, self.line, self.columns, self.discarding = 0, 0, None, False

    def problem(self, what: str) -> None:
        """Count the current line as malformed."""
        self.malformed += 1
        self.last_problem = f"line {self.line}: {what}"


class _Rows:
    """Samples gathered during one poll."""

    def __init__(self) -> None:
        self.times: list[int] = []
        self.values: list[list[float]] = []

    def add(self, time: int, values: list[float]) -> None:
        self.times.append(time)
        self.values.append(values)

    def extend(self, other: _Rows) -> None:
        self.times.extend(other.times)
        self.values.extend(other.values)

    def batch(self, series: int) -> Batch:
        times = np.array(self.times, dtype=np.int64)
        values = np.array(self.values, dtype=np.float64).reshape(len(times), series)
        return Batch(times, values)


class _OpenFile:
    """The file kept open between polls; closed on ``close`` or when the source is gone."""

    def __init__(self) -> None:
        self.handle: BinaryIO | None = None

    def swap(self, handle: BinaryIO | None) -> None:
        if self.handle is not None and self.handle is not handle:
            self.handle.close()
        self.handle = handle

    def close(self) -> None:
        self.swap(None)


def _ident(stat: os.stat_result) -> tuple[int, int]:
    return (stat.st_dev, stat.st_ino)


def _ident_or_none(path: Path) -> tuple[int, int] | None:
    """The file at ``path`` as (device, inode), or None if there is none."""
    try:
        return _ident(os.stat(path))
    except FileNotFoundError:
        return None


def _first_line(path: Path) -> tuple[int, str] | None:
    """The file's first complete non-blank line and its number, or None if the file is
    missing or has none yet."""
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_READ_BYTES)
    except FileNotFoundError:
        return None
    for number, raw in enumerate(data.split(b"\n")[:-1], start=1):
        text = raw.decode("utf-8", errors="replace").rstrip("\r").removeprefix("\ufeff")
        if text.strip():
            return number, text
    return None


def _inferred_names(path: Path, format: str, time_column: str) -> tuple[str, ...]:
    """The series named by the CSV header or the first NDJSON record, less the time column."""
    first = _first_line(path)
    if first is None:
        raise FileNotReady(
            f"`names` must be given while {str(path)!r} does not exist or has no complete "
            f"line yet, got None: pass names=(...) for the series to follow"
        )
    _, text = first
    if format == "csv":
        keys = csv_header(text)
    else:
        try:
            record = json.loads(text)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            raise ValueError(
                f"`names` must be given when the first record of {str(path)!r} is not a "
                f"JSON object, got {shown(text)}"
            )
        keys = list(record)
    if keys is None or time_column not in keys:
        raise ValueError(
            f"`time_column` {time_column!r} must be in the first line of {str(path)!r}, "
            f"got {shown(text)}"
        )
    return tuple(k for k in keys if k != time_column)


def _checked_path(path: object) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"`path` must be a str or os.PathLike, got {type(path).__name__}")
    checked = Path(path)
    if checked.is_dir():
        raise ValueError(f"`path` must be a file, got a directory {str(checked)!r}")
    return checked


def _checked_format(format: str | None, path: Path) -> str:
    """``format``, or the one ``path``'s suffix names."""
    if format is None:
        found = SUFFIXES.get(path.suffix.lower())
        if found is None:
            raise ValueError(
                f"`path` must end in {', '.join(SUFFIXES)} or `format` must be given, "
                f"got {str(path)!r}"
            )
        return found
    if format not in FORMATS:
        raise ValueError(f"`format` must be one of {FORMATS}, got {format!r}")
    return format


def _checked_time_column(time_column: object) -> str:
    if not isinstance(time_column, str):
        raise TypeError(f"`time_column` must be a str, got {type(time_column).__name__}")
    if not time_column:
        raise ValueError("`time_column` must be a non-empty string, got ''")
    return time_column


def _checked_max_read(max_read_bytes: object) -> int:
    if not is_integer(max_read_bytes):
        raise TypeError(f"`max_read_bytes` must be an integer, got {max_read_bytes!r}")
    if max_read_bytes < 1:  # type: ignore[operator]
        raise ValueError(f"`max_read_bytes` must be a positive integer, got {max_read_bytes!r}")
    return int(max_read_bytes)  # type: ignore[call-overload]
