"""FileSource: following an appended CSV or NDJSON file, through truncation and rotation,
skipping and counting bad lines; and the `python -m feed.writer` demo writer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feed.sources.base import NS_PER_SECOND, Source
from feed.sources.file import FileNotReady, FileSource
from feed.writer import main as writer_main

REPO = Path(__file__).resolve().parents[2]
T0 = 1_764_000_000  # epoch seconds
S = NS_PER_SECOND


def append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8", newline="") as file:
        file.write(text)


def csv_lines(*seconds: int, start: float = 0.0) -> str:
    """One ``t,A,B`` line per time, values ``start + i`` and ``-(start + i)``."""
    return "".join(f"{t},{start + i},{-(start + i)}\n" for i, t in enumerate(seconds))


def poll(source: FileSource):
    """A poll at the current time (the source ignores it)."""
    return source.poll(time.time_ns())


def times_s(batch) -> list[float]:
    return (batch.times / S).tolist()


@pytest.fixture
def csv_path(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    append(path, "t,A,B\n" + csv_lines(T0, T0 + 1))
    return path


@pytest.fixture
def opened():
    """Sources built through ``opened(...)`` are closed after the test."""
    sources: list[FileSource] = []

    def make(*args, **kwargs) -> FileSource:
        sources.append(FileSource(*args, **kwargs))
        return sources[-1]

    yield make
    for source in sources:
        source.close()


# --- reading: formats, names, values, times ----------------------------------------------


def test_file_is_a_source(opened, csv_path):
    assert isinstance(opened(csv_path), Source)


def test_file_csv_names_from_header_and_first_poll_reads_it_all(opened, csv_path):
    source = opened(csv_path)
    assert source.names == ("A", "B")
    assert source.format == "csv"
    batch = poll(source)
    assert batch.times.dtype == np.int64
    assert batch.times.tolist() == [T0 * S, (T0 + 1) * S]
    np.testing.assert_array_equal(batch.values, [[0.0, -0.0], [1.0, -1.0]])
    assert len(poll(source)) == 0


def test_file_csv_given_names_in_another_order_pick_their_columns(opened, csv_path):
    source = opened(csv_path, names=("B", "A"))
    np.testing.assert_array_equal(poll(source).values, [[-0.0, 0.0], [-1.0, 1.0]])


def test_file_csv_time_column_may_sit_anywhere_and_have_any_name(opened, tmp_path):
    path = tmp_path / "x.csv"
    append(path, "A, when\n1.5, 100\n")  # spaces around header names are not part of them
    source = opened(path, time_column="when")
    assert source.names == ("A",)
    batch = poll(source)
    assert batch.times.tolist() == [100 * S]
    assert batch.values.tolist() == [[1.5]]


def test_file_csv_given_names_must_match_the_header(csv_path):
    with pytest.raises(ValueError, match=r"missing: \['C'\], extra: \['B'\]"):
        FileSource(csv_path, names=("A", "C"))


def test_file_csv_header_must_name_each_column_once(tmp_path):
    path = tmp_path / "data.csv"
    append(path, "t,A,A\n")
    with pytest.raises(ValueError, match=r"must name each column once, got duplicates \['A'\]"):
        FileSource(path, names=("A",))


def test_file_csv_header_must_hold_the_time_column(csv_path):
    with pytest.raises(ValueError, match=r"`time_column` 'time' must be in the first line"):
        FileSource(csv_path, time_column="time")
    with pytest.raises(ValueError, match=r"`time_column` 'time' must be a column of the header"):
        FileSource(csv_path, names=("A", "B"), time_column="time")


def test_file_ndjson_names_from_first_record_missing_key_and_null_are_nan(opened, tmp_path):
    path = tmp_path / "data.ndjson"
    records = [
        {"t": T0, "A": 1, "B": 2.5},
        {"t": T0 + 1, "A": None, "extra": "ignored"},
        {"B": 7, "t": T0 + 2, "A": -3},
    ]
    append(path, "".join(json.dumps(r) + "\n" for r in records))
    source = opened(path)
    assert (source.names, source.format) == (("A", "B"), "ndjson")
    batch = poll(source)
    assert batch.times.tolist() == [T0 * S, (T0 + 1) * S, (T0 + 2) * S]
    np.testing.assert_array_equal(batch.values, [[1, 2.5], [np.nan, np.nan], [-3, 7]])
    assert source.malformed == 0


def test_file_ndjson_given_names_select_keys(opened, tmp_path):
    path = tmp_path / "data.jsonl"
    append(path, json.dumps({"t": T0, "A": 1, "B": 2, "C": 3}) + "\n")
    source = opened(path, names=("C", "A"))
    assert source.format == "ndjson"
    assert poll(source).values.tolist() == [[3.0, 1.0]]


def test_file_format_argument_overrides_the_suffix(opened, tmp_path):
    path = tmp_path / "data.log"
    append(path, json.dumps({"t": T0, "A": 1}) + "\n")
    source = opened(path, format="ndjson")
    assert poll(source).values.tolist() == [[1.0]]


def test_file_csv_empty_cells_are_nan(opened, tmp_path):
    path = tmp_path / "data.csv"
    append(path, f"t,A,B\n{T0},,2\n{T0 + 1},1, \n")
    batch = poll(opened(path))
    np.testing.assert_array_equal(batch.values, [[np.nan, 2.0], [1.0, np.nan]])


def test_file_csv_quoted_fields_crlf_and_bom(opened, tmp_path):
    path = tmp_path / "data.csv"
    with open(path, "wb") as file:
        file.write(f'\ufefft,"A, the first",B\r\n"{T0}","1.5",2\r\n'.encode())
    source = opened(path)
    assert source.names == ("A, the first", "B")
    assert poll(source).values.tolist() == [[1.5, 2.0]]
    assert source.malformed == 0


def test_file_blank_lines_are_ignored(opened, csv_path):
    append(csv_path, f"\n  \n{T0 + 2},2,2\n")
    source = opened(csv_path)
    assert len(poll(source)) == 3
    assert source.malformed == 0


@pytest.mark.parametrize(
    ("text", "expected_ns"),
    [
        ("1764000000", T0 * S),
        ("1764000000.25", T0 * S + S // 4),
        ("1764000000.123456789", T0 * S + 123_456_789),
        ("1.764e9", T0 * S),
        ("2025-11-24T16:00:00Z", T0 * S),
        ("2025-11-24T17:00:00+01:00", T0 * S),
        ("2025-11-24 16:00:00.5+00:00", T0 * S + S // 2),
        ("2025-11-24T16:00:00.123456789Z", T0 * S + 123_456_789),
        ("20251124T160000.25Z", T0 * S + S // 4),  # basic format: microseconds
    ],
)
def test_file_csv_times_epoch_seconds_or_iso_exact_to_the_ns(opened, tmp_path, text, expected_ns):
    path = tmp_path / "data.csv"
    append(path, f"t,A\n{text},1\n")
    source = opened(path)
    assert poll(source).times.tolist() == [expected_ns]
    assert source.malformed == 0


def test_file_ndjson_times_numbers_and_strings_exact_to_the_ns(opened, tmp_path):
    path = tmp_path / "data.ndjson"
    append(path, f'{{"t": {T0}.1, "A": 1}}\n{{"t": "2025-11-24T16:00:01Z", "A": 2}}\n')
    batch = poll(opened(path))
    assert batch.times.tolist() == [T0 * S + S // 10, (T0 + 1) * S]


def test_file_naive_iso_time_is_local_time(tmp_path):
    previous = os.environ.get("TZ")
    os.environ["TZ"] = "EST5"  # POSIX rule, no tz database needed: UTC-5 all year
    time.tzset()
    try:
        path = tmp_path / "data.csv"
        append(path, "t,A\n2025-11-24T11:00:00,1\n")
        with FileSource(path) as source:
            assert poll(source).times.tolist() == [T0 * S]  # 11:00 at UTC-5 is 16:00Z
    finally:
        if previous is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = previous
        time.tzset()


def test_file_poll_ignores_now(opened, csv_path):
    a, b = opened(csv_path), opened(csv_path)
    np.testing.assert_array_equal(a.poll(0).times, b.poll(2**62).times)
    append(csv_path, csv_lines(T0 + 5))
    assert a.poll(-(2**62)).times.tolist() == [(T0 + 5) * S]


# --- following: appends, partial lines, truncation, rotation, missing ------------------


def test_file_appends_across_polls_return_only_new_lines(opened, csv_path):
    source = opened(csv_path)
    poll(source)
    append(csv_path, csv_lines(T0 + 2, T0 + 3, start=2))
    batch = poll(source)
    assert times_s(batch) == [T0 + 2, T0 + 3]
    assert batch.values.tolist() == [[2.0, -2.0], [3.0, -3.0]]


def test_file_partial_last_line_waits_for_its_newline(opened, csv_path):
    source = opened(csv_path)
    poll(source)
    append(csv_path, f"{T0 + 2},2")
    assert len(poll(source)) == 0
    append(csv_path, "2.5,-2\n")
    batch = poll(source)
    assert times_s(batch) == [T0 + 2]
    assert batch.values.tolist() == [[22.5, -2.0]]
    assert source.malformed == 0


def test_file_truncated_is_read_again_from_its_start_skipping_its_header(opened, csv_path):
    source = opened(csv_path)
    poll(source)
    csv_path.write_text("t,A,B\n" + csv_lines(T0 + 10, start=10))
    batch = poll(source)
    assert times_s(batch) == [T0 + 10]
    assert batch.values.tolist() == [[10.0, -10.0]]
    assert source.malformed == 0


def test_file_rotated_old_file_is_finished_then_new_one_read(opened, csv_path):
    source = opened(csv_path)
    poll(source)
    append(csv_path, csv_lines(T0 + 2, start=2))  # written before rotation, not yet read
    csv_path.rename(csv_path.with_name("data.csv.1"))
    append(csv_path, "t,A,B\n" + csv_lines(T0 + 3, T0 + 4, start=3))
    batch = poll(source)
    assert times_s(batch) == [T0 + 2, T0 + 3, T0 + 4]
    assert source.malformed == 0
    append(csv_path, csv_lines(T0 + 5, start=5))
    assert times_s(poll(source)) == [T0 + 5]


def test_file_missing_polls_empty_then_reads_it_once_it_appears(opened, tmp_path):
    path = tmp_path / "later.csv"
    source = opened(path, names=("A", "B"))
    assert source.missing
    assert "waiting for" in source.status
    batch = poll(source)
    assert batch.times.shape == (0,)
    assert batch.values.shape == (0, 2)
    append(path, "t,A,B\n" + csv_lines(T0))
    assert times_s(poll(source)) == [T0]
    assert not source.missing
    assert "following" in source.status


def test_file_deleted_then_recreated_is_read_from_its_start(opened, csv_path):
    source = opened(csv_path)
    poll(source)
    csv_path.unlink()
    assert len(poll(source)) == 0
    assert source.missing
    append(csv_path, "t,A,B\n" + csv_lines(T0 + 2, start=2))
    assert times_s(poll(source)) == [T0 + 2]
    assert not source.missing


def test_file_close_then_poll_goes_on_where_it_was(csv_path):
    source = FileSource(csv_path)
    assert len(poll(source)) == 2
    source.close()
    append(csv_path, csv_lines(T0 + 2))
    with source:
        assert times_s(poll(source)) == [T0 + 2]
    assert source.out_of_order == 0


def test_file_catch_up_is_bounded_per_poll_and_continues(opened, tmp_path):
    path = tmp_path / "big.csv"
    append(path, "t,A,B\n" + csv_lines(*range(T0, T0 + 100)))
    source = opened(path, max_read_bytes=256)
    first = poll(source)
    assert 0 < len(first) < 100
    seen = [first]
    while len(batch := poll(source)):
        seen.append(batch)
    times = np.concatenate([b.times for b in seen])
    assert times.tolist() == [t * S for t in range(T0, T0 + 100)]
    assert source.malformed == 0


def test_file_line_longer_than_the_bound_is_skipped_and_counted(opened, tmp_path):
    path = tmp_path / "long.csv"
    append(path, "t,A\n" + f"{T0},1\n" + f"{T0 + 1}," + "9" * 100 + "\n" + f"{T0 + 2},3\n")
    source = opened(path, max_read_bytes=32)
    batches = [poll(source) for _ in range(8)]
    assert np.concatenate([b.times for b in batches]).tolist() == [T0 * S, (T0 + 2) * S]
    assert source.malformed == 1
    assert source.last_problem == "line 3: longer than 32 bytes"


# --- skipped lines and samples --------------------------------------------------------------


def test_file_csv_malformed_lines_are_skipped_counted_and_named(opened, csv_path):
    append(
        csv_path,
        f"{T0 + 2},1\n"  # line 4
        f"{T0 + 3},1,2,3\n"
        "yesterday,1,2\n"
        f'{T0 + 4},"1,2\n'
        f"{T0 + 5},5,-5\n"  # line 8: fine
        f"{T0 + 6},1,abc\n",
    )
    source = opened(csv_path)
    batch = poll(source)
    assert times_s(batch) == [T0, T0 + 1, T0 + 5]
    assert source.malformed == 5
    assert source.last_problem == "line 9: value 'abc' in column 'B' is not a number"
    assert "5 malformed lines skipped (last: line 9:" in source.status


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (f"{T0 + 2},1", "line 4: 2 fields, expected 3 as in the header"),
        ("yesterday,1,2", "line 4: time 'yesterday' is not epoch seconds or an ISO 8601 string"),
        (",1,2", "line 4: time '' is not epoch seconds or an ISO 8601 string"),
        ("nan,1,2", "line 4: time 'nan' is not a finite number"),
        ("1764000000250,1,2", "line 4: time '1764000000250' is out of range for epoch seconds"),
        (f'{T0 + 2},"1,2', "line 4: not valid CSV"),
        (f"{T0 + 2},1,{'x' * 60}", f"line 4: value '{'x' * 36}... in column 'B' is not a number"),
    ],
)
def test_file_csv_each_problem_is_named(opened, csv_path, line, problem):
    append(csv_path, line + "\n")
    source = opened(csv_path)
    assert len(poll(source)) == 2
    assert (source.malformed, source.last_problem) == (1, problem)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "line 2: invalid JSON"),
        ("[1, 2]", "line 2: expected a JSON object, got list"),
        ('{"A": 1}', "line 2: no time key 't'"),
        ('{"t": true, "A": 1}', "line 2: time True is not epoch seconds or an ISO 8601 string"),
        ('{"t": "soon", "A": 1}', "line 2: time 'soon' is not epoch seconds or an ISO 8601 string"),
        ('{"t": 1764000001, "A": "1"}', "line 2: value '1' for key 'A' is not a number"),
        ('{"t": 1764000001, "A": false}', "line 2: value False for key 'A' is not a number"),
    ],
)
def test_file_ndjson_each_problem_is_named(opened, tmp_path, line, problem):
    path = tmp_path / "data.ndjson"
    append(path, f'{{"t": {T0}, "A": 0}}\n{line}\n{{"t": {T0 + 2}, "A": 2}}\n')
    source = opened(path)
    assert times_s(poll(source)) == [T0, T0 + 2]
    assert (source.malformed, source.last_problem) == (1, problem)


def test_file_invalid_utf8_line_is_skipped_and_counted(opened, csv_path):
    with open(csv_path, "ab") as file:
        file.write(b"\xff\xfe,1,2\n" + csv_lines(T0 + 2).encode())
    source = opened(csv_path)
    assert times_s(poll(source)) == [T0, T0 + 1, T0 + 2]
    assert source.last_problem == "line 4: not valid UTF-8"


def test_file_out_of_order_and_repeated_times_are_skipped_and_counted(opened, csv_path):
    append(csv_path, csv_lines(T0 + 1, T0, T0 + 3, T0 + 2, T0 + 4))
    source = opened(csv_path)
    assert times_s(poll(source)) == [T0, T0 + 1, T0 + 3, T0 + 4]
    assert source.out_of_order == 3
    assert source.malformed == 0
    append(csv_path, csv_lines(T0 + 4, T0 + 5))  # across polls too
    assert times_s(poll(source)) == [T0 + 5]
    assert source.out_of_order == 4


def test_file_rotated_file_with_other_columns_raises_after_delivering_the_old_tail(
    opened, csv_path
):
    source = opened(csv_path)
    poll(source)
    append(csv_path, csv_lines(T0 + 2))
    csv_path.rename(csv_path.with_name("data.csv.1"))
    append(csv_path, "t,A,C\n" + csv_lines(T0 + 3))
    assert times_s(poll(source)) == [T0 + 2]  # the old file's last line first
    for _ in range(2):  # raising leaves the state as it was: the same error again
        with pytest.raises(ValueError, match=r"missing: \['B'\], extra: \['C'\]"):
            poll(source)
    csv_path.write_text("t,B,A\n" + csv_lines(T0 + 3, start=3))
    batch = poll(source)
    assert times_s(batch) == [T0 + 3]
    assert batch.values.tolist() == [[-3.0, 3.0]]  # columns by name: A is 3, B is -3


# --- arguments ----------------------------------------------------------------------------


def test_file_names_needed_while_the_file_is_missing_or_empty(tmp_path):
    with pytest.raises(FileNotReady, match=r"`names` must be given while .* does not exist"):
        FileSource(tmp_path / "nothing.csv")
    path = tmp_path / "partial.csv"
    append(path, "t,A")  # the header is not complete yet
    with pytest.raises(FileNotReady, match=r"pass names=\(\.\.\.\)"):
        FileSource(path)
    append(path, "\n")
    assert FileSource(path).names == ("A",)  # ready: constructing it again works


def test_file_ndjson_first_record_must_be_an_object_with_the_time_key(tmp_path):
    path = tmp_path / "data.ndjson"
    append(path, "[1]\n")
    with pytest.raises(ValueError, match=r"first record of .* is not a JSON object, got '\[1\]'"):
        FileSource(path)
    path.write_text('{"time": 1, "A": 2}\n')
    with pytest.raises(ValueError, match=r"`time_column` 't' must be in the first line"):
        FileSource(path)


def test_file_rejects_unknown_suffix_and_format(tmp_path):
    with pytest.raises(ValueError, match=r"`path` must end in .csv, .ndjson, .jsonl or `format`"):
        FileSource(tmp_path / "data.txt", names=("A",))
    with pytest.raises(
        ValueError, match=r"`format` must be one of \('csv', 'ndjson'\), got 'json'"
    ):
        FileSource(tmp_path / "data.csv", names=("A",), format="json")


def test_file_rejects_a_directory_and_a_non_path(tmp_path):
    with pytest.raises(ValueError, match=r"`path` must be a file, got a directory '.*'"):
        FileSource(tmp_path, names=("A",), format="csv")
    with pytest.raises(TypeError, match=r"`path` must be a str or os.PathLike, got int"):
        FileSource(3, names=("A",))  # type: ignore[arg-type]


def test_file_rejects_bad_names_time_column_and_bound(tmp_path):
    path = tmp_path / "data.csv"
    with pytest.raises(ValueError, match=r"`names` must be distinct"):
        FileSource(path, names=("A", "A"))
    with pytest.raises(ValueError, match=r"`names` must not include the time column 'time'"):
        FileSource(path, names=("A", "time"), time_column="time")
    with pytest.raises(ValueError, match=r"`time_column` must be a non-empty string, got ''"):
        FileSource(path, names=("A",), time_column="")
    with pytest.raises(TypeError, match=r"`time_column` must be a str, got int"):
        FileSource(path, names=("A",), time_column=0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"`max_read_bytes` must be a positive integer, got 0"):
        FileSource(path, names=("A",), max_read_bytes=0)
    with pytest.raises(TypeError, match=r"`max_read_bytes` must be an integer, got 1.5"):
        FileSource(path, names=("A",), max_read_bytes=1.5)  # type: ignore[arg-type]


# --- property: however the bytes arrive, the samples are those of the whole file -------------


def render(fmt: str, rows: list[tuple[int, list[float | None]]]) -> bytes:
    """A file's bytes: a header (CSV), then one line per row of int ns and values, the time
    written as exact epoch seconds; None is an empty cell (CSV) or null (NDJSON)."""
    lines = ["t,A,B"] if fmt == "csv" else []
    for t, (a, b) in rows:
        seconds = f"{t // S}.{t % S:09d}"
        if fmt == "csv":
            lines.append(",".join([seconds, *("" if v is None else repr(v) for v in (a, b))]))
        else:
            lines.append(f'{{"t": {seconds}, "A": {json.dumps(a)}, "B": {json.dumps(b)}}}')
    return "".join(line + "\n" for line in lines).encode()


@settings(max_examples=40, deadline=None)
@given(
    fmt=st.sampled_from(["csv", "ndjson"]),
    gaps=st.lists(st.integers(1, 10**12), min_size=1, max_size=30),
    values=st.lists(st.one_of(st.none(), st.floats(allow_nan=False)), min_size=60, max_size=60),
    cuts=st.lists(st.integers(0, 4000), max_size=8),
)
def test_file_any_split_of_appends_yields_the_whole_files_samples(fmt, gaps, values, cuts):
    times = (T0 * S + np.cumsum(gaps)).tolist()
    rows = [(t, values[2 * i : 2 * i + 2]) for i, t in enumerate(times)]
    data = render(fmt, rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"data.{fmt}"
        path.touch()
        with FileSource(path, names=("A", "B")) as source:
            batches, done = [], 0
            for cut in [*sorted(c % (len(data) + 1) for c in cuts), len(data)]:
                with open(path, "ab") as file:  # cuts fall anywhere, mid-line included
                    file.write(data[done:cut])
                done = cut
                batches.append(source.poll(cut))  # `now` varies wildly: it must not matter
            assert (source.malformed, source.out_of_order) == (0, 0)
    got_times = np.concatenate([b.times for b in batches])
    got_values = np.concatenate([b.values for b in batches])
    assert got_times.tolist() == times
    expected = np.array([[np.nan if v is None else v for v in vs] for _, vs in rows])
    np.testing.assert_array_equal(got_values, expected)


# --- the writer, run as a user would ---------------------------------------------------------


def run_writer(*args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "feed.writer", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


@pytest.mark.parametrize("suffix", ["csv", "ndjson"])
def test_writer_count_lines_are_all_read(opened, tmp_path, suffix):
    path = tmp_path / f"out.{suffix}"
    writer = run_writer(str(path), "--count", "20", "--interval", "0.01", "--series", "X,Y,Z")
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert err == ""
    assert out.count("\n") == 1 and out.startswith("feed.writer: appending X,Y,Z to")
    source = opened(path)
    assert source.names == ("X", "Y", "Z")
    batch = poll(source)
    assert len(batch) == 20
    assert (source.malformed, source.out_of_order) == (0, 0)
    assert np.all(np.diff(batch.times) > 0)
    assert abs(batch.times[-1] - time.time_ns()) < 600 * S  # "now", not some other epoch
    assert np.all(np.isfinite(batch.values))


def test_writer_rotation_every_line_is_read_once_while_following(opened, tmp_path):
    path = tmp_path / "live.csv"
    source = opened(path, names=("A", "B"))  # following before the first line is written
    writer = run_writer(str(path), "--count", "75", "--interval", "0.02", "--rotate-every", "25")
    batches = []
    while writer.poll() is None:
        batches.append(poll(source))
        time.sleep(0.005)
    batches.append(poll(source))
    assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
    times = np.concatenate([b.times for b in batches])
    values = np.concatenate([b.values for b in batches])
    assert (source.malformed, source.out_of_order) == (0, 0)  # none read twice
    assert len(times) == 75  # none missed
    assert np.all(np.diff(times) > 0)
    with (
        FileSource(path.with_name("live.csv.1"), format="csv") as second,
        FileSource(path) as third,
    ):
        tail = [poll(second), poll(third)]
    np.testing.assert_array_equal(np.concatenate([b.times for b in tail]), times[25:])
    np.testing.assert_array_equal(np.concatenate([b.values for b in tail]), values[25:])


def test_writer_ctrl_c_exits_cleanly_leaving_whole_lines(opened, tmp_path):
    path = tmp_path / "run.ndjson"
    writer = run_writer(str(path), "--interval", "0.01")
    assert writer.stdout is not None
    assert writer.stdout.readline().startswith("feed.writer: appending A,B")
    source = opened(path, names=("A", "B"))
    seen = 0
    deadline = time.monotonic() + 30  # a guard against hanging, not a timing assertion
    while seen < 3 and time.monotonic() < deadline:  # interrupt it mid-stream
        seen += len(poll(source))
        time.sleep(0.005)
    writer.send_signal(signal.SIGINT)
    out, err = writer.communicate(timeout=30)
    assert (writer.returncode, out, err) == (0, "", "")
    seen += len(poll(source))
    assert seen >= 3
    assert source.malformed == 0
    assert path.read_bytes().endswith(b"\n")  # no partial line left behind
    assert path.read_bytes().count(b"\n") == seen


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x.txt"], "--format must be given for "),
        (["x.csv", "--interval", "0"], "argument --interval: must be a positive float, got '0'"),
        (["x.csv", "--count", "-2"], "argument --count: must be a positive int, got '-2'"),
        (["x.csv", "--series", "A,t"], "--series: `names` must not include 't'"),
    ],
)
def test_writer_rejects_bad_arguments_writing_nothing(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as exit_:
        writer_main([str(tmp_path / args[0]), *args[1:]])
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert list(tmp_path.iterdir()) == []
