"""The report's Altair charts, saved as SVG next to REPORT.md (Vega-Lite JSON if SVG export
is unavailable, i.e. without ``vl-convert-python``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import altair as alt

from benchmarks.paths import PATHS

PATH_COLORS = {
    "baseline": "#d62728",
    "altair-per-tick": "#ff7f0e",
    "feed": "#1f77b4",
    "floor": "#7f7f7f",
}


def save(chart: alt.TopLevelMixin, stem: Path) -> Path:
    """``stem``.svg, or ``stem``.vl.json when SVG export is not installed; the file written."""
    try:
        import vl_convert  # noqa: F401

        path = stem.with_suffix(".svg")
    except ImportError:
        path = stem.with_suffix(".vl.json")
    chart.save(str(path))
    return path


def tick_cost_chart(cells: list[dict[str, Any]], series: int) -> alt.Chart:
    """Median tick cost against window rows, log-log, one line per path."""
    data = [
        {"rows": c["rows"], "path": path, "ms": ms}
        for c in cells
        if c["series"] == series
        for path, ms in c["median_ms"].items()
    ]
    paths = [p for p in PATHS if any(d["path"] == p for d in data)]
    color = alt.Color(
        "path:N",
        title="path",
        sort=paths,
        scale=alt.Scale(domain=paths, range=[PATH_COLORS[p] for p in paths]),
    )
    return (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "rows:Q",
                title="window rows",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~s"),
            ),
            y=alt.Y("ms:Q", title="median ms per tick", scale=alt.Scale(type="log")),
            color=color,
            tooltip=["path:N", "rows:Q", alt.Tooltip("ms:Q", format=".3f")],
        )
        .properties(
            title=f"In process: fragment body cost per tick, {series} series (log-log)",
            width=480,
            height=300,
        )
    )


def server_cpu_chart(runs: list[dict[str, Any]]) -> alt.FacetChart:
    """Server CPU ms per tick per configuration, one panel per interval."""
    data = [
        {
            "config": r["config"],
            "interval": f"every {r['interval_s']:g} s",
            "ms": r["server_cpu_ms_per_tick"],
        }
        for r in runs
    ]
    configs = list(dict.fromkeys(r["config"] for r in sorted(runs, key=_config_order)))
    base = alt.Chart().encode(
        y=alt.Y("config:N", title=None, sort=configs),
        x=alt.X("ms:Q", title="server CPU ms per tick"),
    )
    bars = base.mark_bar().encode(color=alt.Color("config:N", sort=configs, legend=None))
    labels = base.mark_text(align="left", dx=3).encode(text=alt.Text("ms:Q", format=".1f"))
    intervals = list(dict.fromkeys(d["interval"] for d in data))
    return (
        alt.layer(bars, labels, data=alt.Data(values=data))
        .properties(width=220, height=28 * len(configs))
        .facet(column=alt.Column("interval:N", title=None, sort=intervals))
        .resolve_scale(x="independent")  # the slowest app at 0.05 s would flatten the rest
        .properties(title="End to end: server CPU per tick, by configuration")
    )


def page_cost_chart(runs: list[dict[str, Any]], floor_ms: float | None) -> alt.LayerChart:
    """The grid's page main-thread ms per tick against the window (log-log), one line per
    series count, the floor's as a dashed rule."""
    data = [
        {"window": r["window_points"], "series": r["series"], "ms": r["browser_task_ms_per_tick"]}
        for r in runs
    ]
    series = sorted({d["series"] for d in data})
    lines = (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "window:Q",
                title="window (points per series)",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~s", values=sorted({d["window"] for d in data})),
            ),
            y=alt.Y("ms:Q", title="page main thread ms per tick", scale=alt.Scale(type="log")),
            color=alt.Color("series:O", title="series", sort=series),
            tooltip=["window:Q", "series:O", alt.Tooltip("ms:Q", format=".1f")],
        )
    )
    layers: list[alt.Chart] = [lines]
    if floor_ms:
        layers.append(
            alt.Chart(alt.Data(values=[{"ms": floor_ms, "label": "floor"}]))
            .mark_rule(strokeDash=[4, 4], color=PATH_COLORS["floor"])
            .encode(y="ms:Q", tooltip=["label:N", alt.Tooltip("ms:Q", format=".1f")])
        )
    return alt.layer(*layers).properties(
        title="End to end at 0.5 s: the page's main thread per tick, by window and series",
        width=480,
        height=300,
    )


def _config_order(run: dict[str, Any]) -> int:
    from benchmarks.bench_e2e import CONFIGS

    names = [c.name for c in CONFIGS]
    return names.index(run["config"]) if run["config"] in names else len(names)


SOAK_METRICS = {"server_rss_mb": "server RSS (MB)", "js_heap_mb": "JS heap after GC (MB)"}


def soak_chart(configs: list[dict[str, Any]]) -> alt.VConcatChart:
    """Server RSS and the page's JS heap over the soak, one line per configuration."""
    data = [
        {"config": c["config"], "minutes": s["t_s"] / 60, "metric": label, "value": s[key]}
        for c in configs
        for s in c["samples"]
        for key, label in SOAK_METRICS.items()
    ]
    names = [c["config"] for c in configs]
    panels = [
        alt.Chart(alt.Data(values=data))
        .transform_filter(alt.datum.metric == label)
        .mark_line(point=True)
        .encode(
            x=alt.X("minutes:Q", title="minutes streaming"),
            y=alt.Y("value:Q", title=label, scale=alt.Scale(zero=False)),
            color=alt.Color("config:N", title="configuration", sort=names),
            tooltip=[
                "config:N",
                alt.Tooltip("minutes:Q", format=".1f"),
                alt.Tooltip("value:Q", format=".2f"),
            ],
        )
        .properties(width=520, height=180)
        for label in SOAK_METRICS.values()
    ]
    return alt.vconcat(*panels).properties(
        title="Soak: server RSS and JS heap over time, by configuration"
    )
