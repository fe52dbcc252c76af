"""The benchmarks of the interactive chart's cost: the configurations they run and what they
read from a run. No browser here: ``python -m benchmarks.bench_interactive`` and
``python -m benchmarks.bench_zoom`` measure."""

from __future__ import annotations

import io

import numpy as np
import polars as pl
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks import bench_e2e, bench_interactive, bench_zoom
from feed.chart.layers import ChartLayout


def test_each_cell_runs_with_and_without_interaction_beside_the_floor():
    configs = bench_interactive.configs()
    assert configs[0].name == bench_e2e.FLOOR
    cells = configs[1:]
    assert len(cells) == 2 * len(bench_interactive.CELLS)
    assert len({c.name for c in configs}) == len(configs)
    for (window, series), pair in zip(
        bench_interactive.CELLS, zip(cells[::2], cells[1::2], strict=True), strict=True
    ):
        for config, flag in zip(pair, ("1", "0"), strict=True):
            assert config.env["FEED_INTERACTIVE"] == flag
            assert config.env["FEED_WINDOW"] == str(window)
            assert config.env["FEED_SERIES"] == str(series)


def _result(name: str, server: float, page: float, kb: float, window=None, series=None):
    return {"config": name, "server_cpu_ms_per_tick": server, "browser_task_ms_per_tick": page,
            "ws_bytes_per_tick": kb * 1e3, "achieved_pct": 100.0, "rounds": 2,
            "window_points": window, "series": series, "windows": []}  # fmt: skip


def test_the_table_reads_each_cell_against_the_floor(tmp_path):
    results = [
        _result("floor", 8.0, 20.0, 0.8),
        _result("feed-w1M-s2-interactive", 16.0, 60.0, 130, 1_000_000, 2),
        _result("feed-w1M-s2-static", 12.0, 40.0, 110, 1_000_000, 2),
    ]
    text = bench_interactive.write(results, tmp_path).read_text()
    assert "| 1,000,000 x 2 | interactive | 100% | 16.0 (2.0x) | 60.0 (3.0x) | 130 |" in text
    assert "| 1,000,000 x 2 | static | 100% | 12.0 (1.5x) | 40.0 (2.0x) | 110 |" in text


def _chart_message(datasets: dict[str, bytes]) -> bytes:
    msg = ForwardMsg()
    chart = msg.delta.new_element.vega_lite_chart
    for name, data in datasets.items():
        dataset = chart.datasets.add()
        dataset.name = name
        dataset.data.data = data
    return msg.SerializeToString()


def test_zoom_latency_reads_the_range_the_crosshair_data_spans():
    times = 1_800_000_000 * 10**9 + np.arange(1_000, dtype=np.int64) * 10**9
    sent = ChartLayout(100, ("A",)).datasets(times, np.zeros((1, 1_000)), 0)
    nearest = pl.read_ipc_stream(io.BytesIO(sent.arrow["nearest"]))
    span = bench_zoom.nearest_span(_chart_message(sent.arrow))
    assert span == nearest["b"].max() - nearest["a"].min()
    assert 0.9 * 1e6 < span < 1.1e6  # about the window's 1,000 s
    assert bench_zoom.nearest_span(_chart_message({"axes": sent.arrow["axes"]})) is None
    assert bench_zoom.nearest_span(b"not a message") is None
