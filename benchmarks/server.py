"""A real `streamlit run` server on 127.0.0.1, and headless Debian Chromium to drive it.

Shared by the browser tests and the end-to-end benchmark, so both start things the same way.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Keep timers running at full rate even if the page is not in the foreground.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
PROJECT = Path(__file__).resolve().parent.parent


def shown(path: Path) -> str:
    """``path`` relative to the project when it is inside it: short, for progress lines."""
    try:
        return str(path.relative_to(PROJECT))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Server:
    """A running Streamlit server: its URL and process."""

    url: str
    process: subprocess.Popen[bytes]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(
    app: str | Path,
    env: Mapping[str, str] | None = None,
    options: Mapping[str, str] | None = None,
    cwd: Path = PROJECT,
    log: Path | None = None,
) -> Iterator[Server]:
    """Run ``streamlit run app`` from ``cwd`` (so its ``.streamlit/config.toml`` applies) on a
    free port; yield once it answers its health check; stop it on exit."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    for name, value in (options or {}).items():
        command += [f"--{name}", value]
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(url, process, port)
        yield Server(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            out.close()


def _wait_healthy(
    url: str, process: subprocess.Popen[bytes], port: int, timeout: float = 60.0
) -> None:
    """Block until *our* server listens on ``port`` and its health endpoint answers, or raise
    if it dies or times out.

    Checking who listens matters when other servers start on this machine at the same time
    (parallel test runs): ``free_port`` only says the port was free a moment ago, and if
    another process took it, its health endpoint would answer for ours.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode} before serving")
        if not _listens(process.pid, port):
            time.sleep(0.2)
            continue
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout:.0f} s")


def _listens(pid: int, port: int) -> bool:
    """Whether process ``pid`` has a TCP socket listening on ``port`` (True if psutil, which
    the check needs, is not installed)."""
    try:
        import psutil
    except ImportError:
        return True
    try:
        connections = psutil.Process(pid).net_connections(kind="tcp")
    except psutil.Error:
        return False
    return any(c.status == psutil.CONN_LISTEN and c.laddr.port == port for c in connections)
