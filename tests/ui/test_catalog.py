"""The catalog: the configurations the operator's sources build, and a source that cannot
start said in words (the entries themselves: test_catalog_entries.py)."""

from __future__ import annotations

import pytest

from feed.sources.base import SyntheticSource
from feed.sources.system import SystemSource
from feed.ui.catalog import (
    SourceConfig,
    SourceUnavailable,
    make_source,
    series_names,
    start_source,
)
from tests.redis_server import free_port

# --- configurations ---------------------------------------------------------------------


def test_configs_are_hashable_keys():
    assert len({SourceConfig(), SourceConfig(), SourceConfig("system")}) == 2


def test_make_source_builds_what_the_config_names():
    assert isinstance(make_source(SourceConfig("system")), SystemSource)
    synthetic = make_source(SourceConfig("synthetic", 3))
    assert isinstance(synthetic, SyntheticSource)
    assert synthetic.names == ("A", "B", "C")


def test_series_names_follow_the_alphabet():
    assert series_names(16)[-1] == "P"


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


def test_config_repr_masks_the_password():
    config = SourceConfig("redis", redis_url="redis://u:hunter2@h:1/0", password="swordfish")
    assert "hunter2" not in repr(config)
    assert "swordfish" not in repr(config)
    assert "redis://u:***@h:1/0" in repr(config)
    assert "hunter2" not in config.describe()


# --- a source that cannot start, in words ---------------------------------------------------


def test_start_source_waits_for_a_missing_file(tmp_path):
    config = SourceConfig("file", path=str(tmp_path / "later.csv"))
    with pytest.raises(SourceUnavailable) as raised:
        start_source("lab", config)
    assert raised.value.waiting
    assert str(raised.value) == (
        "Waiting for the file 'later.csv' to appear: the source 'lab' starts once it has its "
        "first line."
    )


def test_start_source_waits_for_redis_and_masks_its_password():
    url = f"redis://u:hunter2@127.0.0.1:{free_port()}/0"
    with pytest.raises(SourceUnavailable) as raised:
        start_source("plant", SourceConfig("redis", redis_url=url))
    assert raised.value.waiting
    assert str(raised.value) == (
        f"Waiting for Redis at {url.replace('hunter2', '***')}, which does not answer: the "
        "source 'plant' starts once it does."
    )


def test_start_source_without_library_advice(tmp_path):
    path = tmp_path / "x.ndjson"
    path.write_text("[1, 2]\n")
    with pytest.raises(SourceUnavailable) as raised:
        start_source("lab", SourceConfig("file", path=str(path)))
    assert not raised.value.waiting
    assert str(raised.value).startswith("The source 'lab' cannot start: ")
