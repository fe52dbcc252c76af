"""Run a source's polls on a worker thread, so a hung source cannot stall a tick.

A tick waits for its poll at most a bounded time; if the poll has not answered by then, the
tick goes on with what is buffered, and the poll's result is applied whenever it arrives.
Only one poll is ever in flight per feed: a slow source is not piled up with requests.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any


class Poller:
    """One daemon thread that runs the jobs it is given, one at a time.

    Daemon, so a poll that never returns cannot keep the process from exiting.
    """

    def __init__(self, name: str = "feed-poller") -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Callable[[], Any]) -> Future[Any]:
        """Queue ``job``; its future holds the result or the exception it raised."""
        future: Future[Any] = Future()
        self._jobs.put((job, future))
        return future

    def _run(self) -> None:
        while True:
            job, future = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as exc:  # the job's failure belongs to its caller
                future.set_exception(exc)
