"""The session clients behind `coze.websockets.*`: `WebsocketsBaseClient` (sync) and
`AsyncWebsocketsBaseClient` (on the caller's loop). Sends never block on the network; `connect`, `wait`
and `close` are bounded by timeouts.

Both run one connection logic (`_connection.Connection`: handshake, outbox, keepalive, reconnects and
close, sans I/O over the `websockets` library's `ClientProtocol`) with the REST client's runner; they differ
in the link that performs its socket steps and in where handlers run. The async session: a task on the
caller's loop runs the connection, another one the handlers. The sync session has no event loop; it
keeps two threads, because its API is callbacks: events must be read, pings answered and handlers run
while the caller's thread is elsewhere (in `wait()`, or doing its own work):

- `cozekit-ws-io`: runs the connection after `connect()` opened it on the caller's thread (blocking
  sockets and `selectors`);
- `cozekit-ws-dispatch`: runs the handlers, one at a time in arrival order, so a slow handler never
  stalls the reading and keepalive, and a handler may call `close()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import queue
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import (
    Any,
    AsyncIterator,
    Callable,
    ClassVar,
    FrozenSet,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Type,
    TypeVar,
)

from .._exceptions import APITimeoutError, CozeAPIError, CozeError
from .._models import OpenEnum
from ..types.websocket import WebsocketsEvent
from ._connection import Connection, Item, SocketLink, StreamLink, WebsocketsOptions
from ._dispatch import (
    CLIENT_ERROR,
    CLOSED,
    ERROR,
    RECONNECTED,
    EventKey,
    EventTable,
    Fatal,
    NotConnectedError,
    Router,
    WaitState,
    dump_event,
    handler_table,
    key_of,
)

__all__ = [
    "AsyncWebsocketsBaseClient",
    "AsyncWebsocketsBaseEventHandler",
    "Endpoint",
    "WebsocketsBaseClient",
    "WebsocketsBaseEventHandler",
]

log = logging.getLogger("cozekit")

_T = TypeVar("_T")


@dataclass(frozen=True)
class Endpoint:
    """Where and how to connect: the full `ws(s)://` URL and the handshake headers."""

    url: str
    headers: Callable[[], Any]
    """The handshake headers (auth included): a dict, or for an async client an awaitable of one."""
    user_agent: str
    on_handshake_error: Optional[Callable[[CozeAPIError], None]] = None
    strict: bool = False
    """Read events strictly (the client's `strict_validation`)."""
    runner: Any = None
    """The REST client whose runner runs the connection's flows (`_run`)."""


class SessionState(OpenEnum):
    INITIALIZED = "initialized"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    CLOSING = "closing"
    CLOSED = "closed"


class WebsocketsBaseEventHandler:
    """Base of the sync handler classes: override `on_<event>` methods. By default an `error` event and a
    client error (invalid frame, lost connection) are raised, so `wait()` raises them."""

    def on_client_error(self, cli: Any, e: Exception) -> None:
        raise e

    def on_error(self, cli: Any, e: CozeAPIError) -> None:
        raise e

    def on_closed(self, cli: Any) -> None:
        pass

    def on_reconnected(self, cli: Any) -> None:
        """After a reconnect (see `ReconnectPolicy`); the session configuration was already resent."""


class AsyncWebsocketsBaseEventHandler:
    """The async twin of `WebsocketsBaseEventHandler` (handlers are coroutines)."""

    async def on_client_error(self, cli: Any, e: Exception) -> None:
        raise e

    async def on_error(self, cli: Any, e: CozeAPIError) -> None:
        raise e

    async def on_closed(self, cli: Any) -> None:
        pass

    async def on_reconnected(self, cli: Any) -> None:
        pass


class _Session:
    """What both clients share: configuration, handler table, router, wait state."""

    _path: ClassVar[str] = ""
    _event_table: ClassVar[EventTable] = {}
    _wait_events: ClassVar[Sequence[str]] = ()
    _update_events: ClassVar[FrozenSet[str]] = frozenset()
    _fatal: ClassVar[Mapping[str, Fatal]] = {}

    State: ClassVar[Type[SessionState]] = SessionState

    def __init__(
        self, endpoint: Endpoint, on_event: Any, options: Optional[WebsocketsOptions] = None
    ) -> None:
        self._endpoint = endpoint
        self._options = options or WebsocketsOptions()
        self._handlers = handler_table(on_event, self._event_table)
        self._router = Router(self._event_table, endpoint.strict)
        self._waits = WaitState(self._fatal)
        self._state = SessionState.INITIALIZED
        self._closed_reported = False
        self._connection: Optional[Connection] = None

    @property
    def state(self) -> SessionState:
        return self._state

    @property
    def url(self) -> str:
        return self._endpoint.url

    @property
    def logid(self) -> str:
        """The `x-tt-logid` of the WebSocket handshake."""
        return self._connection.logid if self._connection is not None else ""

    def on(self, event_type: EventKey, handler: Callable[..., Any]) -> None:
        """Set the handler of one event type (replacing any before)."""
        self._handlers[key_of(event_type)] = handler

    def _wait_keys(self, events: Optional[Sequence[EventKey]]) -> List[str]:
        keys = [key_of(e) for e in (events if events is not None else self._wait_events)]
        if not keys:
            raise ValueError("wait() needs at least one event type")
        return keys

    def _limit(self, timeout: Optional[float]) -> float:
        return self._options.wait_timeout if timeout is None else timeout

    def _timed_out(self, keys: Sequence[str], limit: float) -> APITimeoutError:
        return APITimeoutError(f"no {', '.join(keys)} within {limit}s on {self._path} (logid: {self.logid})")

    def _check_sendable(self) -> None:
        if self._state != SessionState.CONNECTED or self._waits.ended:
            raise NotConnectedError(f"cannot send on a WebSocket that is {self._state.value}")

    def _handler_for(self, key: str) -> Optional[Callable[..., Any]]:
        if key == CLOSED:
            if self._closed_reported:
                return None
            self._closed_reported = True
        return self._handlers.get(key)

    def _handle(self, key: str, arg: Any) -> Any:
        """Call the handler of `key` (`CLOSED` and `RECONNECTED` get only the client) and return what it
        returned; without a handler an error event raises its error, others are dropped."""
        handler = self._handler_for(key)
        if handler is None:
            if key in (ERROR, CLIENT_ERROR):
                raise arg
            return None
        return handler(self) if key in (CLOSED, RECONNECTED) else handler(self, arg)

    def _connection_for(self, deliver: Callable[[Item], None]) -> Connection:
        return Connection(
            self._endpoint.url,
            self._endpoint.headers,
            self._endpoint.user_agent,
            self._options,
            deliver,
            self._endpoint.on_handshake_error,
        )

    def _payload(self, event: WebsocketsEvent) -> str:
        self._check_sendable()
        log.debug("websocket %s: send %s", self._path, event.event_type)
        return dump_event(event)

    def _send(self, event: WebsocketsEvent) -> None:
        payload = self._payload(event)
        assert self._connection is not None
        self._connection.send(payload, is_update=key_of(event.event_type) in self._update_events)

    def _start_connecting(self) -> None:
        """A session connects once: from `INITIALIZED` to `CONNECTING`."""
        if self._state != SessionState.INITIALIZED:
            raise CozeError(f"cannot connect a WebSocket session that is {self._state.value}")
        self._state = SessionState.CONNECTING


_STOP: Any = object()


class WebsocketsBaseClient(_Session):
    """A synchronous WebSocket session. Use it as a context manager, or `connect()` and `close()`.

    Handlers run on one dispatcher thread, in arrival order. Sends queue the event and return at once.
    """

    def __init__(
        self, endpoint: Endpoint, on_event: Any, options: Optional[WebsocketsOptions] = None
    ) -> None:
        super().__init__(endpoint, on_event, options)
        self._cond = threading.Condition()
        self._inbox: queue.Queue[Any] = queue.Queue()
        self._link: Optional[SocketLink] = None
        self._io: Optional[threading.Thread] = None
        self._dispatcher: Optional[threading.Thread] = None

    # -- lifecycle ------------------------------------------------------------------------------------

    def connect(self) -> None:
        """Open the connection (each attempt bounded by `connect_timeout`); raises the handshake's typed
        error."""
        self._start_connecting()
        link = self._link = SocketLink()
        connection = self._connection_for(self._inbox.put)
        connection.wake = link.wake
        runner = self._endpoint.runner
        try:
            protocol = runner._run(connection.open_flow(), perform=link.perform)
        except BaseException:
            self._state = SessionState.CLOSED
            link.dispose()
            raise
        self._connection = connection
        self._dispatcher = threading.Thread(
            target=self._dispatch_loop, name="cozekit-ws-dispatch", daemon=True
        )
        self._io = threading.Thread(
            target=self._run_connection,
            args=(runner, connection, protocol, link),
            name="cozekit-ws-io",
            daemon=True,
        )
        # connected before any handler runs: a handler may close the session at once, and that close
        # must not be overwritten here (the I/O thread starts first, so a close can join it)
        self._state = SessionState.CONNECTED
        self._io.start()
        self._dispatcher.start()

    def _run_connection(self, runner: Any, connection: Connection, protocol: Any, link: SocketLink) -> None:
        try:
            runner._run(connection.run_flow(protocol), perform=link.perform)
        except Exception as exc:  # a bug: report it as the session's failure, then the close
            log.debug("websocket %s: connection failed: %r", self._path, exc)
            self._inbox.put(("lost", exc))
            self._inbox.put(("closed", None))

    def close(self) -> None:
        """Flush queued events, close the connection and stop the threads; bounded by `close_timeout`."""
        if self._state not in (SessionState.CONNECTED, SessionState.CONNECTING):
            return
        self._state = SessionState.CLOSING
        assert self._link is not None and self._connection is not None and self._io is not None
        self._connection.close()
        if threading.current_thread() is not self._io:
            self._io.join(self._options.close_timeout * 3 + 1)
        if self._io.is_alive():  # the peer stalls the close: drop the socket, wake the I/O thread
            self._link.abort()
            self._link.wake()
            self._inbox.put(("closed", None))
        self._inbox.put(_STOP)
        if self._dispatcher is not None and threading.current_thread() is not self._dispatcher:
            self._dispatcher.join(self._options.close_timeout)
        if not self._io.is_alive():
            self._link.dispose()
        self._state = SessionState.CLOSED

    @contextlib.contextmanager
    def __call__(self) -> Iterator[Any]:
        """`with client() as c:` connects and always closes (cozepy's style)."""
        self.connect()
        try:
            yield self
        finally:
            self.close()

    def __enter__(self: _Self) -> _Self:
        if self._state == SessionState.INITIALIZED:
            self.connect()
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    # -- events ---------------------------------------------------------------------------------------

    def _dispatch_loop(self) -> None:
        while True:
            item = self._inbox.get()
            if item is _STOP:
                return
            for key, arg in self._router.route(item):
                self._call(key, arg)
                with self._cond:
                    self._waits.record(key, arg)
                    self._cond.notify_all()

    def _call(self, key: str, arg: Any) -> None:
        try:
            self._handle(key, arg)
        except Exception as exc:
            log.debug("websocket %s: session failed: %r", self._path, exc)
            with self._cond:
                self._waits.fail(exc)
                self._cond.notify_all()

    def wait(
        self,
        events: Optional[Sequence[EventKey]] = None,
        wait_all: bool = True,
        *,
        timeout: Optional[float] = None,
    ) -> None:
        """Block until `events` (by default the endpoint's completion event) have arrived, each once.

        Raises the session's failure (an `error` event, a handler's exception, a lost connection),
        `APIConnectionError` if the connection closes first, `APITimeoutError` after `timeout` seconds
        (default: `options.wait_timeout`). Each arrival satisfies one wait.
        """
        if threading.current_thread() is self._dispatcher:
            raise CozeError("wait() cannot be called from an event handler")
        if self._state == SessionState.INITIALIZED:
            raise CozeError("connect() before wait()")
        keys = self._wait_keys(events)
        limit = self._limit(timeout)
        deadline = time.monotonic() + limit
        with self._cond:
            generation = self._waits.generation
            while not self._waits.check(keys, wait_all, generation):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise self._timed_out(keys, limit)
                self._cond.wait(remaining)


class AsyncWebsocketsBaseClient(_Session):
    """An asynchronous WebSocket session on the caller's event loop. `async with` it, or `await
    connect()` and `await close()`. Handlers (sync or async callables) run in arrival order on one task."""

    def __init__(
        self, endpoint: Endpoint, on_event: Any, options: Optional[WebsocketsOptions] = None
    ) -> None:
        super().__init__(endpoint, on_event, options)
        self._inbox: Optional[asyncio.Queue[Any]] = None
        self._changed: Optional[asyncio.Event] = None
        self._dispatcher: Optional[asyncio.Task[None]] = None
        self._link: Optional[StreamLink] = None
        self._io: Optional[asyncio.Future[Any]] = None

    async def connect(self) -> None:
        self._start_connecting()
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        self._inbox = inbox
        self._changed = asyncio.Event()
        link = self._link = StreamLink()
        connection = self._connection_for(inbox.put_nowait)
        connection.wake = link.wake
        runner = self._endpoint.runner
        try:
            protocol = await runner._run(connection.open_flow(), perform=link.perform)
        except BaseException:
            self._state = SessionState.CLOSED
            link.abort()
            raise
        self._connection = connection
        self._dispatcher = asyncio.ensure_future(self._dispatch_loop())
        self._io = asyncio.ensure_future(self._run_connection(runner, connection, protocol, link))
        self._state = SessionState.CONNECTED

    async def _run_connection(
        self, runner: Any, connection: Connection, protocol: Any, link: StreamLink
    ) -> None:
        assert self._inbox is not None
        try:
            await runner._run(connection.run_flow(protocol), perform=link.perform)
        except Exception as exc:  # a bug: report it as the session's failure, then the close
            log.debug("websocket %s: connection failed: %r", self._path, exc)
            self._inbox.put_nowait(("lost", exc))
            self._inbox.put_nowait(("closed", None))

    async def close(self) -> None:
        if self._state not in (SessionState.CONNECTED, SessionState.CONNECTING):
            return
        self._state = SessionState.CLOSING
        assert self._connection is not None and self._inbox is not None
        assert self._io is not None and self._link is not None
        self._connection.close()
        try:
            await asyncio.wait_for(asyncio.shield(self._io), self._options.close_timeout * 3 + 1)
        except (asyncio.TimeoutError, Exception):
            self._io.cancel()
            self._link.abort()
            self._inbox.put_nowait(("closed", None))
        self._inbox.put_nowait(_STOP)
        task = self._dispatcher
        if task is not None and task is not asyncio.current_task():
            try:
                await asyncio.wait_for(asyncio.shield(task), self._options.close_timeout)
            except (asyncio.TimeoutError, Exception):
                task.cancel()
        self._state = SessionState.CLOSED

    @contextlib.asynccontextmanager
    async def __call__(self) -> AsyncIterator[Any]:
        await self.connect()
        try:
            yield self
        finally:
            await self.close()

    async def __aenter__(self: _ASelf) -> _ASelf:
        if self._state == SessionState.INITIALIZED:
            await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()

    async def _dispatch_loop(self) -> None:
        assert self._inbox is not None and self._changed is not None
        while True:
            item = await self._inbox.get()
            if item is _STOP:
                return
            for key, arg in self._router.route(item):
                await self._call(key, arg)
                self._waits.record(key, arg)
                self._changed.set()

    async def _call(self, key: str, arg: Any) -> None:
        try:
            result = self._handle(key, arg)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            log.debug("websocket %s: session failed: %r", self._path, exc)
            self._waits.fail(exc)
            assert self._changed is not None
            self._changed.set()

    async def wait(
        self,
        events: Optional[Sequence[EventKey]] = None,
        wait_all: bool = True,
        *,
        timeout: Optional[float] = None,
    ) -> None:
        """The async twin of `WebsocketsBaseClient.wait`."""
        if self._dispatcher is not None and asyncio.current_task() is self._dispatcher:
            raise CozeError("wait() cannot be awaited from an event handler")
        if self._state == SessionState.INITIALIZED or self._changed is None:
            raise CozeError("connect() before wait()")
        keys = self._wait_keys(events)
        limit = self._limit(timeout)
        deadline = time.monotonic() + limit
        generation = self._waits.generation
        while not self._waits.check(keys, wait_all, generation):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._timed_out(keys, limit)
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                continue


_Self = TypeVar("_Self", bound=WebsocketsBaseClient)
_ASelf = TypeVar("_ASelf", bound=AsyncWebsocketsBaseClient)
