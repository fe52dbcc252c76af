"""What a viewer can reach, through Streamlit's AppTest: only the sources the operator opened,
no credential on the page, every sidebar value within its bound, and a bad start said in one
line. AppTest can set any session-state key, more than a forged page message could."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from feed.ui.view import DEFAULT_WIDTH_PX
from tests.test_app import APP, chart_frame

_EVENTS: list[tuple[str, tuple]] | None = None


def _audit(event: str, args: tuple) -> None:
    if _EVENTS is not None and event in ("open", "socket.connect"):
        _EVENTS.append((event, args))


sys.addaudithook(_audit)  # for the whole process: an audit hook cannot be removed


@contextlib.contextmanager
def watching() -> Iterator[list[tuple[str, tuple]]]:
    """Every file the process opens and every socket it connects, while inside."""
    global _EVENTS
    _EVENTS = events = []
    try:
        yield events
    finally:
        _EVENTS = None


def opened_paths(events: list[tuple[str, tuple]]) -> list[str]:
    return [
        os.fsdecode(args[0])
        for event, args in events
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike))
    ]


def connected_ports(events: list[tuple[str, tuple]]) -> list[int]:
    return [
        args[1][1]
        for event, args in events
        if event == "socket.connect" and isinstance(args[1], tuple) and len(args[1]) >= 2
    ]


def page_text(at: AppTest) -> str:
    """Every element of the page as its protobuf text: what the browser would receive."""
    kinds = ("markdown", "caption", "error", "info", "warning", "exception", "title", "text")
    widgets = ("selectbox", "slider", "select_slider", "number_input", "button")
    return "\n".join(str(element.proto) for kind in kinds + widgets for element in at.get(kind))


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening socket nothing may connect to."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        sock.setblocking(False)
        yield sock


# --- a viewer reaches only what the operator opened -----------------------------------------


def test_app_viewer_cannot_make_the_server_open_a_file_or_a_socket(tmp_path, monkeypatch, listener):
    allowed = tmp_path / "allowed.csv"
    allowed.write_text("t,pressure\n1764000000,1.5\n")
    secret = tmp_path / "credentials.csv"
    secret.write_text("api_key,db_password\nabc,def\n")
    port = listener.getsockname()[1]
    url = f"redis://127.0.0.1:{port}/0"
    monkeypatch.setenv("FEED_SOURCES", f"demo=synthetic lab=file:{allowed}")
    forged = [
        {"source": "file", "path": str(secret)},  # the sidebar's former inputs
        {"source": "redis", "redis_url": url, "stream_name": "x"},
        {"source": str(secret)},
        {"source": url},
        {"source": "lab", "path": str(secret), "redis_url": url},
    ]
    with watching() as events:
        for state in forged:  # set before the first run: AppTest checks the widgets' values
            at = AppTest.from_file(APP, default_timeout=30)
            for key, value in state.items():
                at.session_state[key] = value
            at.run()
            assert not at.exception
    assert not [path for path in opened_paths(events) if secret.name in path]
    assert str(allowed) in opened_paths(events)  # the watch does see the files opened
    assert port not in connected_ports(events)
    with pytest.raises(BlockingIOError):
        listener.accept()  # nothing knocked
    assert "api_key" not in page_text(at)
    assert chart_frame(at).columns == ["t", "pressure"]  # "lab", the operator's file


def test_app_refuses_a_source_name_not_in_the_catalog():
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state.source = "/etc/passwd"
    at.run()
    assert not at.exception
    (error,) = at.error
    assert error.value == "Refused: `source` must be one of ('synthetic',), got '/etc/passwd'."
    assert at.session_state.source == "synthetic"


# --- credentials stay out of the page, the readout and the terminal ----------------------------


def test_app_redis_password_from_secrets_is_used_and_never_shown(tmp_path, capsys):
    from feed.produce import main as produce
    from tests.redis_server import redis_server

    with redis_server(tmp_path / "redis") as server:
        produce(["--redis", server.url, "--stream", "lab", "--count", "20", "--interval", "0.001"])
        server.client().config_set("requirepass", "hunter2")
        at = AppTest.from_file(APP, default_timeout=30)
        at.secrets["feed"] = {
            "sources": {
                "plant": {
                    "kind": "redis",
                    "url": server.url,
                    "stream": "lab",
                    "password": "hunter2",
                }
            }
        }
        at.run()
        assert not at.exception
        assert at.selectbox(key="source").options == ["plant"]
        assert chart_frame(at).height == 20
        assert "connected to" in page_text(at)
        assert "hunter2" not in page_text(at)
    assert "hunter2" not in capsys.readouterr().err


def test_app_redis_password_in_a_url_is_masked_everywhere(monkeypatch, capsys, listener):
    port = listener.getsockname()[1]
    listener.close()  # now nothing answers there
    monkeypatch.setenv("FEED_SOURCES", f"plant=redis:redis://app:hunter2@127.0.0.1:{port}/0")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    (info,) = at.info
    assert info.value == (
        f"Waiting for Redis at redis://app:***@127.0.0.1:{port}/0, which does not answer: the "
        "source 'plant' starts once it does."
    )
    assert "hunter2" not in page_text(at)
    assert "hunter2" not in capsys.readouterr().err


def test_app_wrong_redis_password_is_said_without_it(tmp_path, capsys):
    from tests.redis_server import redis_server

    with redis_server(tmp_path / "redis") as server:
        server.client().config_set("requirepass", "hunter2")
        at = AppTest.from_file(APP, default_timeout=30)
        at.secrets["feed"] = {
            "sources": {"plant": {"kind": "redis", "url": server.url, "password": "letmein"}}
        }
        at.run()
        assert not at.exception
        (error,) = at.error
        assert error.value == (
            f"Redis at {server.url} refused the password the app's operator gave for the "
            "source 'plant'."
        )
        assert "letmein" not in page_text(at)
    assert "letmein" not in capsys.readouterr().err


# --- a bad start: one line, in the page and in the terminal -------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--source", "nope"],
            "`--source` must be NAME=KIND[:ARG] or one of ('synthetic', 'system', 'file', "
            "'redis'), got 'nope'",
        ),
        (["--series", "99"], "`series` must be from 1 to 16, got 99"),
    ],
)
def test_app_bad_command_line_stops_it_in_one_line(argv, message, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [str(Path(APP).name), *argv])
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.run()
    assert not at.exception
    (error,) = at.error
    assert error.value == f"The app cannot start: {message}"
    assert len(at.get("vega_lite_chart")) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if "cannot start" in line]
    assert lines == [f"feed: cannot start: {message}"]  # once, however many page loads


def test_app_bad_setting_stops_it_with_one_line_and_no_traceback(monkeypatch):
    monkeypatch.setenv("FEED_RUN_EVERY", "soon")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    (error,) = at.error
    assert error.value == (
        "The app cannot start: `FEED_RUN_EVERY` must be a positive number of seconds "
        "(e.g. 0.1), got 'soon'"
    )


def test_app_bad_interactive_setting_names_what_is_allowed(monkeypatch):
    monkeypatch.setenv("FEED_INTERACTIVE", "no")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    (error,) = at.error
    assert error.value == (
        "The app cannot start: `FEED_INTERACTIVE` must be an integer from 0 to 1, got 'no'"
    )


# --- bounds a viewer cannot push past --------------------------------------------------------


def test_app_refuses_values_beyond_their_bounds_naming_the_bound():
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state.series = 99
    at.session_state.window = 2_000_000
    at.session_state.width_px = 1_000_000
    at.session_state.run_every = 0.001
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Refused: `series` must be an integer from 1 to 16, got 99.",
        "Refused: `window` must be an integer from 1 to 1000000, got 2000000.",
        "Refused: `width_px` must be an integer from 100 to 8000, got 1000000.",
        "Refused: `run_every` must be from 0.5 to 5 seconds, got 0.001.",
    ]
    assert (at.session_state.series, at.session_state.window) == (2, 100)
    assert (at.session_state.width_px, at.session_state.run_every) == (DEFAULT_WIDTH_PX, 1.0)
    assert chart_frame(at).columns == ["t", "A", "B"]


def test_app_download_is_bounded_by_the_window():
    at = AppTest.from_file(APP, default_timeout=30).run()
    for button in at.get("download_button"):
        assert "at most 1,000,000 per series" in button.proto.help
