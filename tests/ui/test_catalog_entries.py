"""The catalog's entries as the operator writes them: NAME=KIND[:ARG] on the command line and
in FEED_SOURCES, tables in secrets, and the whole catalog built from them."""

from __future__ import annotations

import pytest

from feed.ui.catalog import (
    MAX_FEEDS,
    SourceConfig,
)
from feed.ui.catalog_entries import (
    build_catalog,
    env_catalog,
    parse_cli,
    parse_entry,
    secrets_catalog,
)

# --- entries: NAME=KIND[:ARG] -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "config"),
    [
        ("demo=synthetic", "demo", SourceConfig("synthetic", 2)),
        ("demo=synthetic:8", "demo", SourceConfig("synthetic", 8)),
        ("host=system", "host", SourceConfig("system")),
        ("lab=file:data/lab.csv", "lab", SourceConfig("file", path="data/lab.csv")),
        ("plant=redis", "plant", SourceConfig("redis")),
        (
            "plant=redis:redis://10.0.0.5:6379/1#plant",
            "plant",
            SourceConfig("redis", redis_url="redis://10.0.0.5:6379/1", stream="plant"),
        ),
        (
            "plant=rediss://10.0.0.5:6380/0",
            "plant",
            SourceConfig("redis", redis_url="rediss://10.0.0.5:6380/0"),
        ),
    ],
)
def test_entry_names_a_source(text, name, config):
    assert parse_entry(text) == (name, config)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lab", r"`--source` must be NAME=KIND\[:ARG\] with KIND one of .*got 'lab'"),
        ("=system", r"must be NAME=KIND\[:ARG\]"),
        ("x=kafka", r"`--source` 'x': KIND must be one of \('synthetic', .*got 'kafka'"),
        ("x=synthetic:99", r"`--source` 'x': `series` must be from 1 to 16, got 99"),
        ("x=synthetic:many", r"`series` must be an integer, got 'many'"),
        ("x=system:now", r"`system` takes no argument, got 'now'"),
        ("x=file", r"`path` must name the CSV or NDJSON file to follow"),
        ("x=redis:http://h", r"`url` must be a Redis URL .*got 'http://h'"),
    ],
)
def test_bad_entries_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_entry(text)


def test_entry_error_never_shows_a_password():
    with pytest.raises(ValueError) as raised:
        parse_entry("redis://u:hunter2@h:1/0")  # the name forgotten
    assert "hunter2" not in str(raised.value)
    assert "redis://u:***@h:1/0" in str(raised.value)


# --- the command line -------------------------------------------------------------------


def test_cli_names_no_source_by_default():
    assert parse_cli([]) == {}


def test_cli_reads_named_sources_in_order():
    catalog = parse_cli(["--source", "lab=file:a.csv", "--source", "demo=synthetic:3"])
    assert list(catalog) == ["lab", "demo"]
    assert catalog["demo"] == SourceConfig("synthetic", 3)


def test_cli_keeps_the_single_source_flags():
    assert parse_cli(["--source", "system"]) == {"system": SourceConfig("system")}
    assert parse_cli(["--series", "5"]) == {"synthetic": SourceConfig("synthetic", 5)}
    assert parse_cli(["--source", "file", "--path", "d/data.csv"]) == {
        "data.csv": SourceConfig("file", path="d/data.csv")
    }
    config = parse_cli(
        ["--source", "redis", "--redis", "redis://127.0.0.1:7000/1", "--stream", "s"]
    )["redis"]
    assert (config.redis_url, config.stream) == ("redis://127.0.0.1:7000/1", "s")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--source", "nope"], r"`--source` must be NAME=KIND\[:ARG\] or one of \('synth"),
        (["--series", "99"], r"`series` must be from 1 to 16, got 99"),
        (["--series", "x"], r"`series` must be an integer, got 'x'"),
        (["--colour", "red"], r"unknown command-line arguments \['--colour', 'red'\]; known"),
        (["--help"], r"unknown command-line arguments \['--help'\]"),
        (["--source"], r"bad command line: argument --source: expected one argument"),
        (["--source", "file"], r"`--source file` needs `--path`"),
        (["--path", "a.csv"], r"`--path` goes with `--source file`"),
        (["--source", "a=system", "--source", "a=synthetic"], r"'a' is given twice"),
    ],
)
def test_cli_rejects_a_bad_command_line_in_one_line(argv, message):
    with pytest.raises(ValueError, match=message) as raised:
        parse_cli(argv)
    assert "\n" not in str(raised.value)


def test_cli_refuses_a_redis_password():
    with pytest.raises(ValueError, match="must not be on the command line") as raised:
        parse_cli(["--source", "plant=redis:redis://:hunter2@h:6379/0"])
    assert "hunter2" not in str(raised.value)
    assert "redis://:***@h:6379/0" in str(raised.value)


# --- the environment and secrets ------------------------------------------------------------


def test_env_names_sources_separated_by_spaces_quoted_as_in_a_shell():
    catalog = env_catalog({"FEED_SOURCES": 'host=system "my lab=file:/d/my lab.csv"'})
    assert catalog == {
        "host": SourceConfig("system"),
        "my lab": SourceConfig("file", path="/d/my lab.csv"),
    }
    assert env_catalog({}) == {}


def test_env_may_hold_a_redis_password():
    catalog = env_catalog({"FEED_SOURCES": "plant=redis:redis://:hunter2@h:6379/0#s"})
    assert catalog["plant"].redis_url == "redis://:hunter2@h:6379/0"


def test_env_with_broken_quotes_is_refused():
    with pytest.raises(ValueError, match="`FEED_SOURCES` must be entries NAME=KIND"):
        env_catalog({"FEED_SOURCES": '"lab=file:a.csv'})


def test_secrets_tables_name_sources_with_a_password():
    tables = {
        "plant": {"kind": "redis", "url": "redis://h:6379/0", "stream": "s", "password": "pw"},
        "demo": {"kind": "synthetic", "series": 4},
    }
    catalog = secrets_catalog(tables)
    assert catalog["plant"].password == "pw"
    assert catalog["plant"].stream == "s"
    assert catalog["demo"] == SourceConfig("synthetic", 4)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"kind": "redis", "pasword": "x"}, r"unknown keys \['pasword'\]; known: \('kind'"),
        ({"url": "redis://h"}, r"must say its `kind`"),
        ({"kind": "synthetic", "series": 99}, r"`series` must be from 1 to 16, got 99"),
    ],
)
def test_secrets_bad_tables_are_refused(table, message):
    with pytest.raises(ValueError, match=r"`\[feed.sources.plant\]` in secrets.*" + message):
        secrets_catalog({"plant": table})


# --- the whole catalog --------------------------------------------------------------------


def test_catalog_defaults_to_the_tutorial_source_alone():
    assert build_catalog([], {}) == {"synthetic": SourceConfig()}


def test_catalog_joins_command_line_environment_and_secrets():
    catalog = build_catalog(
        ["--source", "host=system"],
        {"FEED_SOURCES": "lab=file:a.csv"},
        {"plant": {"kind": "redis"}},
    )
    assert list(catalog) == ["host", "lab", "plant"]


def test_catalog_refuses_a_name_given_twice():
    with pytest.raises(ValueError, match=r"the source name 'lab' is given twice \(again in"):
        build_catalog(["--source", "lab=system"], {"FEED_SOURCES": "lab=file:a.csv"})


def test_catalog_refuses_more_feeds_than_the_limit():
    argv = [arg for i in range(3) for arg in ("--source", f"s{i}=synthetic")]
    with pytest.raises(
        ValueError,
        match=rf"need up to 48 feeds .*more than the limit of {MAX_FEEDS} per process",
    ):
        build_catalog(argv, {})
