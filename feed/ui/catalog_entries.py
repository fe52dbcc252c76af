"""Where the operator names the app's sources, read into a catalog: the command line,
``FEED_SOURCES`` and ``.streamlit/secrets.toml`` (``build_catalog``).

Entries, on the command line (``--source NAME=KIND[:ARG]``, repeatable) and in
``FEED_SOURCES`` (the same, separated by spaces, quoted as in a shell)::

    demo=synthetic            the tutorial's random data (synthetic:8 starts with 8 series)
    host=system               this machine's CPU per core and memory
    lab=file:data/lab.csv     a CSV or NDJSON file another process appends to
    plant=redis               the Redis stream "feed" at redis://127.0.0.1:6379/0
    plant=redis:redis://10.0.0.5:6379/0#plant   another server and stream (#STREAM)

In secrets, one table per source, where a Redis password can live::

    [feed.sources.plant]
    kind = "redis"
    url = "rediss://redis.example.com:6380/0"
    stream = "plant"
    password = "..."

The older single-source flags still work: ``--source system``, ``--source file --path
data.csv`` (a source named after the file), ``--source redis --redis URL --stream NAME``.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from feed.sources.redis_entries import DEFAULT_URL, shown_url
from feed.ui.catalog import (
    DEFAULT_STREAM,
    MAX_FEEDS,
    MAX_SERIES,
    REDIS_SCHEMES,
    SOURCE_KINDS,
    SourceConfig,
    synthetic_interval,
)

MAX_NAME = 40  # characters in a source's name
SOURCES_ENV = "FEED_SOURCES"
ENTRY = "NAME=KIND[:ARG]"
SECRET_KEYS = ("kind", "series", "path", "url", "stream", "password")


def parse_entry(text: str, where: str = "`--source`", series: int = 2) -> tuple[str, SourceConfig]:
    """One catalog entry, ``NAME=KIND[:ARG]`` (see the module's docstring), as its name and
    configuration; ``series`` is a synthetic source's starting series when ARG does not say.
    A Redis URL may stand for ``redis:URL``."""
    name, sep, spec = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ValueError(
            f"{where} must be {ENTRY} with KIND one of {SOURCE_KINDS} (e.g. "
            f"lab=file:data.csv), got {_shown(text)!r}"
        )
    name = checked_name(name, where)
    kind, _, arg = ("redis", "", spec) if spec.startswith(REDIS_SCHEMES) else spec.partition(":")
    try:
        return name, _entry_config(kind, arg, series)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where} {name!r}: {exc}") from None


def _entry_config(kind: str, arg: str, series: int) -> SourceConfig:
    """The configuration of ``KIND[:ARG]``."""
    if kind == "synthetic":
        if arg:
            try:
                series = int(arg)
            except ValueError:
                raise ValueError(f"`series` must be an integer, got {arg!r}") from None
        return SourceConfig("synthetic", series)
    if kind == "system":
        if arg:
            raise ValueError(f"`system` takes no argument, got {arg!r}")
        return SourceConfig("system")
    if kind == "file":
        return SourceConfig("file", path=arg or None)
    if kind == "redis":
        url, _, stream = (arg or DEFAULT_URL).rpartition("#") if "#" in arg else (arg, "", "")
        return SourceConfig("redis", redis_url=url or DEFAULT_URL, stream=stream or DEFAULT_STREAM)
    raise ValueError(f"KIND must be one of {SOURCE_KINDS}, got {kind!r}")


def checked_name(name: str, where: str) -> str:
    """A source's name as the sidebar shows it: 1 to ``MAX_NAME`` printable characters."""
    if not name.isprintable() or not 1 <= len(name) <= MAX_NAME:
        raise ValueError(
            f"{where}: a source's name must be 1 to {MAX_NAME} printable characters, got {name!r}"
        )
    return name


def parse_cli(argv: Sequence[str]) -> dict[str, SourceConfig]:
    """The sources the command line opens (``streamlit run app.py -- ARGS``), in order;
    empty if it names none. Refuses a Redis password: a command line is visible to every
    user of the machine."""
    parser = argparse.ArgumentParser(
        prog="streamlit run app.py --", add_help=False, exit_on_error=False
    )
    parser.add_argument("--source", action="append", default=[])
    parser.add_argument("--series", default=None)
    parser.add_argument("--path", default=None)
    parser.add_argument("--redis", default=None)
    parser.add_argument("--stream", default=None)
    try:
        args, unknown = parser.parse_known_args(list(argv))
    except argparse.ArgumentError as exc:
        raise ValueError(f"bad command line: {exc}") from None
    if unknown:
        raise ValueError(
            f"unknown command-line arguments {[_shown(a) for a in unknown]!r}; known: "
            "--source, --series, --path, --redis, --stream"
        )
    series = 2
    if args.series is not None:
        try:
            series = int(args.series)
        except ValueError:
            raise ValueError(f"`series` must be an integer, got {args.series!r}") from None
        SourceConfig("synthetic", series)  # checks the range
    entries = [_cli_entry(value, args, series) for value in args.source]
    if not entries and args.series is not None:
        entries.append(("synthetic", SourceConfig("synthetic", series)))
    kinds = set(args.source)
    for flag, kind in (("path", "file"), ("redis", "redis"), ("stream", "redis")):
        if getattr(args, flag) is not None and kind not in kinds:
            raise ValueError(
                f"`--{flag}` goes with `--source {kind}`; to open several, use `--source {ENTRY}`"
            )
    for name, config in entries:
        if config.kind == "redis" and _has_password(config.redis_url):
            raise ValueError(
                f"`--source` {name!r}: a Redis password must not be on the command line, "
                f"where every user of this machine can read it ({shown_url(config.redis_url)}"
                f"): put it in {SOURCES_ENV} or .streamlit/secrets.toml"
            )
    return _unique(entries, "the command line")


def _cli_entry(value: str, args: argparse.Namespace, series: int) -> tuple[str, SourceConfig]:
    """One ``--source``: an entry ``NAME=KIND[:ARG]``, or a bare KIND as in earlier versions."""
    if "=" in value:
        return parse_entry(value, "`--source`", series)
    if value == "synthetic":
        return value, SourceConfig("synthetic", series)
    if value == "system":
        return value, SourceConfig("system")
    if value == "file":
        if not args.path:
            raise ValueError("`--source file` needs `--path`, the CSV or NDJSON file to follow")
        return checked_name(Path(args.path).name, "`--path`"), SourceConfig("file", path=args.path)
    if value == "redis":
        url, stream = args.redis or DEFAULT_URL, args.stream or DEFAULT_STREAM
        return value, SourceConfig("redis", redis_url=url, stream=stream)
    raise ValueError(f"`--source` must be {ENTRY} or one of {SOURCE_KINDS}, got {_shown(value)!r}")


def env_catalog(environ: Mapping[str, str]) -> dict[str, SourceConfig]:
    """The sources ``FEED_SOURCES`` opens: entries ``NAME=KIND[:ARG]`` separated by spaces
    (quoted as in a shell: ``"my lab=file:/data/my lab.csv"``)."""
    raw = environ.get(SOURCES_ENV, "")
    try:
        texts = shlex.split(raw)
    except ValueError as exc:
        raise ValueError(
            f"`{SOURCES_ENV}` must be entries {ENTRY} separated by spaces, quoted as in a "
            f"shell: {exc}"
        ) from None
    return _unique([parse_entry(text, f"`{SOURCES_ENV}`") for text in texts], SOURCES_ENV)


def secrets_catalog(tables: Mapping[str, Any]) -> dict[str, SourceConfig]:
    """The sources of secrets' ``[feed.sources.NAME]`` tables, whose keys are
    ``SECRET_KEYS``: ``kind`` (required), ``series``, ``path``, ``url``, ``stream`` and
    ``password``."""
    entries = []
    for name, table in tables.items():
        where = f"`[feed.sources.{name}]` in secrets"
        checked_name(str(name), where)
        if not isinstance(table, Mapping):
            raise ValueError(f"{where} must be a table with keys {SECRET_KEYS}")
        unknown = sorted(set(table) - set(SECRET_KEYS))
        if unknown:
            raise ValueError(f"{where} has unknown keys {unknown}; known: {SECRET_KEYS}")
        if "kind" not in table:
            raise ValueError(f"{where} must say its `kind`, one of {SOURCE_KINDS}")
        keys = {"url": "redis_url"}
        given = {keys.get(key, key): value for key, value in table.items()}
        try:
            config = SourceConfig(**given)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{where}: {exc}") from None
        entries.append((str(name), config))
    return _unique(entries, "secrets")


def build_catalog(
    argv: Sequence[str],
    environ: Mapping[str, str],
    secret_tables: Mapping[str, Any] | None = None,
) -> dict[str, SourceConfig]:
    """Every source the operator opened: the command line's, then ``FEED_SOURCES``', then
    secrets', by name; the tutorial's synthetic source alone when none names any.

    Raises ``ValueError`` in one line for a bad entry, a name given twice, or a catalog
    needing more than ``MAX_FEEDS`` feeds, or a bad ``FEED_SAMPLE_INTERVAL``."""
    synthetic_interval(environ)  # a bad setting stops the app at start, not at a source
    catalog: dict[str, SourceConfig] = {}
    for where, found in (
        ("the command line", parse_cli(argv)),
        (SOURCES_ENV, env_catalog(environ)),
        ("secrets", secrets_catalog(secret_tables or {})),
    ):
        for name, config in found.items():
            if name in catalog:
                raise ValueError(f"the source name {name!r} is given twice (again in {where})")
            catalog[name] = config
    if not catalog:
        catalog["synthetic"] = SourceConfig()
    feeds = sum(config.feeds for config in catalog.values())
    if feeds > MAX_FEEDS:
        raise ValueError(
            f"the sources opened need up to {feeds} feeds ({MAX_SERIES} per synthetic source, "
            f"1 per other), more than the limit of {MAX_FEEDS} per process: open fewer"
        )
    return catalog


def _unique(entries: list[tuple[str, SourceConfig]], where: str) -> dict[str, SourceConfig]:
    found: dict[str, SourceConfig] = {}
    for name, config in entries:
        if name in found:
            raise ValueError(f"the source name {name!r} is given twice in {where}")
        found[name] = config
    return found


def _has_password(url: str) -> bool:
    return shown_url(url) != url


def _shown(text: str) -> str:
    """``text`` for a message: any Redis URL in it with its password masked."""
    starts = [i for scheme in REDIS_SCHEMES if (i := text.find(scheme)) >= 0]
    if not starts:
        return text
    at = min(starts)
    return text[:at] + shown_url(text[at:])
