"""What feed draws is the full-resolution line chart, to within anti-aliasing.

Each case renders, with Vega-Lite itself (vl-convert, PNG at 1x), the chart as feed sends it
(``ChartLayout.datasets``: tail, body, head and axes, M4-downsampled above
``DOWNSAMPLE_FROM`` points per pixel column) and a reference: the same spec and size, every
sample of the window in the body (NaN kept as NaN, so gaps break the line), no tail or head,
and the same ``axes`` row, so both share their x and y domains.

The measure, on the plot area only (``COLUMNS`` x ``HEIGHT`` px, cropped at the origin
Vega reports, so the axes' labels and the legend are left out): the pixels whose colour
differs by more than ``TOLERANCE`` (of 255) in any channel between the two renders, as a
share of the pixels drawn in either. A pixel is drawn when it differs at all from the same
chart rendered without any point (white, and the grid lines), so the grid counts in neither
the numerator nor the denominator. Exact equality is not the bar: anti-aliasing differs at
a column's extremes even when its first, last, minimum and maximum are kept.

vl-convert rasterizes the chart's SVG (resvg), not the page's canvas: joins and
anti-aliasing follow SVG's rules (a miter limit of 4, where a canvas has 10).

Each case's figure is printed (``pytest -s``) and written to
``benchmarks/results/tmp/fidelity.md`` and ``fidelity.json`` for the README; a case over
the bar also leaves its renders and their difference there.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
import vl_convert
from PIL import Image

from feed.chart.layers import AXES, DOWNSAMPLE_FROM, PARTS, VALUE_GRID, ChartLayout
from feed.chart.spec import compile_line_chart
from feed.sources.base import SyntheticSource
from feed.window.stream import Feed

COLUMNS = 800
"""The plot's width in px: one pixel column per M4 bin."""
HEIGHT = 400
TOLERANCE = 64
"""A pixel differs when one of its channels differs by more than this."""
BAR = 0.01
"""At most this share of the drawn pixels may differ (the issue's bar)."""
EPOCH = 1_800_000_000 * 10**9
STEP = 500_000_000
"""One sample every 0.5 s (ns), as the tutorial's source."""
BELOW = 2_000
"""A window drawn whole: 2.5 samples per pixel column."""
BELOW_16 = 1_000
"""16 series drawn whole: 1.25 samples per pixel column."""
ABOVE = 12_800
"""A window M4-downsampled: 16 samples per pixel column, 4x the threshold."""
ABOVE_16 = 6_400
"""16 series M4-downsampled: 8 samples per pixel column (102,400 reference points)."""
DENSE = 102_400
"""128 samples per pixel column: a spike's sides, M4's weak spot, at a denser window."""
HEADLINE = 50_000
"""The issue's figure: 50,000 random samples x 2 series at 800 px."""
SPIKES = 12
"""Spikes per series in a spiky window."""
OUT = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "tmp"

Rows = list[dict[str, Any]]
Image_ = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Case:
    kind: str  # random, smooth, constant, gappy, spiky
    series: int
    samples: int
    uneven: bool = False  # irregular sample times, with a pause

    @property
    def id(self) -> str:
        times = ", uneven times" if self.uneven else ""
        return f"{self.kind}, {self.series} series, {self.samples:,} samples{times}"

    @property
    def downsampled(self) -> bool:
        return self.samples > DOWNSAMPLE_FROM * COLUMNS


KINDS = ("random", "smooth", "constant", "gappy", "spiky")
CASES = [
    *(Case(kind, n, BELOW) for kind in KINDS for n in (1, 2)),
    *(Case(kind, 16, BELOW_16) for kind in ("random", "gappy", "spiky")),
    *(Case(kind, n, ABOVE) for kind in KINDS for n in (1, 2)),
    *(Case(kind, 16, ABOVE_16) for kind in ("random", "smooth", "gappy", "spiky")),
    Case("random", 2, HEADLINE),
    Case("random", 2, ABOVE, uneven=True),
    Case("gappy", 2, ABOVE, uneven=True),
    Case("spiky", 1, DENSE),
]
MUTATED = (Case("spiky", 2, BELOW), Case("spiky", 2, ABOVE))
"""The cases the mutation test drops an extreme from: one drawn whole, one downsampled."""
RESULTS: dict[str, dict[str, Any]] = {}


def names_of(series: int) -> tuple[str, ...]:
    return tuple(f"s{i}" for i in range(series))


def window(case: Case, seed: int = 0) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The case's window: sorted int64 ns times, values ``(series, samples)``."""
    rng = np.random.default_rng(seed)
    n, s = case.samples, case.series
    if case.uneven:  # exponential intervals around STEP, and a pause a tenth of the window
        steps = rng.exponential(STEP, n).astype(np.int64) + 1
        steps[n // 3] += n * STEP // 10
        times = EPOCH + np.cumsum(steps)
    else:
        times = EPOCH + np.arange(n, dtype=np.int64) * STEP
    phase = np.linspace(0, 2 * np.pi, n)[None, :] * 3 + rng.uniform(0, 2 * np.pi, (s, 1))
    if case.kind == "random":
        values = rng.standard_normal((s, n))
    elif case.kind == "smooth":  # slow sines plus a random walk
        walk = np.cumsum(rng.standard_normal((s, n)), axis=1) / np.sqrt(n)
        values = np.sin(phase) + walk
    elif case.kind == "constant":
        values = np.broadcast_to(np.arange(s, dtype=np.float64)[:, None] + 0.5, (s, n)).copy()
    elif case.kind == "gappy":  # a noisy sine with NaN runs of 1 to 200 samples, 1% lone NaN
        values = np.sin(phase) + 0.3 * rng.standard_normal((s, n))
        for row in values:
            for start, length in zip(rng.integers(0, n, 10), rng.integers(1, 200, 10), strict=True):
                row[start : start + length] = np.nan
            row[rng.random(n) < 0.01] = np.nan
    elif case.kind == "spiky":  # flat, a little noise, and rare spikes of 5 to 20 either way
        values = 0.05 * rng.standard_normal((s, n))
        for row in values:
            at = rng.choice(n, SPIKES, replace=False)
            row[at] = rng.choice([-1.0, 1.0], SPIKES) * rng.uniform(5, 20, SPIKES)
    else:
        raise ValueError(case.kind)
    return times, values


def rows_of(data: bytes) -> Rows:
    """An Arrow IPC dataset as vl-convert's inline rows (the series as strings)."""
    frame = pl.read_ipc_stream(io.BytesIO(data))
    if "series" in frame.columns:
        frame = frame.with_columns(pl.col("series").cast(pl.String))
    return frame.to_dicts()


def full_resolution(
    times: npt.NDArray[np.int64],
    values: npt.NDArray[np.float64],
    names: tuple[str, ...],
    base_ns: int,
    axes: dict[str, Any],
) -> Rows:
    """Every sample of the window, long, exact: its times in ms after ``base_ns`` and its
    values as places on the value axis' grid (``axes``' ``y0`` to ``y1``), as the chart reads
    them, not rounded. NaN kept: it breaks the line, as it does in the page
    (``test_the_reference_breaks_its_line_at_nan``)."""
    places = (values - axes["y0"]) * VALUE_GRID / (axes["y1"] - axes["y0"])
    return pl.DataFrame(
        {
            "t": np.tile((times - base_ns) / 1e6, len(names)),
            "series": np.repeat(names, len(times)),
            "value": places.ravel(),
        }
    ).to_dicts()


def spec_with(names: tuple[str, ...], datasets: dict[str, Rows]) -> dict[str, Any]:
    spec = compile_line_chart(names, height=HEIGHT)
    spec["width"] = COLUMNS
    spec["datasets"] = datasets
    return spec


def render(names: tuple[str, ...], datasets: dict[str, Rows], origin: tuple[int, int]) -> Image_:
    """The plot area of the chart drawing ``datasets``, as RGB."""
    png = vl_convert.vegalite_to_png(spec_with(names, datasets), scale=1)
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    x, y = origin
    plot = image[y : y + HEIGHT, x : x + COLUMNS]
    assert plot.shape == (HEIGHT, COLUMNS, 3)
    return plot


@dataclass(frozen=True)
class Renders:
    names: tuple[str, ...]
    sent: dict[str, Rows]  # what feed sends, as rows
    points: int  # the points feed sends
    origin: tuple[int, int]
    feed: Image_
    full: Image_
    empty: Image_  # no points: the background


def empty_datasets(axes: Rows) -> dict[str, Rows]:
    return {**{part: [] for part in PARTS}, AXES: axes}


KEPT: dict[Case, Renders] = {}
"""The mutation test's cases, rendered once for both tests."""


def renders(case: Case) -> Renders:
    if case in KEPT:
        return KEPT[case]
    rendered = render_case(case)
    if case in MUTATED:
        KEPT[case] = rendered
    return rendered


def render_case(case: Case) -> Renders:
    names = names_of(case.series)
    times, values = window(case)
    sent = ChartLayout(COLUMNS, names).datasets(times, values, first_seq=0)
    rows = {name: rows_of(data) for name, data in sent.arrow.items()}
    empty = empty_datasets(rows[AXES])
    origin = tuple(vl_convert.vegalite_to_scenegraph(spec_with(names, empty))["origin"])
    body = full_resolution(times, values, names, sent.base_ns, rows[AXES][0])
    full = {**empty, "body": body}
    return Renders(
        names,
        rows,
        sent.points,
        origin,
        render(names, rows, origin),
        render(names, full, origin),
        render(names, empty, origin),
    )


def differs(a: Image_, b: Image_, by: int = 0) -> npt.NDArray[np.bool_]:
    return (np.abs(a.astype(np.int16) - b.astype(np.int16)) > by).any(axis=2)


def measure(feed: Image_, full: Image_, empty: Image_) -> tuple[float, int, int]:
    """(share, differing pixels, drawn pixels)."""
    differing = int(differs(feed, full, TOLERANCE).sum())
    drawn = int((differs(feed, empty) | differs(full, empty)).sum())
    return differing / max(drawn, 1), differing, drawn


def keep_evidence(label: str, feed: Image_, full: Image_) -> None:
    """The two renders and their difference (red), for a case over the bar."""
    OUT.mkdir(parents=True, exist_ok=True)
    stem = "fidelity_" + "".join(c if c.isalnum() else "_" for c in label)
    diff = np.full_like(feed, 255)
    diff[differs(feed, full, TOLERANCE)] = (255, 0, 0)
    Image.fromarray(np.hstack([feed, full, diff])).save(OUT / f"{stem}.png")


@pytest.fixture(scope="module", autouse=True)
def report():
    """Prints the table of shares after the module's tests and writes it under OUT."""
    yield
    if not RESULTS:
        return
    lines = [
        "| case | feed points | reference points | differing px | drawn px | share |",
        "|---|---|---|---|---|---|",
    ]
    for label, r in RESULTS.items():
        lines.append(
            f"| {label} | {r['feed_points']:,} | {r['reference_points']:,} | "
            f"{r['differing']:,} | {r['drawn']:,} | {r['share']:.2%} |"
        )
    table = "\n".join(lines)
    print("\n" + table)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "fidelity.md").write_text(table + "\n")
    (OUT / "fidelity.json").write_text(json.dumps(RESULTS, indent=2) + "\n")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_feed_draws_the_full_resolution_chart(case: Case) -> None:
    r = renders(case)
    reference_points = case.series * case.samples
    if case.downsampled:
        assert r.points < reference_points  # M4 did thin the window
    else:  # drawn whole: every sample, and each series' joins between parts and blocks
        seams = 2 + ChartLayout(COLUMNS, r.names).blocks
        assert reference_points <= r.points <= reference_points + seams * case.series
    share, differing, drawn = measure(r.feed, r.full, r.empty)
    RESULTS[case.id] = {
        "feed_points": r.points,
        "reference_points": reference_points,
        "differing": differing,
        "drawn": drawn,
        "share": share,
    }
    print(f"\n{case.id}: {share:.2%} ({differing:,} of {drawn:,} drawn px)")
    if share > BAR:
        keep_evidence(case.id, r.feed, r.full)
    assert share <= BAR, (
        f"{case.id}: {share:.2%} of the drawn pixels differ ({differing:,} of {drawn:,}), "
        f"more than {BAR:.0%}"
    )


@pytest.mark.parametrize(
    ("case", "extreme"),
    [(case, extreme) for case in MUTATED for extreme in ("max", "min")],
    ids=lambda x: x.id if isinstance(x, Case) else x,
)
def test_dropping_one_columns_extreme_fails_the_bar(case: Case, extreme: str) -> None:
    """The measure sees a downsampler that loses one column's extreme: the body's row
    holding series s0's highest (lowest) value, a spike, dropped from what feed sends,
    leaves the spike's pixels undrawn and the share over the bar, whatever it was."""
    r = renders(case)
    _, before, _ = measure(r.feed, r.full, r.empty)
    body = r.sent["body"]
    own = [i for i, row in enumerate(body) if row["series"] == "s0"]
    dropped = (max if extreme == "max" else min)(own, key=lambda i: body[i]["value"])
    axes = r.sent[AXES][0]
    spike = axes["y0"] + body[dropped]["value"] * (axes["y1"] - axes["y0"]) / VALUE_GRID
    assert abs(spike) >= 5  # a spike (the rest is flat)
    spike_px = abs(spike) / (axes["y1"] - axes["y0"]) * HEIGHT
    mutated = {**r.sent, "body": body[:dropped] + body[dropped + 1 :]}
    share, differing, drawn = measure(render(r.names, mutated, r.origin), r.full, r.empty)
    print(
        f"\n{case.id}, s0's {extreme} ({spike:.1f}, {spike_px:.0f} px) dropped: "
        f"{share:.2%} ({differing:,} of {drawn:,} drawn px; {before:,} differing before)"
    )
    assert differing - before >= spike_px  # the spike's pixels are missing
    assert share > BAR, f"dropping a {spike_px:.0f} px spike left {share:.2%} differing"


def line_items(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The items of every line mark in a Vega scenegraph."""
    found = node["items"] if node.get("marktype") == "line" else []
    for child in node.get("items", []):
        found = found + line_items(child)
    return found


def test_the_reference_breaks_its_line_at_nan() -> None:
    """NaN in the inline rows leaves its point undefined, which breaks the line
    (``invalid: break-paths-show-domains``) as NaN does in the page's Arrow data: the
    reference draws the gaps."""
    values = [1.0, 2.0, np.nan, 4.0, 5.0]
    body = [{"t": float(t), "series": "s0", "value": v} for t, v in enumerate(values)]
    axes = [{"x0": 0.0, "x1": 10.0, "y0": 0.0, "y1": 10.0, "ystep": 2.0, "ydigits": 0}]
    spec = spec_with(("s0",), {**empty_datasets(axes), "body": body})
    items = line_items(vl_convert.vegalite_to_scenegraph(spec)["scenegraph"])
    assert [item["defined"] for item in items] == [True, True, False, True, True]


ZOOM_WINDOW = 200_000
"""The window zoomed into: 250 samples per pixel column when not zoomed."""
ZOOMS = {"a tenth": 10, "a hundredth": 100, "a thousandth": 1_000}
"""How far each zoomed case zooms in: 25, 2.5 and 0.25 samples per pixel column."""


@pytest.mark.parametrize("kind", ("random", "spiky", "gappy"))
@pytest.mark.parametrize("zoom", ZOOMS, ids=str)
def test_a_zoomed_range_draws_the_full_resolution_chart_of_it(kind: str, zoom: str) -> None:
    """What a zoomed chart receives (``Feed.chart_data(span=...)``: the range downsampled
    again from the ring, or its raw samples) drawn over the zoomed domain, against every
    sample of the window drawn over the same domain. In the page the zoom sets the time
    axis' domain; here the ``axes`` row does, with the value axis the zoomed data sent."""
    case = Case(kind, 2, ZOOM_WINDOW)
    names = names_of(case.series)
    times, values = window(case)
    feed = Feed(SyntheticSource(names=names, seed=0), capacity=ZOOM_WINDOW)
    feed.ring.extend(times, values.T)
    width = len(times) // ZOOMS[zoom]
    first = len(times) // 3  # away from either end, so the range has data on both sides
    span = (int(times[first]), int(times[first + width]))
    sent = feed.chart_data(COLUMNS, span=span)
    rows = {name: rows_of(data) for name, data in sent.datasets.items()}
    x0, x1 = ((end - sent.base_ns) / 1e6 for end in span)
    rows[AXES] = [{**rows[AXES][0], "x0": x0, "x1": x1}]
    empty = empty_datasets(rows[AXES])
    origin = tuple(vl_convert.vegalite_to_scenegraph(spec_with(names, empty))["origin"])
    inside = slice(max(first - 1, 0), first + width + 2)  # the range and a sample either side
    body = full_resolution(times[inside], values[:, inside], names, sent.base_ns, rows[AXES][0])
    full = {**empty, "body": body}
    share, differing, drawn = measure(
        render(names, rows, origin), render(names, full, origin), render(names, empty, origin)
    )
    label = f"{kind}, 2 series, {ZOOM_WINDOW:,} samples, zoomed to {zoom} ({width:,} samples)"
    RESULTS[label] = {
        "feed_points": sent.points,
        "reference_points": case.series * width,
        "differing": differing,
        "drawn": drawn,
        "share": share,
    }
    print(f"\n{label}: {share:.2%} ({differing:,} of {drawn:,} drawn px)")
    assert sent.points < case.series * ZOOM_WINDOW / 10  # the range, not the window
    assert share <= BAR, f"{label}: {share:.2%} of the drawn pixels differ, over {BAR:.0%}"
