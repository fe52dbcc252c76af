"""Results on disk: ``latest.json`` (everything, raw samples included), ``REPORT.md`` (tables,
charts, targets) and the charts it shows, all in one directory."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import charts
from benchmarks.bench_e2e import FAST, FAST_INTERVAL, FLOOR, GRID_INTERVAL
from benchmarks.paths import PATHS
from benchmarks.stats import ratio
from feed.ui.view import DEFAULT_WIDTH_PX

JSON_NAME = "latest.json"
REPORT_NAME = "REPORT.md"


def write(results: dict[str, Any], out: Path) -> list[Path]:
    """Write the JSON, the charts and the Markdown report into ``out``; the files written."""
    json_path = write_json(results, out / JSON_NAME)
    chart_files = _write_charts(results, out)
    report_path = out / REPORT_NAME
    report_path.write_text(markdown(results, chart_files))
    return [json_path, *chart_files.values(), report_path]


def write_json(results: dict[str, Any], path: Path) -> Path:
    """``results`` as JSON at ``path`` (its folder made if need be), non-finite numbers as
    null; the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(finite(results), indent=1) + "\n")
    return path


def write_page(
    results: Any, out: Path, names: tuple[str, str], title: str, doc: str, body: str
) -> Path:
    """A small benchmark's results in ``out``: its JSON and a Markdown page, named ``names``
    (JSON file, page), the page holding ``title``, how the benchmark measures (``doc``, its
    module's docstring, past the first paragraph) and ``body``; the page's path."""
    json_name, page_name = names
    write_json(results, out / json_name)
    page = out / page_name
    page.write_text(f"# {title}\n\n{doc.split(chr(10) * 2, 1)[1]}\n{body}\n")
    return page


def write_with_chart(
    results: dict[str, Any],
    out: Path,
    names: tuple[str, str, str],
    chart: Any,
    markdown: Callable[[dict[str, Any], Path], str],
) -> list[Path]:
    """A benchmark's JSON, its one chart and its Markdown report (which shows the chart) in
    ``out``, named ``names`` (JSON file, chart stem, report file); the files written."""
    json_name, chart_stem, report_name = names
    json_path = write_json(results, out / json_name)
    chart_path = charts.save(chart, out / chart_stem)
    report = out / report_name
    report.write_text(markdown(results, chart_path))
    return [json_path, chart_path, report]


def load(out: Path) -> dict[str, Any] | None:
    """The results previously written to ``out``, if any."""
    path = out / JSON_NAME
    return json.loads(path.read_text()) if path.exists() else None


def finite(value: Any) -> Any:
    """``value`` with NaN and infinities as None, so the JSON is standard."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def _write_charts(results: dict[str, Any], out: Path) -> dict[str, Path]:
    """One tick-cost chart per series count, and the server-CPU bar chart."""
    files = {}
    part = results.get("inprocess") or {}
    cells = part.get("cells", [])
    grid_series = set((part.get("plan") or {}).get("series") or {c["series"] for c in cells})
    for series in sorted(grid_series & {c["series"] for c in cells}):
        stem = out / f"inprocess_{series}_series"
        files[f"inprocess-{series}"] = charts.save(charts.tick_cost_chart(cells, series), stem)
    runs = (results.get("e2e") or {}).get("runs", [])
    if runs:
        files["e2e"] = charts.save(charts.server_cpu_chart(runs), out / "e2e_server_cpu")
    cells = grid_runs(runs, GRID_INTERVAL)
    if cells:
        floor = _find_run(runs, FLOOR, GRID_INTERVAL)
        floor_ms = floor["browser_task_ms_per_tick"] if floor else None
        files["grid"] = charts.save(charts.page_cost_chart(cells, floor_ms), out / "e2e_page_grid")
    return files


def grid_runs(runs: list[dict[str, Any]], interval: float) -> list[dict[str, Any]]:
    """The grid's runs at ``interval`` (cells of one window and series count), by window then
    series; the fast source's are not among them."""
    return sorted(
        (r for r in runs if r.get("window_points") and r["config"] != FAST
         and math.isclose(r["interval_s"], interval)),
        key=lambda r: (r["window_points"], r["series"]),
    )  # fmt: skip


def _find_run(runs: list[dict[str, Any]], name: str, interval: float) -> dict[str, Any] | None:
    return next(
        (r for r in runs if r["config"] == name and math.isclose(r["interval_s"], interval)), None
    )


def markdown(results: dict[str, Any], chart_files: dict[str, Path]) -> str:
    """The whole report as Markdown."""
    parts = [_header(results), _targets(results.get("targets", []))]
    if results.get("inprocess"):
        parts.append(_inprocess(results["inprocess"], chart_files))
    if results.get("e2e"):
        parts.append(_e2e(results["e2e"], chart_files))
    parts.append(_method(results))
    return "\n\n".join(parts) + "\n"


def ms(value: float | None) -> str:
    """Milliseconds with as many decimals as they deserve."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if value < 1:
        return f"{value:.3f}"
    if value < 10:
        return f"{value:.2f}"
    return f"{value:.1f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _header(results: dict[str, Any]) -> str:
    m, v, git = results["machine"], results["versions"], results.get("git", {})
    commit = (git.get("commit") or "unknown")[:10]
    if git.get("dirty"):
        commit += " (with local changes)"
    quick = ""
    if results["mode"] == "quick":
        quick = " **Quick smoke run: tiny sizes, not figures to quote.**"
    minutes = results["duration_s"] / 60
    return "\n".join([
        "# Benchmarks: tick cost against the tutorial's pandas baseline",
        "",
        f"Measured {results['date']} in {minutes:.1f} min ({results['mode']} mode).{quick}",
        "",
        f"- Machine: {m['cpu']}, {m['logical_cores']} logical cores, {m['ram_gb']} GiB RAM, "
        f"{m['platform']}; load average at start {m['load_average']}.",
        f"- Versions: Python {v['python']}, Streamlit {v['streamlit']}, Polars {v['polars']}, "
        f"Altair {v['altair']}, NumPy {v['numpy']}, pandas {v['pandas']}, PyArrow {v['pyarrow']}, "
        f"{v['chromium'] or 'Chromium (version unknown)'}.",
        f"- Commit {commit}.",
        "",
        "Reproduce: `make bench` (or `.venv/bin/python -m benchmarks`); a smoke run: "
        "`make bench-quick` (`--quick`, written to `benchmarks/results/tmp/quick/`). "
        "Every figure is a measurement from this run; raw per-tick samples are in "
        f"[`{JSON_NAME}`]({JSON_NAME}).",
    ])  # fmt: skip


def _targets(targets: list[dict[str, Any]]) -> str:
    rows = [
        [t["target"], _value(t["value"], t["unit"]), t["detail"], f"**{t['status']}**"]
        for t in targets
    ]
    return "## Targets\n\n" + table(["target", "measured", "figures", "status"], rows)


def _value(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    if unit == "%":
        return f"{value:.0f}%"
    if unit == "ms":
        return f"{ms(value)} ms"
    if unit == "kB":
        return f"{value:.1f} kB"
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def _inprocess(part: dict[str, Any], chart_files: dict[str, Path]) -> str:
    cells = part["cells"]
    paths = [p for p in PATHS if cells and p in cells[0]["median_ms"]]
    text = [
        "## In process: the fragment body's cost per tick",
        "",
        "Median milliseconds per tick (p95 in the JSON), inside a real Streamlit script run "
        "(AppTest), over a full window; each tick appends 2 new samples first. Paths tick "
        "round-robin in one run, so noise hits all alike. **baseline**: the tutorial's "
        "`pd.concat` + last N rows + `st.line_chart` (every row, as the tutorial sends); "
        "**altair-per-tick**: feed's ring buffer and chart frame (the same rows as feed), but "
        "an `alt.Chart` built every tick and drawn with `st.altair_chart`; **feed**: "
        "`feed.ui.view.draw_tick` at the app's default chart width, the app's fragment body "
        "(M4-downsampled beyond 4 points per pixel column); **floor**: one `st.caption`.",
    ]
    plan = part.get("plan") or {}
    sweep_rows, sweep_series = plan.get("sweep_rows"), plan.get("sweep_series") or []
    sweep_keys = {(sweep_rows, s) for s in sweep_series}
    grid_series = set(plan.get("series") or {c["series"] for c in cells})
    for series in sorted(grid_series & {c["series"] for c in cells}):
        rows = [
            [f"{c['rows']:,}", *(ms(c["median_ms"][p]) for p in paths),
             f"**{c['ratio_baseline_feed']:.1f}x**", str(min(c["ticks"].values()))]
            for c in sorted(cells, key=lambda c: c["rows"])
            if c["series"] == series and c["rows"] in set(plan.get("rows") or [c["rows"]])
        ]  # fmt: skip
        header = ["window rows", *(f"{p} ms" for p in paths), "baseline/feed", "ticks/path"]
        text += ["", f"### {series} series", "", table(header, rows)]
        chart = chart_files.get(f"inprocess-{series}")
        if chart:
            text += ["", f"![Tick cost against window rows, {series} series]({chart.name})"]
    sweep = sorted(
        (c for c in cells if (c["rows"], c["series"]) in sweep_keys), key=lambda c: c["series"]
    )
    if sweep:
        text += ["", _sweep(sweep, paths, sweep_rows)]
    if part.get("alone"):
        text += ["", _alone(part["alone"])]
    return "\n".join(text)


def _alone(cells: list[dict[str, Any]]) -> str:
    """Feed's tick against the window, measured without the baseline in the process."""
    cells = sorted(cells, key=lambda c: c["rows"])
    smallest = cells[0]["median_ms"]["feed"]
    header = ["window rows", "feed ms", "floor ms", f"feed / feed at {cells[0]['rows']:,}",
              "ticks/path"]  # fmt: skip
    body = [
        [f"{c['rows']:,}", ms(c["median_ms"]["feed"]), ms(c["median_ms"]["floor"]),
         f"{c['median_ms']['feed'] / smallest:.2f}x", str(min(c["ticks"].values()))]
        for c in cells
    ]  # fmt: skip
    return "\n".join([
        f"### Feed alone: its tick against the window, {cells[0]['series']} series",
        "",
        "Feed and the floor only, in the same run, each window in its own script run: how "
        "feed's tick grows with the window (the big-window target is read here). In the "
        "tables above, feed ticks right after the baseline, whose own tick over a big window "
        "evicts the caches, so everything after it runs colder in the big cells (compare the "
        "floor, which does the same work in every cell). Here the floor stays level.",
        "",
        table(header, body),
    ])  # fmt: skip


def _sweep(cells: list[dict[str, Any]], paths: list[str], rows: int) -> str:
    """The series sweep at one window size: medians, baseline/feed, and feed against its own
    1-series tick."""
    one = next((c["median_ms"]["feed"] for c in cells if c["series"] == 1), None)
    header = ["series", "points in window", *(f"{p} ms" for p in paths), "baseline/feed",
              "feed / feed at 1 series", "ticks/path"]  # fmt: skip
    body = [
        [str(c["series"]), f"{c['rows'] * c['series']:,}",
         *(ms(c["median_ms"][p]) for p in paths),
         f"**{c['ratio_baseline_feed']:.1f}x**",
         f"{c['median_ms']['feed'] / one:.2f}x" if one else "n/a",
         str(min(c["ticks"].values()))]
        for c in cells
    ]  # fmt: skip
    return "\n".join([
        f"### {_rows_label(rows)} rows, {cells[0]['series']} to {cells[-1]['series']} series",
        "",
        f"The same paths, in the same run, over a {rows:,}-row window with more series "
        "(each series is a column: the points in the window are rows x series). Medians; "
        "baseline/feed is the ratio of medians.",
        "",
        table(header, body),
    ])  # fmt: skip


def _rows_label(rows: int) -> str:
    if rows >= 1_000_000 and rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    if rows >= 1_000 and rows % 1_000 == 0:
        return f"{rows // 1_000}k"
    return f"{rows:,}"


def _e2e(part: dict[str, Any], chart_files: dict[str, Path]) -> str:
    runs = part["runs"]
    plan = part["plan"]
    text = [
        "## End to end: a real server and headless Chromium",
        "",
        f'`streamlit run` on 127.0.0.1, Chromium clicks "Start streaming"; after '
        f"{plan['warmup_s']:g} s of warm-up, a {plan['window_s']:g} s window is measured; "
        f"{_rounds(plan)}. Ticks "
        "are fragment runs the server completed and the page received (`script_finished` "
        "messages, counted in the page as its main thread handles them, over the window on the "
        "page's clock; Playwright's count over Python's clock is in the JSON as a cross-check). "
        "Server CPU is the server process's CPU time, all threads; browser main thread is CDP "
        "`TaskDuration` of the page; Chromium CPU is all its processes. **tutorial-as-shipped**: "
        "the tutorial's app with Streamlit's default per-run `gc.collect()`; "
        "**tutorial-gc-off**: the same app with `postScriptGC = false`, as feed runs; "
        "**floor**: the same page whose fragment writes one `st.caption`; **feed-gc-off-freeze**: "
        "feed with both `postScriptGC = false` and `gc.freeze()` once; **feed-gc-freeze**: "
        "an *alternative* GC handling for feed, per-run GC kept but `gc.freeze()` once after "
        "the first run; **feed-1M**: feed with `FEED_WINDOW=1000000`, a 1M-point window per "
        "series (2 series) filled by the first page load, M4-downsampled to at most "
        f"4 x {DEFAULT_WIDTH_PX} points per series per tick (measured at 0.5 s and 0.1 s only); "
        "**feed-wW-sS**: the page-cost grid (below), measured at 0.5 s only.",
    ]
    header = ["configuration", "server CPU ms/tick", "kB/tick", "ticks/s (requested)",
              "achieved", "cut short", "browser main thread ms/tick", "Chromium CPU ms/tick",
              "server RSS MB: idle; start → end"]  # fmt: skip
    for interval in dict.fromkeys(r["interval_s"] for r in runs):
        rows = [_e2e_row(r) for r in sorted(runs, key=charts._config_order)
                if r["interval_s"] == interval]  # fmt: skip
        text += ["", f"### Every {interval:g} s", "", table(header, rows)]
    if "e2e" in chart_files:
        text += ["", f"![Server CPU per tick by configuration]({chart_files['e2e'].name})"]
    grid = _grid(runs, chart_files)
    if grid:
        text += ["", grid]
    return "\n".join(text)


def _grid(runs: list[dict[str, Any]], chart_files: dict[str, Path]) -> str:
    """The page-cost grid: per cell, ticks, server and page per tick with their ratios to the
    floor measured in the same run at the same interval, and bytes per tick."""
    rows = []
    for interval, cells in ((GRID_INTERVAL, grid_runs(runs, GRID_INTERVAL)),
                            (FAST_INTERVAL, [r for r in runs if r["config"] == FAST])):  # fmt: skip
        floor = _find_run(runs, FLOOR, interval) or {}
        for r in cells:
            server, page = r["server_cpu_ms_per_tick"], r["browser_task_ms_per_tick"]
            floor_server = floor.get("server_cpu_ms_per_tick", math.nan)
            floor_page = floor.get("browser_task_ms_per_tick", math.nan)
            rows.append([
                f"{r['window_points']:,}", str(r["series"]), f"{interval:g} s"
                + (" (a sample every tick)" if r["config"] == FAST else ""),
                f"{r['achieved_pct']:.0f}%", ms(server), _times(ratio(server, floor_server)),
                ms(page), _times(ratio(page, floor_page)),
                f"{r['ws_bytes_per_tick'] / 1e3:.1f}" if r["ticks"] else "n/a",
            ])  # fmt: skip
    if not rows:
        return ""
    header = ["window", "series", "every", "ticks", "server ms/tick", "server / floor",
              "page ms/tick", "page / floor", "kB/tick"]  # fmt: skip
    text = [
        "### The page-cost grid",
        "",
        "`app.py` opening on `FEED_WINDOW` points of `FEED_SERIES` synthetic series "
        "(`feed-w100-s1` ... `feed-w1M-s16`), and a 1M x 2 window whose source has a new "
        "sample every tick (`FEED_SAMPLE_INTERVAL=0.1`) at 0.1 s. *ticks*: share of the "
        "requested ticks the page received; *page*: the page's main thread (CDP "
        "`TaskDuration`) per tick; ratios are to the floor measured in the same run at the "
        "same interval.",
        "",
        table(header, rows),
    ]
    if "grid" in chart_files:
        text += ["", f"![Page main thread per tick by window and series]"
                     f"({chart_files['grid'].name})"]  # fmt: skip
    return "\n".join(text)


def _times(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}x"


def _rounds(plan: dict[str, Any]) -> str:
    rounds = plan.get("rounds", 1)
    if rounds == 1:
        return "one round"
    return (
        f"{rounds} interleaved rounds, each with a fresh server and browser, pooled (total "
        "over total ticks; the range over rounds in parentheses; RSS is their mean)"
    )


def _e2e_row(r: dict[str, Any]) -> list[str]:
    return [
        f"{r['config']}",
        f"**{ms(r['server_cpu_ms_per_tick'])}**{_spread(r['server_cpu_ms_per_tick_by_round'])}",
        f"{r['ws_bytes_per_tick'] / 1e3:.1f}" if r["ticks"] else "n/a",
        f"{r['ticks_per_s']:.2f} ({r['requested_per_s']:g})",
        f"{r['achieved_pct']:.0f}%",
        str(r["runs_cut_short"]),
        ms(r["browser_task_ms_per_tick"]),
        ms(r["chromium_cpu_ms_per_tick"]),
        f"{r['rss_ready_mb']:.0f}; {r['rss_start_mb']:.0f} → {r['rss_end_mb']:.0f}",
    ]


def _spread(values: list[float | None]) -> str:
    """`` (low to high)`` over rounds, when there is more than one."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if len(finite) < 2:
        return ""
    return f" ({ms(min(finite))} to {ms(max(finite))})"


def _method(results: dict[str, Any]) -> str:
    return "\n".join([
        "## How to read these figures",
        "",
        "- The machine is shared and noisy (2 cores): compare paths within one run, not across "
        "runs. Medians resist the noise; p95 and the raw samples are in the JSON.",
        "- Server CPU time comes from the server process's CPU clock (nanoseconds, all "
        "threads); Chromium's from `/proc` in 10 ms clock ticks, so over a window of N ticks "
        "it is good to about 10/N ms per tick.",
        "- Ticks are counted in the window, so achieved rates can read a tick over or under "
        "(a 20 s window at 0.5 s holds 40 ticks: 2.5% per tick).",
        "- In-process figures are medians of ticks run back to back, each path after the "
        "others, so a path's caches are as warm as its neighbours leave them. A real tick "
        "every 0.5 s runs colder: the end-to-end CPU per tick is the figure to plan with.",
        "- Server RSS: *idle* is the server before any page is open; *start* and *end* "
        "bracket the measured window.",
        "- Ticks that are cut short (a new timer request interrupting a run still going) are "
        "not counted as achieved: an app slower than its interval mostly shows none.",
    ])  # fmt: skip
