"""Which source to stream: the configuration a user picks (sidebar or command line), and
the source it builds. A configuration is hashable, so one feed per configuration can be
shared by every session that picks it."""

from __future__ import annotations

import argparse
import string
from collections.abc import Sequence
from dataclasses import dataclass

from feed.file_source import FileSource
from feed.redis_source import DEFAULT_URL, RedisSource
from feed.sources import Source, SyntheticSource
from feed.system_source import SystemSource

SOURCE_KINDS = ("synthetic", "system", "file", "redis")
MAX_SERIES = 16
SAMPLE_INTERVAL_S = 0.5  # the tutorial's source: one sample every 0.5 s
REDIS_BACKFILL = 10_000  # samples a replica reads from the stream's history when it starts


@dataclass(frozen=True)
class SourceConfig:
    """``kind`` is one of ``SOURCE_KINDS``; ``series`` counts synthetic series (A, B, ...);
    ``path`` is the CSV or NDJSON file the ``file`` source follows; ``redis_url`` and
    ``stream`` name the Redis stream the ``redis`` source reads."""

    kind: str = "synthetic"
    series: int = 2
    path: str | None = None
    redis_url: str = DEFAULT_URL
    stream: str = "feed"

    def __post_init__(self) -> None:
        if self.kind not in SOURCE_KINDS:
            raise ValueError(f"`source` must be one of {SOURCE_KINDS}, got {self.kind!r}")
        if isinstance(self.series, bool) or not isinstance(self.series, int):
            raise TypeError(f"`series` must be an integer, got {self.series!r}")
        if not 1 <= self.series <= MAX_SERIES:
            raise ValueError(f"`series` must be from 1 to {MAX_SERIES}, got {self.series}")
        if self.kind == "file" and not self.path:
            raise ValueError(
                f"`path` must name the CSV or NDJSON file to follow, got {self.path!r}"
            )


def series_names(count: int) -> tuple[str, ...]:
    """A, B, C, ...: the tutorial's names, extended."""
    return tuple(string.ascii_uppercase[:count])


def make_source(
    config: SourceConfig, backfill_s: float = 60.0, start_after: int | None = None
) -> Source:
    """The source ``config`` describes. ``backfill_s`` and ``start_after`` shape the synthetic
    source's history (see ``SyntheticSource``); sources with real history ignore them."""
    if config.kind == "system":
        return SystemSource(sample_interval=SAMPLE_INTERVAL_S)
    if config.kind == "file":
        return FileSource(config.path)
    if config.kind == "redis":
        return RedisSource(config.redis_url, config.stream, backfill=REDIS_BACKFILL)
    return SyntheticSource(
        series_names(config.series),
        SAMPLE_INTERVAL_S,
        backfill=backfill_s,
        start_after=start_after,
    )


def parse_cli(argv: Sequence[str]) -> SourceConfig:
    """The source named on the command line: ``streamlit run app.py -- --source system``."""
    parser = argparse.ArgumentParser(prog="streamlit run app.py --", exit_on_error=False)
    parser.add_argument("--source", default="synthetic", help=f"one of {SOURCE_KINDS}")
    parser.add_argument("--series", default="2", help="synthetic series, 1 to 16")
    parser.add_argument("--path", default=None, help="the file the file source follows")
    parser.add_argument("--redis", default=DEFAULT_URL, help="the redis source's server URL")
    parser.add_argument("--stream", default="feed", help="the redis source's stream")
    try:
        args, unknown = parser.parse_known_args(list(argv))
    except argparse.ArgumentError as exc:
        raise ValueError(f"bad command line {list(argv)!r}: {exc}") from None
    if unknown:
        raise ValueError(
            f"unknown command-line arguments {unknown!r}; known: --source, --series, --path"
        )
    try:
        series = int(args.series)
    except ValueError:
        raise ValueError(f"`series` must be an integer, got {args.series!r}") from None
    return SourceConfig(args.source, series, args.path, args.redis, args.stream)
