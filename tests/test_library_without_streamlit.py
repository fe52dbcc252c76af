"""The library without Streamlit: sources, window and chart import and run in a process where
``import streamlit`` fails, and so do the commands; only ``feed.ui`` needs Streamlit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

SCRIPT = """
import importlib, json, pkgutil, re, sys, time
sys.modules["streamlit"] = None  # `import streamlit` now raises ImportError

import feed
from feed import Feed, SyntheticSource, compile_line_chart

modules = []
for package in ("feed.sources", "feed.window", "feed.chart"):
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__, package + "."):
        importlib.import_module(info.name)
        modules.append(info.name)
for name in ("feed.produce", "feed.writer", "feed.ui.catalog", "feed.ui.catalog_entries",
             "feed.ui.settings"):
    importlib.import_module(name)
    modules.append(name)

live = Feed(SyntheticSource(names=("A", "B"), seed=1), capacity=1_000)
update = live.update(time.time_ns())
data = live.chart_data(columns=200)
spec = compile_line_chart(live.names)
print(json.dumps({
    "modules": modules,
    "window": data.window,
    "datasets": sorted(data.datasets),
    "spec_datasets": sorted(set(re.findall(r'"data": {"name": "(\\w+)"', json.dumps(spec)))),
    "streamlit": [m for m in sys.modules if m.startswith("streamlit.")],
}))
"""


def test_library_runs_where_streamlit_cannot_be_imported():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=PROJECT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert {"feed.sources.redis", "feed.window.stream", "feed.chart.spec"} <= set(out["modules"])
    assert out["window"] >= 100  # the first poll backfills about 60 s at 0.5 s
    assert out["datasets"] == ["axes", "body", "head", "nearest", "tail"]
    assert out["spec_datasets"] == out["datasets"]
    assert out["streamlit"] == []


def test_streamlit_layer_needs_streamlit_and_says_so():
    script = 'import sys; sys.modules["streamlit"] = None; import feed.ui.view'
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "streamlit" in result.stderr
