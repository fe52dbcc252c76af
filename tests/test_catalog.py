"""Picking a source: configurations, and the command line `streamlit run app.py -- ...`."""

from __future__ import annotations

import pytest

from feed.catalog import SourceConfig, make_source, parse_cli, series_names
from feed.sources import SyntheticSource
from feed.system_source import SystemSource


def test_cli_defaults_to_the_tutorial_source():
    assert parse_cli([]) == SourceConfig("synthetic", 2)


def test_cli_reads_source_and_series():
    assert parse_cli(["--source", "system"]) == SourceConfig("system", 2)
    assert parse_cli(["--series", "5"]) == SourceConfig("synthetic", 5)


def test_cli_rejects_an_unknown_source():
    with pytest.raises(ValueError, match=r"`source` must be one of \('synthetic', 'system'"):
        parse_cli(["--source", "kafka"])


def test_cli_rejects_unknown_arguments():
    with pytest.raises(ValueError, match=r"unknown command-line arguments \['--colour'"):
        parse_cli(["--colour", "red"])


@pytest.mark.parametrize(
    ("raw", "message"), [("x", "must be an integer"), ("17", "must be from 1 to 16")]
)
def test_cli_rejects_bad_series(raw, message):
    with pytest.raises(ValueError, match=f"`series` {message}, got"):
        parse_cli(["--series", raw])


def test_configs_are_hashable_keys():
    assert len({SourceConfig(), SourceConfig(), SourceConfig("system")}) == 2


def test_make_source_builds_what_the_config_names():
    assert isinstance(make_source(SourceConfig("system")), SystemSource)
    synthetic = make_source(SourceConfig("synthetic", 3))
    assert isinstance(synthetic, SyntheticSource)
    assert synthetic.names == ("A", "B", "C")


def test_series_names_follow_the_alphabet():
    assert series_names(16)[-1] == "P"


def test_cli_file_source_takes_a_path():
    assert parse_cli(["--source", "file", "--path", "d.csv"]) == SourceConfig("file", 2, "d.csv")


def test_file_source_needs_a_path():
    with pytest.raises(
        ValueError, match="`path` must name the CSV or NDJSON file to follow, got None"
    ):
        SourceConfig("file")


def test_make_source_follows_the_file(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("t,x,y\n1764000000,1.0,2.0\n")
    source = make_source(SourceConfig("file", path=str(path)))
    assert source.names == ("x", "y")
    assert len(source.poll(0)) == 1


def test_cli_redis_source_takes_a_url_and_stream():
    config = parse_cli(
        ["--source", "redis", "--redis", "redis://127.0.0.1:7000/1", "--stream", "s"]
    )
    assert (config.kind, config.redis_url, config.stream) == (
        "redis",
        "redis://127.0.0.1:7000/1",
        "s",
    )
