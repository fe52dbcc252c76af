"""A light Streamlit client: the browser's side of ``/_stcore/stream``, without the browser.

One ``Session`` is one browser tab of a Streamlit app. It does what the bundled frontend
(``streamlit/static/static/js/index.*.js``, Streamlit 1.67) does on the wire, and nothing it
does on screen:

- **Connect** like ``WebsocketConnection``: ``GET /_stcore/health`` and
  ``/_stcore/host-config`` (the health answer sets the ``_streamlit_xsrf`` cookie), then open
  ``ws://HOST/_stcore/stream`` with the subprotocols ``["streamlit", <xsrf cookie>]``, the
  page's ``Origin`` and the cookie. The server reads the second entry as the XSRF token; the
  protection stays on.
- **First run**: one ``BackMsg`` ``rerun_script`` with empty widget states and the page's
  ``ContextInfo`` (time zone, locale, URL, colour scheme), as the page sends on connecting.
- **Widgets**: every widget element in the deltas registers the value the frontend reports
  for it untouched (sliders, select sliders, select boxes, number and text inputs,
  checkboxes, radios, multiselects; from the element's ``default``, or its ``value`` when
  ``set_value``), and every later ``rerun_script`` carries all of them, as the frontend's
  ``WidgetStateManager.createWidgetStatesMsg`` does. Widgets absent from a finished full run
  are dropped (``removeInactiveWidgetState``). Buttons hold no value.
- **Click** (``click``): a ``rerun_script`` whose widget states add ``trigger_value: true``
  for the button, with the ``page_script_hash`` of the ``new_session``; the trigger is
  sent once, as the frontend clears it after sending.
- **Auto-rerun timers** like ``App.handleAutoRerun``: an ``auto_rerun`` message
  (``fragment_id``, ``interval``) starts a ``setInterval``-like timer unless one with that
  interval runs for that fragment; ``stop_auto_rerun`` stops the named ones; a
  ``new_session`` of a full run (no fragment ids) stops them all. Each firing sends
  ``rerun_script`` with all widget states, ``fragment_id`` and ``is_auto_rerun: true``,
  **whether or not a run is still going**: the browser never waits, and the server
  queues or interrupts as it does for the browser.
- **ForwardMsg cache** like ``ForwardMsgCache``: messages marked ``cacheable`` are kept by
  hash and listed in ``cached_message_hashes``, ``ref_hash`` messages resolve from it, and
  entries expire after ``max_cached_message_age`` runs.
- Protocol pings are answered by ``websockets``; like a browser, the client sends none.

A tick is a fragment run that ended with ``script_finished:
FINISHED_FRAGMENT_RUN_SUCCESSFULLY``. Runs ending ``FINISHED_EARLY_FOR_RERUN`` are counted
apart, as cut short. Latency is per timer request: from sending it to the
``script_finished`` of the run that served it, where a run serves every request sent
before its ``new_session`` arrived and not served yet (the server folds requests that
arrive during a run into its next one: those are "coalesced"). A request sent after the
server started a run but before its ``new_session`` reached the client is counted as served
by that run: at 0.5 s intervals that needs a ``new_session`` delayed by most of an interval.

Many sessions share one asyncio loop (``websockets``), so one process can drive 100.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

XSRF_COOKIE = "_streamlit_xsrf"
STREAM_PATH = "/_stcore/stream"
FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "full",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment",
    ForwardMsg.FINISHED_EARLY_FOR_RERUN: "early",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "error",
}
# Widget element types whose frontend registers a value without being touched.
VALUED_WIDGETS = frozenset(
    {"slider", "selectbox", "number_input", "text_input", "checkbox", "radio", "multiselect"}
)


@dataclass
class Run:
    """One script run as the client sees it, from its ``new_session`` to its end."""

    script_run_id: str
    fragment_ids: tuple[str, ...]
    started: float  # when its new_session arrived (time.monotonic)
    served: list[float]  # send times of the requests it serves
    elements: set[str] = field(default_factory=set)  # element types its deltas carried
    finished: float | None = None
    end: str = ""  # a FINISHED value, once finished


@dataclass
class Tick:
    """A completed fragment run: when it finished and the requests it served."""

    finished: float
    served: tuple[float, ...]
    elements: frozenset[str] = frozenset()  # element types the run's deltas carried

    def latencies(self) -> list[float]:
        """Seconds from each served request to this run's end."""
        return [self.finished - sent for sent in self.served]


@dataclass
class Counters:
    """Everything a session saw, with times, so a benchmark can cut any window."""

    requests: list[float] = field(default_factory=list)  # timer requests sent
    ticks: list[Tick] = field(default_factory=list)  # completed fragment runs
    cut_short: list[float] = field(default_factory=list)  # FINISHED_EARLY_FOR_RERUN times
    full_runs: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # exceptions, compile errors
    unattributed_runs: int = 0  # fragment runs that started with no request pending
    bytes_received: int = 0
    messages_received: int = 0


def default_context(url: str) -> ContextInfo:
    """The ``ContextInfo`` headless Chromium sends for a page at ``url`` (UTC, en-US)."""
    return ContextInfo(
        timezone="UTC",
        timezone_offset=0,
        locale="en-US",
        url=url,
        is_embedded=False,
        color_scheme="light",
    )


def widget_value(kind: str, element: object) -> WidgetState | None:
    """The state the frontend registers for a widget element it has just drawn (its
    ``set_value`` value, else its default), or None for widgets that hold none."""
    state = WidgetState(id=element.id)
    use_value = getattr(element, "set_value", False)
    if kind == "slider":
        if element.options:  # st.select_slider: the options' labels
            if use_value:
                labels = list(element.raw_value)
            else:
                labels = [element.options[int(i)] for i in element.default]
            state.string_array_value.data.extend(labels)
        else:
            state.double_array_value.data.extend(element.value if use_value else element.default)
    elif kind in ("selectbox", "radio"):
        if use_value:
            if not element.HasField("raw_value"):
                return None
            state.string_value = element.raw_value
        elif element.HasField("default") and 0 <= element.default < len(element.options):
            state.string_value = element.options[element.default]
        else:
            return None  # no selection: the frontend reports nothing
    elif kind == "multiselect":
        if use_value:
            state.string_array_value.data.extend(element.raw_values)
        else:
            state.string_array_value.data.extend(element.options[i] for i in element.default)
    elif kind == "number_input":
        has = element.set_value or element.HasField("default")
        if not has:
            return None
        value = element.value if use_value else element.default
        if element.data_type == type(element).INT:
            state.int_value = int(value)
        else:
            state.double_value = value
    elif kind == "text_input":
        if use_value:
            state.string_value = element.value
        elif element.HasField("default"):
            state.string_value = element.default
        else:
            return None
    elif kind == "checkbox":
        state.bool_value = element.value if use_value else element.default
    else:
        return None
    return state


class Session:
    """One browser tab of a Streamlit app, over one websocket."""

    def __init__(self, base_url: str, *, context: ContextInfo | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.context = context or default_context(self.base_url + "/")
        self.counters = Counters()
        self.ws = None
        self.page_script_hash = ""
        self.max_cached_message_age = 2
        self.widgets: dict[str, WidgetState] = {}  # by id, in registration order
        self.buttons: dict[str, tuple[str, bool]] = {}  # label -> (widget id, disabled)
        self.timers: dict[str, tuple[float, asyncio.Task[None]]] = {}  # fragment -> timer
        self.auto_reruns: dict[str, float] = {}  # fragment id -> interval, as announced
        self.run: Run | None = None  # the run going, once its new_session arrived
        self.runs_done = 0  # full runs finished successfully, for waiting on them
        self.pending: list[float] = []  # timer requests not yet served by a run
        self._seen_this_run: set[str] = set()
        self._cache: dict[str, tuple[int, str | None, bytes]] = {}  # hash -> age, frag, msg
        self._cache_runs = 0
        self._received_new_session = False
        self._changed = asyncio.Event()  # set on every run end
        self._reader: asyncio.Task[None] | None = None
        self.closed = False

    # --- connecting ---------------------------------------------------------------------

    async def connect(self, timeout: float = 30.0) -> None:
        """Do what the page does on load: the HTTP pings, the websocket, the first run
        request. Returns once the websocket is open (not when the run ends)."""
        from websockets.asyncio.client import connect

        cookie = None
        for path in ("/_stcore/health", "/_stcore/host-config"):
            cookie = await self._get(path, cookie) or cookie
        subprotocols = ["streamlit", cookie or "PLACEHOLDER_AUTH_TOKEN"]
        headers = {"Cookie": f"{XSRF_COOKIE}={cookie}"} if cookie else {}
        url = f"ws://{self.host}:{self.port}{STREAM_PATH}"
        self.ws = await asyncio.wait_for(
            connect(
                url,
                subprotocols=subprotocols,
                origin=self.base_url,
                additional_headers=headers,
                ping_interval=None,  # browsers send no pings; the server's are answered
                max_size=None,
                max_queue=None,
                open_timeout=timeout,
            ),
            timeout,
        )
        self._reader = asyncio.create_task(self._read())
        await self.send_rerun(widget_states=False)

    async def _get(self, path: str, cookie: str | None) -> str | None:
        """GET ``path`` with the XSRF cookie if any; the ``_streamlit_xsrf`` it sets."""
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            head = f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            if cookie:
                head += f"Cookie: {XSRF_COOKIE}={cookie}\r\n"
            writer.write((head + "Connection: close\r\n\r\n").encode())
            response = await reader.read()
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        headers, _, _ = response.partition(b"\r\n\r\n")
        for line in headers.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "set-cookie":
                jar = SimpleCookie()
                jar.load(value.strip())
                if XSRF_COOKIE in jar:
                    return jar[XSRF_COOKIE].value
        return None

    async def close(self) -> None:
        """Stop the timers and close the websocket."""
        self.closed = True
        for _, task in self.timers.values():
            task.cancel()
        self.timers.clear()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader

    # --- sending ------------------------------------------------------------------------

    async def send_rerun(
        self,
        *,
        fragment_id: str = "",
        is_auto_rerun: bool = False,
        trigger: str | None = None,
        widget_states: bool = True,
    ) -> None:
        """Send ``rerun_script`` as ``App.sendRerunBackMsg`` does."""
        msg = BackMsg()
        state = msg.rerun_script
        state.widget_states.SetInParent()
        if widget_states:
            state.widget_states.widgets.extend(self.widgets.values())
        if trigger is not None:
            state.widget_states.widgets.add(id=trigger, trigger_value=True)
        state.page_script_hash = self.page_script_hash
        if fragment_id:
            state.fragment_id = fragment_id
        state.is_auto_rerun = is_auto_rerun
        state.cached_message_hashes.extend(self._cache)
        state.context_info.CopyFrom(self.context)
        self._received_new_session = False
        if is_auto_rerun:
            now = time.monotonic()
            self.counters.requests.append(now)
            self.pending.append(now)
        await self.ws.send(msg.SerializeToString())

    async def click(self, label: str, timeout: float = 30.0) -> None:
        """Click the enabled button labelled ``label``, once the page shows one."""
        enabled = lambda: label in self.buttons and not self.buttons[label][1]  # noqa: E731
        await self.wait_for(enabled, timeout, f"enabled button {label!r}")
        await self.send_rerun(trigger=self.buttons[label][0])

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        """``setInterval(() => sendUpdateWidgetsMessage(fragmentId, true), interval)``."""
        current = self.timers.get(fragment_id)
        if current is not None:
            if current[0] == interval:
                return
            current[1].cancel()
        task = asyncio.create_task(self._timer(fragment_id, interval))
        self.timers[fragment_id] = (interval, task)

    def _stop_timers(self, fragment_ids: Iterable[str]) -> None:
        for fragment_id in list(fragment_ids):
            current = self.timers.pop(fragment_id, None)
            if current is not None:
                current[1].cancel()

    async def _timer(self, fragment_id: str, interval: float) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time() + interval
        while not self.closed:
            await asyncio.sleep(max(0.0, due - loop.time()))
            try:
                await self.send_rerun(fragment_id=fragment_id, is_auto_rerun=True)
            except Exception:  # the connection closed: the tab is gone
                return
            due += interval
            if due < loop.time():  # the loop fell behind: fire once, not a burst
                due = loop.time() + interval

    # --- receiving ----------------------------------------------------------------------

    async def wait_change(self, timeout: float) -> None:
        """Wait until a run ends (or ``timeout`` seconds)."""
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), max(0.0, timeout))

    async def wait_for(self, predicate, timeout: float, what: str = "condition") -> None:
        """Wait until ``predicate()`` holds, checked at every run end."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if self.closed:
                raise ConnectionError(f"session closed while waiting for {what}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {what} within {timeout:g} s")
            await self.wait_change(min(left, 0.25))

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                self.handle(data, time.monotonic())
        except Exception as exc:  # the connection dropped
            if not self.closed:
                self.counters.errors.append(f"connection: {type(exc).__name__}: {exc}")
        finally:
            self.closed = True
            self._stop_timers(self.timers)
            self._changed.set()

    def handle(self, data: bytes, now: float) -> None:
        """Process one ForwardMsg, received at ``now``."""
        counters = self.counters
        counters.bytes_received += len(data)
        counters.messages_received += 1
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self._cache.get(msg.ref_hash)
            if cached is None:
                counters.errors.append(f"cache miss for ref_hash {msg.ref_hash}")
                return
            self._cache[msg.ref_hash] = (self._cache_runs, cached[1], cached[2])
            full = ForwardMsg()
            full.ParseFromString(cached[2])
            full.metadata.CopyFrom(msg.metadata)
            msg, kind = full, full.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash and msg.hash not in self._cache:
            fragment = msg.delta.fragment_id if kind == "delta" else ""
            self._cache[msg.hash] = (self._cache_runs, fragment or None, data)
        if kind == "delta":
            self._on_delta(msg)
        elif kind == "new_session":
            self._on_new_session(msg, now)
        elif kind == "script_finished":
            self._on_finished(msg, now)
        elif kind == "auto_rerun":
            self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
            if msg.auto_rerun.fragment_id:
                self._start_timer(msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._stop_timers(msg.stop_auto_rerun.fragment_ids)
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            counters.errors.append("script compilation exception")

    def _on_new_session(self, msg: ForwardMsg, now: float) -> None:
        session = msg.new_session
        self.page_script_hash = session.page_script_hash
        if session.config.max_cached_message_age:
            self.max_cached_message_age = session.config.max_cached_message_age
        fragment_ids = tuple(msg.metadata.run.fragment_ids)
        if not fragment_ids:
            self._stop_timers(self.timers)  # cleanupAutoReruns: a full run sets them anew
            self._seen_this_run = set()
        served = self.pending if fragment_ids else []
        if fragment_ids:
            if not served:
                self.counters.unattributed_runs += 1
            self.pending = []
        self.run = Run(msg.metadata.run.script_run_id, fragment_ids, now, served)
        self._received_new_session = True

    def _on_delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if self.run is not None:
            self.run.elements.add(kind)
        if kind == "exception":
            self.counters.errors.append(f"exception: {element.exception.message}")
        elif kind == "button":
            button = element.button
            self.buttons[button.label] = (button.id, button.disabled)
            self._seen_this_run.add(button.id)
        elif kind in VALUED_WIDGETS:
            widget = getattr(element, kind)
            self._seen_this_run.add(widget.id)
            if widget.id not in self.widgets or getattr(widget, "set_value", False):
                state = widget_value(kind, widget)
                if state is not None:
                    self.widgets[widget.id] = state

    def _on_finished(self, msg: ForwardMsg, now: float) -> None:
        end = FINISHED.get(msg.script_finished, "error")
        run = self.run
        counters = self.counters
        if run is not None:
            run.finished, run.end = now, end
        if end == "fragment":
            served, elements = (tuple(run.served), frozenset(run.elements)) if run else ((), ())
            counters.ticks.append(Tick(now, served, frozenset(elements)))
        elif end == "early":
            counters.cut_short.append(now)
            if run is not None:  # its requests wait for the next run
                self.pending = run.served + self.pending
        elif end == "full":
            counters.full_runs.append(now)
            self.runs_done += 1
            self.widgets = {k: v for k, v in self.widgets.items() if k in self._seen_this_run}
        else:
            counters.errors.append("script finished with a compile error")
        if end != "early" and self._received_new_session:
            fragment_ids = tuple(msg.metadata.run.fragment_ids)
            self._age_cache(fragment_ids)
        self.run = None
        self._changed.set()

    def _age_cache(self, fragment_ids: tuple[str, ...]) -> None:
        """``ForwardMsgCache.incrementRunCount``."""
        self._cache_runs += 1
        for key, (age, fragment, _) in list(self._cache.items()):
            if fragment_ids and (not fragment or fragment not in fragment_ids):
                continue
            if self._cache_runs - age > self.max_cached_message_age:
                del self._cache[key]


async def open_streaming(
    base_url: str, label: str = "Start streaming", timeout: float = 60.0
) -> Session:
    """A session that has loaded the page, clicked ``label`` and received its auto-rerun
    timer (i.e. is streaming)."""
    session = Session(base_url)
    await session.connect(timeout)
    await session.wait_for(lambda: session.runs_done >= 1, timeout, "first run")
    await session.click(label, timeout)
    await session.wait_for(lambda: bool(session.timers), timeout, "auto-rerun timer")
    return session
