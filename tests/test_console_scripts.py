"""The installed commands (pyproject's [project.scripts]) run as a user runs them: `--help`,
exit status 0 when done, 2 for a bad command line, 1 when it cannot go on, and an error as one
line on stderr, never a traceback. `python -m` keeps working beside them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import redis

from tests.redis_server import REDIS_SERVER, RedisServer, free_port, wait_until

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin: where `pip install -e .` puts the commands
COMMANDS = ("feed-produce", "feed-writer", "feed-bench")


def command(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is not installed in {BIN}: run `make setup-test`"
    return str(path)


def run(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )


def one_error_line(result: subprocess.CompletedProcess[str], name: str) -> str:
    """The single line ``result`` wrote to stderr, checked to be ``name``'s error."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    assert lines[0].startswith(f"{name}: error: "), lines[0]
    assert "Traceback" not in result.stderr
    return lines[0]


# --- --help ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("feed-produce", "Publish a feed source into a Redis stream"),
        ("feed-writer", "Append standard normal samples to a CSV or NDJSON file"),
        ("feed-bench", "run the in-process then the end-to-end benchmark"),
    ],
)
def test_command_help_exits_0_from_any_folder(name, says, tmp_path):
    result = run(command(name), "--help", cwd=tmp_path)  # outside the checkout: installed
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: "), result.stdout
    assert says in " ".join(result.stdout.split())
    assert result.stderr == ""


@pytest.mark.parametrize("name", ["feed-produce", "feed-writer"])
def test_command_help_names_the_command_and_its_exit_statuses(name, tmp_path):
    text = " ".join(run(command(name), "--help", cwd=tmp_path).stdout.split())
    assert text.startswith(f"usage: {name} ")
    assert "Exit status: 0 when done or interrupted, 2 for a bad command line, 1 when" in text


@pytest.mark.parametrize(
    ("module", "prog"),
    [
        ("feed.produce", "python -m feed.produce"),
        ("feed.writer", "python -m feed.writer"),
        ("benchmarks", "python -m benchmarks"),
    ],
)
def test_python_dash_m_still_works(module, prog):
    result = run(sys.executable, "-m", module, "--help", cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: {prog} ")


# --- a bad command line: 2 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("feed-produce", ["--interval", "0"],
         "argument --interval: must be a positive number of seconds, got '0' (see --help)"),
        ("feed-produce", ["--series", "17"], "`series` must be from 1 to 16, got 17"),
        ("feed-produce", ["--redis", "http://x"], "`url` must be a Redis URL"),
        ("feed-produce", ["--nope"], "unrecognized arguments: --nope"),
        ("feed-writer", [], "the following arguments are required: path"),
        ("feed-writer", ["data.txt"], "--format must be given for 'data.txt'"),
        ("feed-writer", ["data.csv", "--count", "-1"], "argument --count: must be a positive"),
    ],
)  # fmt: skip
def test_bad_command_line_exits_2_with_one_line(name, args, message, tmp_path):
    result = run(command(name), *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in one_error_line(result, name)
    assert not (tmp_path / "data.csv").exists()  # refused before doing anything


def test_feed_bench_bad_argument_exits_2(tmp_path):
    result = run(command("feed-bench"), "--nope", cwd=tmp_path)
    assert result.returncode == 2
    assert "error: unrecognized arguments: --nope" in one_error_line(result, "feed-bench")


# --- cannot go on: 1 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "reason"),
    [("missing-folder/data.csv", "No such file or directory"), (".", "Is a directory")],
)
def test_writer_cannot_write_exits_1_with_one_line(path, reason, tmp_path):
    result = run(command("feed-writer"), path, "--format", "csv", "--count", "1", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    line = one_error_line(result, "feed-writer")
    assert line == f"feed-writer: error: cannot write {path!r}: {reason}"


def test_produce_missing_file_exits_1_with_one_line(tmp_path):
    result = run(command("feed-produce"), "--source", "file", "--path", "data.csv", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    line = one_error_line(result, "feed-produce")
    assert "the file 'data.csv' does not exist or has no complete line yet" in line


def test_produce_key_that_is_not_a_stream_exits_1_with_one_line(tmp_path):
    server = RedisServer(tmp_path / "redis", persist=False)
    server.start()
    try:
        with server.client() as client:
            client.set("k", "a string, not a stream")
        result = run(command("feed-produce"), "--redis", server.url, "--stream", "k",
                     "--count", "2", "--interval", "0.01", cwd=tmp_path)  # fmt: skip
    finally:
        server.stop()
    assert result.returncode == 1, result.stderr
    line = one_error_line(result, "feed-produce")
    assert line.endswith("Redis refused XADD to 'k': WRONGTYPE Operation against a key "
                         "holding the wrong kind of value")  # fmt: skip


@pytest.fixture
def redis_with_password(tmp_path):
    """A redis-server on a free port that wants the password `right`; its URL, no password."""
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--requirepass", "right", "--dir", str(tmp_path),
         "--logfile", str(tmp_path / "redis.log")],
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    client = redis.Redis(port=port, password="right", socket_timeout=1, socket_connect_timeout=1)

    def answers() -> bool:
        try:
            return bool(client.ping())
        except redis.exceptions.RedisError:
            return False

    try:
        wait_until(answers, 15, f"redis-server on port {port}")
        yield f"127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("credentials", [":wrong@", ""], ids=["wrong-password", "no-password"])
def test_produce_refused_password_exits_1_at_once(credentials, redis_with_password, tmp_path):
    url = f"redis://{credentials}{redis_with_password}"
    # A refused password is final: no retrying as for an unreachable server.
    result = run(command("feed-produce"), "--redis", url, "--count", "2", "--interval", "0.01",
                 cwd=tmp_path, timeout=30)  # fmt: skip
    assert result.returncode == 1, result.stderr
    line = one_error_line(result, "feed-produce")
    assert "refused the producer" in line
    assert ":wrong@" not in line  # the password is never shown


def test_feed_bench_says_a_failure_in_one_line_and_exits_1(monkeypatch, capsys):
    import benchmarks.__main__ as bench

    def broken(args):
        raise RuntimeError("in-process cell 100 x 2 failed:\n  a long story")

    monkeypatch.setattr(bench, "_run", broken)
    assert bench.main(["--quick"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "python -m benchmarks: error: RuntimeError: in-process cell 100 x 2 failed: a long story\n"
    )
