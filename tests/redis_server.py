"""A real ``redis-server`` (Debian's package) on 127.0.0.1 and a free port, for tests and the
Redis benchmark: started, killed, restarted on the same port and directory, stopped.

With ``persist`` (the default) it keeps an append-only file fsynced on every write
(``appendfsync always``), so a ``kill -9`` loses nothing it acknowledged and a restart in the
same directory brings the stream back; without, a restart starts empty.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import redis

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
START_TIMEOUT_S = 15.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    condition: Callable[[], object], timeout: float, what: str, step: float = 0.01
) -> object:
    """``condition()``'s first truthy value, checked every ``step`` s; ``TimeoutError``
    saying ``what`` was awaited if ``timeout`` s pass first."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:g} s for {what}")
        time.sleep(step)


class RedisServer:
    """One ``redis-server`` process at a fixed port and directory, restartable."""

    def __init__(self, directory: Path, persist: bool = True, port: int | None = None) -> None:
        if not os.access(REDIS_SERVER, os.X_OK):
            raise RuntimeError(
                f"redis-server not found at {REDIS_SERVER}: install Debian's redis-server "
                "(`make test` does)"
            )
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.persist = persist
        self.port = free_port() if port is None else port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log(self) -> Path:
        return self.directory / "redis.log"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def command(self) -> list[str]:
        persistence = ["--appendonly", "yes", "--appendfsync", "always"]
        if not self.persist:
            persistence = ["--appendonly", "no"]
        return [
            REDIS_SERVER,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            *persistence,
            "--dir", str(self.directory),
            "--logfile", str(self.log),
            "--daemonize", "no",
        ]  # fmt: skip

    def start(self, timeout: float = START_TIMEOUT_S) -> None:
        """Start it and return once it answers PING (after loading its data, if any)."""
        if self.running:
            raise RuntimeError(f"redis-server on port {self.port} is already running")
        self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)
        try:
            wait_until(self._answers(client), timeout, f"redis-server on port {self.port}")
        finally:
            client.close()

    def _answers(self, client: redis.Redis) -> Callable[[], bool]:
        def check() -> bool:
            if not self.running:
                raise RuntimeError(f"redis-server exited at start; its log:\n{self._log_tail()}")
            try:
                return bool(client.ping())
            except redis.exceptions.RedisError:  # refused, or still loading its data
                return False

        return check

    def kill(self) -> None:
        """``kill -9``: no shutdown, no final save."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop it (SIGTERM: a clean shutdown); harmless if it is not running."""
        if self.running:
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        """``kill -9`` then start again, same port and directory."""
        self.kill()
        self.start()

    def pause(self) -> None:
        """SIGSTOP: the server holds its connections but answers nothing."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def client(self) -> redis.Redis:
        """A client that fails fast (1 s) rather than waiting on a dead server."""
        return redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


@contextlib.contextmanager
def redis_server(directory: Path, persist: bool = True) -> Iterator[RedisServer]:
    """A started ``RedisServer`` in ``directory``, stopped on exit (even if paused)."""
    server = RedisServer(directory, persist)
    server.start()
    try:
        yield server
    finally:
        if server.running:
            server.resume()
            server.stop()
