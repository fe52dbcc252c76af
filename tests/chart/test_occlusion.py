"""Points nobody sees: a series drawn under later ones travels with fewer points where they
cover it, and the chart's pixels stay the same."""

from __future__ import annotations

import numpy as np
import pytest

from feed.chart import occlusion
from feed.chart.layers import ChartLayout
from feed.chart.occlusion import thinned
from tests.chart.test_fidelity import Case, measure, render_case
from tests.chart.test_layers import unthinned

PER_COLUMN = 40
COLUMNS_SEEN = 50


def noise(scales: list[float], seed: int = 0) -> np.ndarray:
    """Noise around 0, series ``i`` of spread ``scales[i]``, ``PER_COLUMN`` rows a column."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((len(scales), PER_COLUMN * COLUMNS_SEEN)) * np.array(scales)[:, None]


def thin(values: np.ndarray, shown=None, margin: float = 0.05, columns=None) -> np.ndarray:
    """What each series of ``values`` (every row drawn, ``PER_COLUMN`` rows a column unless
    ``columns`` says) keeps."""
    held = np.ones(values.shape, dtype=bool)
    columns = np.arange(values.shape[1]) // PER_COLUMN if columns is None else columns
    shown = np.ones(len(values), dtype=bool) if shown is None else np.array(shown)
    return thinned(values, held, columns, shown, margin)


def alone(values: np.ndarray, series: int, margin: float = 0.05) -> np.ndarray:
    """What series ``series`` keeps with nothing drawn over it (its own line still hides
    some of its crossings between columns)."""
    return thin(values[[series]], margin=margin)[0]


def test_a_series_under_a_wider_later_one_keeps_few_points_and_the_later_one_all():
    values = noise([1.0, 3.0])
    kept = thin(values)
    assert (kept[1] == alone(values, 1)).all()  # drawn last: nothing covers it
    assert kept[0].sum() < 0.1 * kept.shape[1]  # inside the later band almost everywhere
    columns = np.arange(kept.shape[1]) // PER_COLUMN
    edges = (columns == 0) | (columns == COLUMNS_SEEN - 1)
    assert kept[0, edges].all()  # the part's edge columns stay whole


def test_the_order_decides_a_later_narrow_series_covers_nothing_of_an_earlier_wide_one():
    values = noise([3.0, 1.0])
    kept = thin(values)
    assert (kept[1] == alone(values, 1)).all()
    assert (kept[0] == alone(values, 0)).mean() > 0.9  # it sticks out of the narrow band


def test_a_line_as_wide_as_the_cover_is_kept_the_margin_keeps_its_edges_apart():
    values = noise([1.0, 1.0])
    values[1] = values[0]  # the same points: its edges are the cover's edges
    assert (thin(values, margin=0.01)[0] == alone(values, 0, 0.01)).all()
    # Without the margin it would go.
    assert not (thin(values, margin=-0.01)[0] == alone(values, 0, -0.01)).all()


def test_a_gap_is_never_thinned_and_a_series_with_a_gap_covers_nothing_there():
    values = noise([1.0, 3.0])
    values[0, 10 * PER_COLUMN + 5] = np.nan  # a gap in column 10 of the covered series
    values[1, 20 * PER_COLUMN + 5] = np.nan  # and in column 20 of the cover
    kept = thin(values)
    columns = np.arange(values.shape[1]) // PER_COLUMN
    assert kept[0, columns == 10].all()  # not even a crossing dropped
    for beside in (19, 20, 21):  # the cover's column with a gap and its neighbours
        own = alone(values, 0)[columns == beside]
        assert not (own & ~kept[0, columns == beside]).any()  # all its own line keeps


def test_a_series_the_legend_hides_covers_nothing():
    values = noise([1.0, 3.0])
    assert (thin(values, shown=[True, False])[0] == alone(values, 0)).all()


def run_under_a_cover(ends: float) -> np.ndarray:
    """The columns where series 0 has points, under series 1, 10 columns of 4 rows: the
    cover spans -3 to 3 but only -0.5 to 0.5 in columns 4 and 5; series 0 (covered from
    column 1 to 8: the edges stay whole) runs from ``ends`` (the first row of column 1) to
    ``-ends`` (the last row of column 8), within 0.3 of 0 in between."""
    rows = np.arange(40)
    cover = np.tile([-3.0, 3.0, -3.0, 3.0], 10)
    cover[16:24] = np.tile([-0.5, 0.5, -0.5, 0.5], 2)
    under = np.where(rows % 2, 0.3, -0.3)
    under[4], under[35] = ends, -ends
    values = np.vstack([under, cover])
    kept = thin(values, margin=0.1, columns=rows // 4)
    return np.unique(rows[kept[0]] // 4)


def test_a_covered_run_is_one_straight_line_where_that_stays_inside_the_cover():
    assert run_under_a_cover(0.2).tolist() == [0, 1, 8, 9]  # nothing between its ends


def test_a_covered_run_keeps_a_point_a_column_where_a_straight_line_would_leave_the_cover():
    # From 2.5 to -2.5 over eight columns: at columns 4 and 5 it is outside -0.4 to 0.4.
    assert run_under_a_cover(2.5).tolist() == list(range(10))


def one_line(columns: list[list[float]]) -> list[list[float]]:
    """The points one series keeps of ``columns`` (each a column's values in time order)."""
    values = np.array([[value for column in columns for value in column]])
    at = np.repeat(np.arange(len(columns)), [len(c) for c in columns])
    kept = thin(values, margin=0.1, columns=at)[0]
    return [values[0, kept & (at == k)].tolist() for k in range(len(columns))]


def test_a_crossing_inside_the_lines_own_columns_is_dropped():
    # Column 1 ends at 0.2 and column 2 begins at -0.2, both inside both columns' ranges, and
    # the line from column 1's 2.0 to column 2's -2.0 stays inside them too.
    columns = [[0.0, -3.0, 3.0, 0.0], [0.1, -2.5, 2.0, 0.2], [-0.2, -2.0, 2.5, 0.1]]
    columns.append([0.0, -3.0, 3.0, 0.0])
    kept = one_line(columns)
    assert kept[1] == [0.1, -2.5, 2.0] and kept[2] == [-2.0, 2.5, 0.1]
    assert kept[0] == columns[0] and kept[3] == columns[3]


def test_a_crossing_is_kept_where_the_line_without_it_would_leave_a_column():
    # Column 1's last extreme (2.0) is above all of column 2 (at most 1.0): the line from it
    # would draw where column 2 draws nothing.
    columns = [[0.0, -3.0, 3.0, 0.0], [0.1, -2.5, 2.0, 0.2], [-0.2, -2.0, 1.0, 0.1]]
    columns.append([0.0, -3.0, 3.0, 0.0])
    assert one_line(columns) == columns
    # A crossing point that is its column's extreme is never dropped.
    columns[1][3] = 2.4  # column 1's highest, and last
    assert one_line(columns)[1] == columns[1]


def test_layout_thins_the_body_only_and_keeps_every_series_joins():
    rng = np.random.default_rng(1)
    times = 1_800_000_000 * 10**9 + np.arange(20_000, dtype=np.int64) * 10**8
    values = rng.standard_normal((8, 20_000)) * np.linspace(1, 3, 8)[:, None]
    layout = ChartLayout(200, tuple("ABCDEFGH"))
    sent = layout.datasets(times, values, 0)
    whole = unthinned(ChartLayout(200, tuple("ABCDEFGH"))).datasets(times, values, 0)
    assert sent.points < 0.8 * whole.points
    for part in ("tail", "head"):
        assert sent.arrow[part] == whole.arrow[part]  # small and new each tick: not thinned
    # The legend showing only the first series: nothing covers it any more.
    only_a = ChartLayout(200, tuple("ABCDEFGH")).datasets(times, values, 0, shown=(0,))
    assert only_a.points > sent.points


@pytest.mark.parametrize(
    ("kind", "series", "samples"),
    [("random", 16, 6_400), ("gappy", 16, 6_400), ("random", 2, 12_800)],
)
def test_the_thinned_chart_draws_the_same_pixels(kind, series, samples, monkeypatch):
    case = Case(kind, series, samples)
    thinned_renders = render_case(case)
    monkeypatch.setattr(ChartLayout, "_uncovered", lambda self, points, *_: points)
    whole = render_case(case)
    assert thinned_renders.points < (0.9 if series > 2 else 0.98) * whole.points
    share, differing, drawn = measure(thinned_renders.feed, whole.feed, whole.empty)
    print(f"\n{case.id}: {thinned_renders.points:,} points against {whole.points:,}, "
          f"{differing} of {drawn:,} drawn px differ ({share:.3%})")  # fmt: skip
    assert share <= 0.0005


def test_covering_without_the_cores_check_changes_pixels(monkeypatch):
    # The render comparison above can fail: a cover that ignores what the later series
    # draw drops points people see.
    case = Case("random", 16, 6_400)
    monkeypatch.setattr(
        occlusion,
        "_core",
        lambda low, high: (np.full_like(low, -np.inf), np.full_like(high, np.inf)),
    )
    mutated = render_case(case)
    monkeypatch.setattr(ChartLayout, "_uncovered", lambda self, points, *_: points)
    whole = render_case(case)
    share, differing, drawn = measure(mutated.feed, whole.feed, whole.empty)
    assert share > 0.01, f"{differing} of {drawn:,} drawn px differ"


@pytest.mark.parametrize("gap", [1, 3])  # next columns; columns apart
def test_one_row_a_column_hides_nothing(gap):
    """A short window drawn whole: each row its own pixel column, so each line is a point
    there and covers nothing, and no crossing is hidden; a wide later series over a narrow
    earlier one (which would cover it at forty rows a column) keeps it whole."""
    values = noise([0.1] + [5.0] * 15)
    one_each = np.arange(values.shape[1]) * gap
    assert thin(values, columns=one_each).all()
    assert not thin(values)[0].all()  # the same rows, forty a column: covered
