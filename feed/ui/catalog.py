"""The sources the app offers: a catalog of named sources the operator opens at start.

The command line, ``FEED_SOURCES`` and ``.streamlit/secrets.toml`` name the sources, with
their paths, URLs and streams; a viewer picks one by name and can change nothing else about
it but a synthetic source's number of series. Nothing a viewer sends becomes a path, a URL,
a host or a stream. A configuration is hashable, so one feed per configuration can be
shared by every session that picks it.

Where the operator names them (the command line, ``FEED_SOURCES``, secrets) and how is
``feed.ui.catalog_entries``.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import redis

from feed.sources.base import Source, SyntheticSource
from feed.sources.file import FileNotReady, FileSource
from feed.sources.redis import EmptyStream, RedisSource
from feed.sources.redis_entries import DEFAULT_URL, shown_url
from feed.sources.system import SystemSource
from feed.ui.settings import sample_interval_override

SOURCE_KINDS = ("synthetic", "system", "file", "redis")
MAX_SERIES = 16
MAX_FEEDS = 32
"""Feeds one process may hold: a synthetic source is one feed per number of series a viewer
can pick (``MAX_SERIES``), any other source one feed. A catalog needing more is refused."""
SAMPLE_INTERVAL_S = 0.5  # the tutorial's source: one sample every 0.5 s (FEED_SAMPLE_INTERVAL)
DEFAULT_STREAM = "feed"
REDIS_BACKFILL = 10_000  # samples a replica reads from the stream's history when it starts
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


@dataclass(frozen=True)
class SourceConfig:
    """``kind`` is one of ``SOURCE_KINDS``; ``series`` counts synthetic series (A, B, ...);
    ``path`` is the CSV or NDJSON file the ``file`` source follows; ``redis_url``, ``stream``
    and ``password`` (used unless the URL has one) name the Redis stream the ``redis`` source
    reads. The repr masks the password wherever it is."""

    kind: str = "synthetic"
    series: int = 2
    path: str | None = None
    redis_url: str = DEFAULT_URL
    stream: str = DEFAULT_STREAM
    password: str | None = field(default=None, repr=False)

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
        if self.kind == "redis":
            if not isinstance(self.redis_url, str) or not self.redis_url.startswith(REDIS_SCHEMES):
                shown = shown_url(self.redis_url) if isinstance(self.redis_url, str) else None
                raise ValueError(
                    f"`url` must be a Redis URL (redis://, rediss:// or unix://), got {shown!r}"
                )
            if not isinstance(self.stream, str) or not self.stream:
                raise ValueError(f"`stream` must be a non-empty string, got {self.stream!r}")

    def __repr__(self) -> str:
        return (
            f"SourceConfig({self.kind!r}, series={self.series}, path={self.path!r}, "
            f"redis_url={shown_url(self.redis_url)!r}, stream={self.stream!r})"
        )

    @property
    def feeds(self) -> int:
        """How many feeds viewers can make of it: one per series count for synthetic data."""
        return MAX_SERIES if self.kind == "synthetic" else 1

    def describe(self) -> str:
        """One line for a viewer: what the source is, the password masked."""
        if self.kind == "synthetic":
            return "random data, as in Streamlit's tutorial"
        if self.kind == "system":
            return "this machine's CPU per core and memory use"
        if self.kind == "file":
            return f"the file {Path(str(self.path)).name}"
        return f"Redis stream {self.stream!r} at {shown_url(self.redis_url)}"


class SourceUnavailable(Exception):
    """A catalog source that cannot start, in words for the person viewing the app.

    ``waiting``: it may start by itself (a file not written yet, Redis not answering or its
    stream still empty), so trying again later makes sense."""

    def __init__(self, message: str, waiting: bool = False) -> None:
        super().__init__(message)
        self.waiting = waiting


def series_names(count: int) -> tuple[str, ...]:
    """A, B, C, ...: the tutorial's names, extended."""
    return tuple(string.ascii_uppercase[:count])


def synthetic_interval(environ: Mapping[str, str] = os.environ) -> float:
    """Seconds between the synthetic source's samples: ``FEED_SAMPLE_INTERVAL`` if set (0.01
    to 60), else the tutorial's ``SAMPLE_INTERVAL_S``. Raises ``ValueError`` naming the bound."""
    override = sample_interval_override(environ)
    return SAMPLE_INTERVAL_S if override is None else override


def make_source(
    config: SourceConfig, backfill_s: float = 60.0, start_after: int | None = None
) -> Source:
    """The source ``config`` describes. ``backfill_s`` and ``start_after`` shape the synthetic
    source's history (see ``SyntheticSource``); sources with real history ignore them. The
    synthetic source samples every ``synthetic_interval()`` seconds (the environment's)."""
    if config.kind == "system":
        return SystemSource(sample_interval=SAMPLE_INTERVAL_S)
    if config.kind == "file":
        return FileSource(config.path)  # type: ignore[arg-type]
    if config.kind == "redis":
        return RedisSource(
            config.redis_url, config.stream, backfill=REDIS_BACKFILL, password=config.password
        )
    return SyntheticSource(
        series_names(config.series),
        synthetic_interval(),
        backfill=backfill_s,
        start_after=start_after,
    )


def start_source(
    name: str, config: SourceConfig, backfill_s: float = 60.0, start_after: int | None = None
) -> Source:
    """``make_source``, its failures said for the person in front of the app: a
    ``SourceUnavailable`` naming the source, with no traceback and no library advice."""
    try:
        return make_source(config, backfill_s, start_after)
    except FileNotReady:
        raise SourceUnavailable(
            f"Waiting for the file {Path(str(config.path)).name!r} to appear: the source "
            f"{name!r} starts once it has its first line.",
            waiting=True,
        ) from None
    except EmptyStream:
        raise SourceUnavailable(
            f"Waiting for the first sample in Redis stream {config.stream!r} at "
            f"{shown_url(config.redis_url)}: the source {name!r} starts once one is published.",
            waiting=True,
        ) from None
    except ConnectionError as exc:
        if isinstance(exc.__cause__, redis.exceptions.AuthenticationError):
            raise SourceUnavailable(
                f"Redis at {shown_url(config.redis_url)} refused the password the app's "
                f"operator gave for the source {name!r}."
            ) from None
        raise SourceUnavailable(
            f"Waiting for Redis at {shown_url(config.redis_url)}, which does not answer: the "
            f"source {name!r} starts once it does.",
            waiting=True,
        ) from None
    except (OSError, ValueError, TypeError) as exc:
        problem = str(exc).split(": pass ")[0].split("; pass ")[0]  # advice for programmers
        raise SourceUnavailable(f"The source {name!r} cannot start: {problem}.") from None


def with_series(catalog: Mapping[str, SourceConfig], series: int) -> dict[str, SourceConfig]:
    """The catalog with every synthetic source starting at ``series`` series."""
    return {
        name: replace(config, series=series) if config.kind == "synthetic" else config
        for name, config in catalog.items()
    }
