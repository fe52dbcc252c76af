"""Memory over long runs (feed/ui/memory.py): the server's periodic collection, the page's spec
and timing entries."""

from __future__ import annotations

import gc
import threading
import weakref
from pathlib import Path

import pytest
import vl_convert
from streamlit.testing.v1 import AppTest

from feed import compile_line_chart
from feed.ui import memory
from feed.ui.memory import (
    STREAMLIT_TIMING_MARKS,
    STREAMLIT_TIMING_MEASURES,
    PeriodicCollector,
    timings_script,
)

APP = str(Path(__file__).resolve().parents[2] / "app.py")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def collector(every_s: float = 30.0) -> tuple[PeriodicCollector, Clock, list[str]]:
    clock, calls = Clock(), []
    collect = PeriodicCollector(
        every_s,
        clock=clock,
        collect=lambda: calls.append("collect") or 0,
        freeze=lambda: calls.append("freeze"),
    )
    return collect, clock, calls


def test_collector_collects_then_freezes_on_the_first_call():
    collect, _, calls = collector()
    assert collect() is True
    assert calls == ["collect", "freeze"]
    assert collect.passes == 1


def test_collector_waits_every_s_between_passes_and_freezes_only_once():
    collect, clock, calls = collector(30.0)
    collect()
    clock.now += 29.9
    assert collect() is False
    clock.now += 0.1
    assert collect() is True
    clock.now += 10
    assert collect() is False
    clock.now += 20
    assert collect() is True
    assert calls == ["collect", "freeze", "collect", "collect"]
    assert collect.passes == 3


def test_collector_lets_one_thread_collect_and_the_others_return_at_once():
    clock, calls = Clock(), []
    inside, release = threading.Event(), threading.Event()

    def slow_collect() -> int:
        calls.append("collect")
        inside.set()
        release.wait(10)
        return 0

    collect = PeriodicCollector(30.0, clock=clock, collect=slow_collect, freeze=lambda: None)
    worker = threading.Thread(target=collect)
    worker.start()
    assert inside.wait(10)
    assert collect() is False  # the worker holds the pass: no wait, no second pass
    release.set()
    worker.join(10)
    assert calls == ["collect"]


def test_collector_frees_reference_cycles_python_would_leave_for_later():
    class Node:
        pass

    collect = PeriodicCollector(30.0, freeze=lambda: None)  # the real gc.collect
    gc.disable()  # no automatic pass may collect the cycle first
    try:
        node = Node()
        node.self = node
        alive = weakref.ref(node)
        del node
        assert alive() is not None  # a cycle: reference counting cannot free it
        assert collect() is True
        assert alive() is None
    finally:
        gc.enable()


@pytest.mark.parametrize("every_s", [0, -5.0, -1.0, float("inf"), float("nan"), "30"])
@pytest.mark.parametrize("periodic", [PeriodicCollector, timings_script])
def test_the_collector_and_the_page_script_need_a_positive_finite_interval(periodic, every_s):
    with pytest.raises(ValueError, match="`every_s` must be a positive number of seconds"):
        periodic(every_s)


def test_collect_now_and_then_uses_one_collector_per_process(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "_COLLECTOR", lambda: calls.append(1) or True)
    assert memory.collect_now_and_then() is True
    assert calls == [1]


# Vega's transforms that change a row's own fields, and those that make new rows
# (``metadata.modifies`` and ``metadata.generates`` in the Vega transforms the frontend bundles).
MODIFIES = {"formula", "lookup", "bin", "timeunit", "window", "stack", "identifier",
            "joinaggregate"}  # fmt: skip
GENERATES = {"fold", "aggregate", "flatten", "pivot", "project", "countpattern"}


def derived_data(spec: dict) -> dict[str, list[str]]:
    """The Vega transform types of each dataset Vega-Lite derives from another one."""
    vega = vl_convert.vegalite_to_vega(spec)
    return {d["name"]: [t["type"] for t in d.get("transform", [])] for d in vega["data"]
            if "source" in d}  # fmt: skip


def copies_rows(transforms: list[str]) -> bool:
    """Whether Vega copies every row it gets through a deriving ``Relay`` (vega-parser's
    ``analyze``): a transform modifies a row before any transform makes new ones."""
    for kind in transforms:
        if kind in GENERATES:
            return False
        if kind in MODIFIES:
            return True
    return False


def test_vega_lites_default_parsing_copies_rows_with_a_formula():
    # The leak's cause: a transform changing the dataset's own rows (Vega then copies every
    # row through a Relay that remembers it). If Vega-Lite stops doing this, the chart's
    # `"parse": None` can go.
    spec = compile_line_chart(("A", "B"))
    for layer in spec["layer"]:
        if "name" in layer["data"]:
            layer["data"] = {"name": layer["data"]["name"]}
    assert any(copies_rows(transforms) for transforms in derived_data(spec).values())


def test_a_formula_copies_rows_even_after_a_filter_and_a_fold_first_does_not():
    # Where the formula stands among the filters does not matter: the Relay is the pipe's
    # first operator. (The crosshair's `calculate` after its hover filter leaked so.)
    assert copies_rows(["filter", "formula"])
    assert not copies_rows(["fold", "formula", "filter"])
    assert not copies_rows(["filter"])


@pytest.mark.parametrize("names", [("A", "B"), ("temp.c", "x[0]")])
@pytest.mark.parametrize("interactive", [True, False])
def test_the_compiled_chart_copies_no_rows(names, interactive):
    spec = compile_line_chart(names, interactive=interactive)
    named = [layer["data"] for layer in spec["layer"] if "name" in layer["data"]]
    assert all(data["format"] == {"parse": None} for data in named)
    derived = derived_data(spec)
    assert bool(derived) == interactive  # the crosshair's pipes are checked, not nothing
    for name, transforms in derived.items():
        assert not copies_rows(transforms), (name, transforms)


def test_timings_script_clears_streamlit_entries_by_name_every_interval():
    script = timings_script(2.5)
    assert "setInterval(" in script and "}, 2500);" in script
    for name in STREAMLIT_TIMING_MARKS:
        assert f'"{name}"' in script
    for name in STREAMLIT_TIMING_MEASURES:
        assert f'"{name}"' in script
    assert "clearMarks(name)" in script and "clearMeasures(name)" in script
    assert "clearMarks()" not in script  # never every mark on the page
    assert "window.__feedClearsTimings" in script  # once per page


def test_app_collects_now_and_then_from_its_tick(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "_COLLECTOR", lambda: calls.append(1) or False)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert calls == [1]  # the first load draws the chart once: one tick


def test_app_sends_the_chart_unparsed_and_the_timings_script_once():
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    (chart,) = at.get("vega_lite_chart")
    assert '"format": {"parse": null}' in chart.proto.spec
    scripts = [h for h in at.sidebar.get("html") if "__feedClearsTimings" in h.proto.body]
    assert len(scripts) == 1
