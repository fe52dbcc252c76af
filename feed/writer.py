"""Append the tutorial's data to a CSV or NDJSON file, for trying ``FileSource`` live.

Run ``python -m feed.writer data.csv`` in one terminal and follow ``data.csv`` in another.
Every ``--interval`` seconds it appends one line: the time now (epoch seconds, to the
nanosecond) and one standard normal value per series, flushed at once so a reader sees whole
lines. ``--rotate-every N`` renames the file to ``PATH.1`` after every N lines and starts a
new one, as log rotation does; ``--count N`` stops after N lines. Ctrl-C stops it quietly.

Installed, it is also the ``feed-writer`` command. Exit status: 0 when it stopped as asked
(``--count`` reached, Ctrl-C); 2 for a bad command line; 1 when the file cannot be written
(a missing folder, no permission, a full disk). Each error is one line on stderr, without a
traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from feed.cli import FAILURE, CommandParser, fail, program_name
from feed.sources.base import NS_PER_SECOND, checked_names
from feed.sources.file import FORMATS, SUFFIXES


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, print one start line, then write until done or interrupted.

    0 when done or interrupted, 2 for a bad command line, 1 when the file cannot be written;
    an error is one line on stderr."""
    parser = _parser()
    args = parser.parse_args(argv)
    fmt = args.format or SUFFIXES.get(args.path.suffix.lower())
    if fmt is None:
        parser.error(f"--format must be given for {str(args.path)!r}: one of {FORMATS}")
    try:
        names = checked_names(tuple(args.series.split(",")))
    except ValueError as error:
        parser.error(f"--series: {error}")
    try:
        writer = _Writer(args.path, fmt, names, args.rotate_every)
        print(
            f"feed.writer: appending {','.join(names)} to {str(args.path)!r} as {fmt} every "
            f"{args.interval:g} s; Ctrl-C to stop",
            flush=True,
        )
        try:
            writer.run(args.interval, args.count)
        finally:
            writer.close()
    except KeyboardInterrupt:
        pass  # Ctrl-C is how it is meant to stop: no traceback
    except OSError as error:
        where = f" {str(error.filename)!r}" if error.filename is not None else ""
        reason = error.strerror or str(error)
        return fail(parser, f"cannot write{where}: {reason}", FAILURE)
    return 0


class _Writer:
    """Lines of samples appended to one path, rotated to ``PATH.1`` every ``rotate_every``."""

    def __init__(self, path: Path, fmt: str, names: tuple[str, ...], rotate_every: int | None):
        self.path, self.fmt, self.names, self.rotate_every = path, fmt, names, rotate_every
        self.rng = random.Random()
        self.last_ns = 0
        self.in_file = 0  # lines written to the current file
        self.file = self._open()

    def run(self, interval: float, count: int | None) -> None:
        """One line every ``interval`` seconds (on a fixed grid: no drift), ``count`` in all."""
        start = time.monotonic()
        written = 0
        while count is None or written < count:
            self.write_line()
            written += 1
            delay = start + written * interval - time.monotonic()
            if delay > 0 and (count is None or written < count):
                time.sleep(delay)

    def write_line(self) -> None:
        """One sample, timed now (strictly after the previous one), written and flushed."""
        if self.rotate_every is not None and self.in_file >= self.rotate_every:
            self._rotate()
        now = max(time.time_ns(), self.last_ns + 1)
        self.last_ns = now
        seconds = f"{now // NS_PER_SECOND}.{now % NS_PER_SECOND:09d}"
        values = [repr(self.rng.gauss(0.0, 1.0)) for _ in self.names]
        if self.fmt == "csv":
            line = ",".join([seconds, *values])
        else:
            pairs = [f"{json.dumps(n)}: {v}" for n, v in zip(self.names, values, strict=True)]
            line = "{" + ", ".join([f'"t": {seconds}', *pairs]) + "}"
        self.file.write(line + "\n")
        self.file.flush()
        self.in_file += 1

    def close(self) -> None:
        self.file.close()

    def _open(self) -> TextIO:
        """The path opened for appending; a new or empty CSV file gets its header first."""
        file = open(self.path, "a", encoding="utf-8", newline="")  # noqa: SIM115 (long-lived)
        if self.fmt == "csv" and file.tell() == 0:
            header = io.StringIO()
            csv.writer(header, lineterminator="\n").writerow(["t", *self.names])
            file.write(header.getvalue())
            file.flush()
        return file

    def _rotate(self) -> None:
        """Close the file, rename it to ``PATH.1`` (replacing the last one), start anew."""
        self.file.close()
        os.replace(self.path, f"{self.path}.1")
        self.in_file = 0
        self.file = self._open()


def _parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=program_name("feed.writer", "feed-writer"),
        description="Append standard normal samples to a CSV or NDJSON file, one line per "
        "interval, for feed's file source to follow. Exit status: 0 when done or interrupted, "
        "2 for a bad command line, 1 when the file cannot be written.",
    )
    parser.add_argument("path", type=Path, help="the file to append to (.csv, .ndjson, .jsonl)")
    parser.add_argument("--format", choices=FORMATS, help="default: from the file's suffix")
    parser.add_argument("--interval", type=_positive(float), default=0.5, help="seconds")
    parser.add_argument("--series", default="A,B", help="comma-separated names (default A,B)")
    parser.add_argument(
        "--rotate-every", type=_positive(int), metavar="N", help="rename to PATH.1 every N lines"
    )
    parser.add_argument("--count", type=_positive(int), metavar="N", help="stop after N lines")
    return parser


def _positive(kind: type[float] | type[int]) -> Callable[[str], float | int]:
    """An argparse type: a positive finite ``kind``, or the error that says what was given."""

    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not 0 < value < float("inf"):
            raise argparse.ArgumentTypeError(f"must be a positive {kind.__name__}, got {text!r}")
        return value

    return parse


if __name__ == "__main__":
    raise SystemExit(main())
