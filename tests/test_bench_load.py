"""The load benchmark's light client speaks Streamlit's protocol as the browser does, and the
benchmark still runs: a real server of the feed app, then a quick run (structure only, never
timings)."""

from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks import bench_load, ws_client
from benchmarks.server import PROJECT, streamlit_server

FRAGMENT = "f" * 32


class _Socket:
    """Stands in for the websocket: keeps what the session sends."""

    def __init__(self) -> None:
        self.sent: list[BackMsg] = []

    async def send(self, data: bytes) -> None:
        msg = BackMsg()
        msg.ParseFromString(data)
        self.sent.append(msg)


def _new_session(fragment_ids: tuple[str, ...] = ()) -> bytes:
    msg = ForwardMsg()
    msg.new_session.page_script_hash = "page"
    msg.metadata.run.script_run_id = "run"
    msg.metadata.run.fragment_ids.extend(fragment_ids)
    return msg.SerializeToString()


def _finished(status: int, fragment_ids: tuple[str, ...] = ()) -> bytes:
    msg = ForwardMsg(script_finished=status)
    msg.metadata.run.fragment_ids.extend(fragment_ids)
    return msg.SerializeToString()


def _auto_rerun(interval: float) -> bytes:
    msg = ForwardMsg(auto_rerun={"fragment_id": FRAGMENT, "interval": interval})
    return msg.SerializeToString()


def _element(kind: str, **fields) -> bytes:
    msg = ForwardMsg()
    getattr(msg.delta.new_element, kind).SetInParent()
    getattr(msg.delta.new_element, kind).MergeFrom(
        type(getattr(msg.delta.new_element, kind))(**fields)
    )
    return msg.SerializeToString()


def test_session_keeps_widget_values_clicks_and_attributes_ticks():
    """Without a server: the messages the session sends, and how it counts runs."""

    async def scenario() -> tuple[ws_client.Session, _Socket]:
        session = ws_client.Session("http://127.0.0.1:1")
        socket = session.ws = _Socket()
        widgets = [
            _element("slider", id="s", default=[1.0], min=0.5, max=5.0),
            _element("selectbox", id="k", default=1, options=["a", "b"]),
            _element("slider", id="gone", default=[2.0]),  # not drawn again: dropped
        ]
        session.handle(_new_session(), 0.0)
        for element in widgets:
            session.handle(element, 0.0)
        session.handle(_element("button", id="go", label="Start streaming"), 0.0)
        session.handle(_finished(ForwardMsg.FINISHED_SUCCESSFULLY), 0.1)
        await session.click("Start streaming", timeout=1)
        session.handle(_new_session(), 0.2)
        for element in widgets[:2]:
            session.handle(element, 0.2)
        session.handle(_auto_rerun(60.0), 0.2)  # the timer itself never fires in this test
        session.handle(_finished(ForwardMsg.FINISHED_SUCCESSFULLY), 0.3)
        # Two timer requests before the run starts: one run serves both (coalesced).
        await session.send_rerun(fragment_id=FRAGMENT, is_auto_rerun=True)
        await session.send_rerun(fragment_id=FRAGMENT, is_auto_rerun=True)
        session.handle(_new_session((FRAGMENT,)), 10.0)
        session.handle(_element("vega_lite_chart"), 10.0)
        session.handle(_finished(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY, (FRAGMENT,)), 1e9)
        # A run cut short hands its request to the next run.
        await session.send_rerun(fragment_id=FRAGMENT, is_auto_rerun=True)
        session.handle(_new_session((FRAGMENT,)), 20.0)
        session.handle(_finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN, (FRAGMENT,)), 20.0)
        session.handle(_new_session((FRAGMENT,)), 21.0)
        session.handle(_finished(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY, (FRAGMENT,)), 2e9)
        assert set(session.timers) == {FRAGMENT}
        session.handle(_new_session(), 30.0)  # a full run clears the timers, as the page does
        assert session.timers == {}
        await session.close()
        return session, socket

    session, socket = asyncio.run(scenario())
    click, *timer = socket.sent
    states = {w.id: w for w in click.rerun_script.widget_states.widgets}
    assert list(states["s"].double_array_value.data) == [1.0]
    assert states["k"].string_value == "b"
    assert states["go"].trigger_value is True
    assert "gone" in states
    assert click.rerun_script.page_script_hash == "page"
    assert not click.rerun_script.is_auto_rerun and not click.rerun_script.fragment_id
    assert len(timer) == 3
    for msg in timer:
        assert msg.rerun_script.fragment_id == FRAGMENT and msg.rerun_script.is_auto_rerun
        assert {w.id for w in msg.rerun_script.widget_states.widgets} == {"s", "k"}  # no trigger
        assert msg.rerun_script.context_info.url == "http://127.0.0.1:1/"
    counters = session.counters
    assert [len(t.served) for t in counters.ticks] == [2, 1]
    assert "vega_lite_chart" in counters.ticks[0].elements
    assert all(t.latencies()[0] > 1e8 for t in counters.ticks)
    assert len(counters.cut_short) == 1 and len(counters.requests) == 3
    assert counters.unattributed_runs == 0 and counters.errors == []


def test_client_streams_the_feed_app_like_a_browser():
    """A real server of app.py: load, click Start, at least 3 fragment runs with the chart,
    each requested with the fragment id the server announced."""

    async def stream(url: str) -> tuple[ws_client.Session, list[BackMsg]]:
        session = ws_client.Session(url)
        await session.connect(30)
        sent: list[BackMsg] = []
        send = session.ws.send

        async def recording(data: bytes) -> None:
            msg = BackMsg()
            msg.ParseFromString(data)
            sent.append(msg)
            await send(data)

        session.ws.send = recording
        try:
            await session.wait_for(lambda: session.runs_done >= 1, 30, "first run")
            await session.click("Start streaming", 30)
            await session.wait_for(lambda: len(session.counters.ticks) >= 3, 30, "3 ticks")
        finally:
            await session.close()
        return session, sent

    with streamlit_server(PROJECT / "app.py", env={"FEED_RUN_EVERY": "0.2"}) as server:
        session, sent = asyncio.run(stream(server.url))

    counters = session.counters
    assert counters.errors == []
    assert len(counters.ticks) >= 3
    for tick in counters.ticks[:3]:
        assert "vega_lite_chart" in tick.elements
        assert tick.served and all(latency > 0 for latency in tick.latencies())
    (fragment_id, interval), *_ = session.auto_reruns.items()
    assert interval == pytest.approx(0.2)
    click = sent[0].rerun_script
    start_id = session.buttons["Start streaming"][0]
    assert any(w.id == start_id and w.trigger_value for w in click.widget_states.widgets)
    timer = [m.rerun_script for m in sent[1:]]
    assert len(timer) >= 3
    assert all(t.fragment_id == fragment_id and t.is_auto_rerun for t in timer)
    assert all(len(t.widget_states.widgets) >= 5 for t in timer)  # the sidebar's inputs


def test_quick_load_run_reports_rows_for_each_n(tmp_path: Path):
    plan = bench_load.Plan(apps=("feed",), sessions=(1, 2), warmup_s=0.5, window_s=1.5)
    lines: list[str] = []
    results = bench_load.run(plan, lines.append, log_dir=tmp_path / "logs", quick=True)

    part = results["apps"]["feed"]
    rows = part["rows"]
    assert [r["sessions"] for r in rows] == [1, 2]
    for row in rows:
        assert "failed" not in row, row.get("failed")
        assert row["ticks"] > 0
        assert row["streaming_at_start"] == row["sessions"]
        assert row["errors"] == 0
        assert row["requested_per_s_per_session"] == 2.0
        for key in ("achieved_pct", "server_cpu_ms_per_session_tick", "server_cpu_cores",
                    "client_cpu_cores", "rss_end_mb", "bytes_received_per_tick"):  # fmt: skip
            assert math.isfinite(row[key]) and row[key] > 0, key
        latency = row["latency_ms"]
        assert latency["n"] > 0 and 0 < latency["median"] <= latency["p95"] <= latency["max"]
        assert row["runs_cut_short"] >= 0 and row["requests_coalesced"] >= 0
    summary = part["summary"]
    assert summary["tested"] == [1, 2]
    assert set(summary["sustained"]) <= {1, 2}
    assert summary["viewers_per_core_estimate"] > 0
    assert any(line.startswith("load feed N=2: ") for line in lines)

    files = bench_load.write(results, tmp_path)
    assert [f.name for f in files] == ["load.json", "load.svg", "LOAD.md"]
    saved = json.loads((tmp_path / "load.json").read_text())
    assert saved["apps"]["feed"]["rows"][1]["sessions"] == 2
    report = (tmp_path / "LOAD.md").read_text()
    assert "## feed" in report and "(b) viewers per core" in report


def test_refinement_bisects_between_the_last_sustained_n_and_the_next():
    plan = bench_load.Plan(refine_steps=5, refine_within=0.1)
    achieved = {1: 100.0, 5: 99.0, 10: 96.0, 20: 40.0, 30: 10.0}
    rows = [{"sessions": n, "achieved_pct": pct} for n, pct in achieved.items()]
    tried = []
    for n in bench_load.refined(rows, plan):
        tried.append(n)
        rows.append({"sessions": n, "achieved_pct": 100.0 if n <= 13 else 50.0})
    assert tried == [15, 12, 13, 14]  # stops once 13 (sustained) and 14 are adjacent
    assert list(bench_load.refined([{"sessions": 1, "achieved_pct": 50.0}], plan)) == []
    cost = {"server_cpu_cores": 0.5, "server_cpu_ms_per_session_tick": 10.0,
            "latency_ms": {"p95": 20.0}}  # fmt: skip
    costed = [{**r, **cost} for r in rows]
    summary = bench_load.summarize(costed, plan)
    assert summary["n_max_sustained"] == 13 and summary["first_unsustained_above"] == 14
    assert summary["viewers_per_core_estimate"] == pytest.approx(50.0)  # 1000 / (10 x 2)
    assert summary["latency_p95_ms_at_n_max"] == 20.0
    assert summary["n_max_sustained_p95_under_100ms"] == 13
