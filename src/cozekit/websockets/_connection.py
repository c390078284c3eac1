"""One WebSocket connection written once, sans I/O, for the sync and the async session: the handshake
with auth headers, an ordered outbox, every frame handed to a callback, keepalive pings, a bounded
reconnect policy and a close that always finishes within its timeout.

`Connection.open_flow()` and `Connection.run_flow(protocol)` are flows (`_flow.py`) driving the
`websockets` library's sans-I/O `ClientProtocol`; they yield the socket steps below and `Invoke` (the
handshake headers, which may need a token). The client's runner performs them with a `Link`:
`SocketLink` (blocking sockets and `selectors`, for the sync session) or `StreamLink` (asyncio streams).

- `Dial(host, port, tls, timeout)`: open the TCP connection (and TLS);
- `Write(data)`: write all of `data`;
- `Read(timeout)`: the next bytes (b"" at the end of the stream), or None when `timeout` passed or the
  link was woken (a send or a close request: see `Link.wake`);
- `Pause(seconds)`: wait `seconds`, or less if woken;
- `Hangup()`: close the socket.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import os
import selectors
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any, Callable, Deque, Generator, List, Optional, Tuple, TypeVar, Union

import httpx
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosedOK, InvalidStatus, InvalidURI
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.uri import parse_uri

from .._envelope import error_from_body
from .._exceptions import APIConnectionError, APITimeoutError, CozeAPIError, CozeError, ServerError
from .._flow import Invoke, invoke_async, invoke_sync

__all__ = [
    "Connection",
    "Item",
    "Link",
    "ReconnectPolicy",
    "SocketLink",
    "StreamLink",
    "WebsocketsOptions",
]

log = logging.getLogger("cozekit")

Item = Tuple[str, Any]
"""What the connection delivers: ("message", text), ("reconnected", None), ("lost", error), ("closed",
None)."""


@dataclass(frozen=True)
class ReconnectPolicy:
    """Reconnects after an unexpected drop (and retries a failed first connect): at most `max_attempts`,
    waiting `initial_delay * 2**n` (capped at `max_delay`) between tries. Off by default. Refusals of the
    handshake (4xx: bad token, no permission) are never retried. After a reconnect the last session
    configuration (`*.update` event) is sent again; a `wait()` in progress raises, its turn being lost."""

    max_attempts: int = 0
    initial_delay: float = 0.5
    max_delay: float = 8.0

    def __post_init__(self) -> None:
        if self.max_attempts < 0:
            raise ValueError("max_attempts must be >= 0")

    def delay(self, attempt: int) -> float:
        return float(min(self.max_delay, self.initial_delay * (2**attempt)))


@dataclass(frozen=True)
class WebsocketsOptions:
    """Timeouts (seconds) and keepalive of a WebSocket session."""

    connect_timeout: float = 10.0
    """The TCP connect, TLS and HTTP upgrade together."""
    wait_timeout: float = 600.0
    """The default for `wait()`."""
    close_timeout: float = 5.0
    """How long `close()` waits for the outbox to flush and the closing handshake."""
    ping_interval: Optional[float] = 20.0
    """Send a ping this often (None: never)."""
    ping_timeout: Optional[float] = 20.0
    """Drop the connection when a pong takes longer (None: never)."""
    reconnect: ReconnectPolicy = ReconnectPolicy()
    max_message_bytes: Optional[int] = 16 * 1024 * 1024


# -- the steps ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dial:
    host: str
    port: int
    tls: Optional[ssl.SSLContext]
    timeout: float


@dataclass(frozen=True)
class Write:
    data: bytes


@dataclass(frozen=True)
class Read:
    timeout: Optional[float]


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Hangup:
    pass


Step = Union[Dial, Write, Read, Pause, Hangup, Invoke]
_R = TypeVar("_R")
WireFlow = Generator[Step, Any, _R]


def _handshake_error(exc: InvalidStatus) -> CozeAPIError:
    response = exc.response
    headers = httpx.Headers(list(response.headers.raw_items()))
    text = response.body.decode("utf-8", "replace") if response.body else ""
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    return error_from_body(response.status_code, headers, body, text)


class _Lost(Exception):
    """The socket failed or the peer went away without a proper close."""


class Connection:
    """The connection's state, shared by its flow and the session (which may be on another thread):
    `send` and `close` only queue and wake, the flow does the rest. `deliver` gets every `Item`, on the
    thread or task that runs the flow, in order."""

    def __init__(
        self,
        url: str,
        headers: Callable[[], Any],
        user_agent: str,
        options: WebsocketsOptions,
        deliver: Callable[[Item], None],
        on_error: Optional[Callable[[CozeAPIError], None]] = None,
    ) -> None:
        self.url = url
        self._headers = headers
        self._user_agent = user_agent
        self._options = options
        self._deliver = deliver
        self._on_error = on_error
        self._outbox: Deque[str] = collections.deque()
        self._early: List[Any] = []
        self._heard = False
        self.closing = False
        self.wake: Callable[[], None] = lambda: None
        """Set by the link that performs the flow: makes a waiting `Read`/`Pause` return."""
        self.last_update: Optional[str] = None
        """The last session configuration sent, resent after a reconnect."""
        self.response_headers: Optional[httpx.Headers] = None

    @property
    def logid(self) -> str:
        return str(self.response_headers.get("x-tt-logid", "")) if self.response_headers else ""

    def send(self, payload: str, *, is_update: bool = False) -> None:
        """Queue one frame (from any thread). Frames go out in order; a frame not yet written when the
        connection drops goes out after a reconnect."""
        if is_update:
            self.last_update = payload
        self._outbox.append(payload)
        self.wake()

    def close(self) -> None:
        """Ask the flow to flush the outbox, close the connection and end (from any thread)."""
        self.closing = True
        self.wake()

    # -- opening --------------------------------------------------------------------------------------

    def open_flow(self) -> WireFlow[ClientProtocol]:
        """Connect (retrying per the reconnect policy); the flow's result is the open protocol."""
        policy = self._options.reconnect
        attempt = 0
        while True:
            try:
                return (yield from self._connect_once())
            except (APIConnectionError, ServerError) as exc:
                if attempt >= policy.max_attempts or self.closing:
                    raise
                delay = policy.delay(attempt)
                log.debug("websocket: connect failed (%s); retry in %.2fs", exc, delay)
                attempt += 1
                yield from self._pause(delay)

    def _pause(self, seconds: float) -> WireFlow[None]:
        """Wait `seconds` (a send wakes the link meanwhile: wait on), or until `close()`."""
        deadline = time.monotonic() + seconds
        while not self.closing:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            yield Pause(left)

    def _connect_once(self) -> WireFlow[ClientProtocol]:
        headers = yield Invoke(self._headers)
        timeout = self._options.connect_timeout
        try:
            uri = parse_uri(self.url)
        except InvalidURI as exc:
            raise APIConnectionError(f"could not open a WebSocket to {self.url}: {exc}") from exc
        deadline = time.monotonic() + timeout
        too_slow = f"the WebSocket handshake with {self.url} took longer than {timeout}s"
        tls = ssl.create_default_context() if uri.secure else None
        try:
            yield Dial(uri.host, uri.port, tls, timeout)
        except TimeoutError:  # socket.timeout is its alias
            raise APITimeoutError(too_slow) from None
        except OSError as exc:
            raise APIConnectionError(f"could not open a WebSocket to {self.url}: {exc}") from exc
        protocol = ClientProtocol(uri, max_size=self._options.max_message_bytes)
        request = protocol.connect()
        for name, value in headers.items():
            request.headers[name] = value
        request.headers["User-Agent"] = self._user_agent
        protocol.send_request(request)
        try:
            yield Write(b"".join(protocol.data_to_send()))
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise APITimeoutError(too_slow)
                data = yield Read(remaining)
                if data is None:
                    continue
                if data:
                    protocol.receive_data(data)
                else:
                    protocol.receive_eof()
                events = protocol.events_received()
                if protocol.handshake_exc is not None:
                    raise self._refused(protocol.handshake_exc)
                if events and isinstance(events[0], Response):
                    self._early = events[1:]  # frames that came with the answer
                    self.response_headers = httpx.Headers(list(events[0].headers.raw_items()))
                    log.debug("websocket: connected to %s (logid %s)", self.url, self.logid)
                    return protocol
                if not data:
                    raise APIConnectionError(f"could not open a WebSocket to {self.url}: the server hung up")
        except OSError as exc:
            yield Hangup()
            raise APIConnectionError(f"could not open a WebSocket to {self.url}: {exc}") from exc
        except CozeError:
            yield Hangup()
            raise

    def _refused(self, exc: Exception) -> CozeError:
        if isinstance(exc, InvalidStatus):
            err = _handshake_error(exc)
            if self._on_error is not None:
                self._on_error(err)
            return err
        return APIConnectionError(f"could not open a WebSocket to {self.url}: {exc}")

    # -- running --------------------------------------------------------------------------------------

    def run_flow(self, protocol: ClientProtocol) -> WireFlow[None]:
        """Exchange frames until the connection ends: reconnect after a drop (per the policy), deliver
        `closed` last."""
        attempt = 0
        while True:
            try:
                yield from self._exchange(protocol)
            except _Lost as lost:
                error: Exception = APIConnectionError(
                    f"the WebSocket connection to {self.url} was lost: {lost}"
                )
                yield Hangup()
                if self._heard:  # a message arrived since the last drop
                    attempt, self._heard = 0, False
                if attempt < self._options.reconnect.max_attempts and not self.closing:
                    yield from self._pause(self._options.reconnect.delay(attempt))
                    attempt += 1
                    try:
                        protocol = yield from self._connect_once()
                    except CozeError as again:
                        error = again
                    else:
                        if self.last_update is not None and self.last_update not in self._outbox:
                            self._outbox.appendleft(self.last_update)  # the configuration first, once
                        self._deliver(("reconnected", None))
                        continue
                if not self.closing:
                    self._deliver(("lost", error))
            else:
                yield Hangup()
            self._deliver(("closed", None))
            return

    def _exchange(self, protocol: ClientProtocol) -> WireFlow[None]:
        """Until the connection closes (returns) or drops (raises `_Lost`)."""
        opts = self._options
        events, self._early = self._early, []
        ping_due = time.monotonic() + opts.ping_interval if opts.ping_interval else None
        ping: Optional[bytes] = None
        pong_deadline: Optional[float] = None
        close_deadline: Optional[float] = None
        while True:
            for event in events:
                if isinstance(event, Frame):
                    if event.opcode is Opcode.TEXT:
                        self._heard = True
                        self._deliver(("message", bytes(event.data).decode("utf-8", "replace")))
                    elif event.opcode is Opcode.BINARY:
                        self._heard = True
                        self._deliver(("message", bytes(event.data)))
                    elif event.opcode is Opcode.PONG and ping is not None and event.data == ping:
                        ping, pong_deadline = None, None
                        ping_due = time.monotonic() + opts.ping_interval if opts.ping_interval else None
            framed = 0
            if protocol.state is State.OPEN:
                for payload in list(self._outbox):
                    protocol.send_text(payload.encode("utf-8"))
                    framed += 1
                if self.closing:
                    protocol.send_close(1000)
            if protocol.state is State.CLOSING and close_deadline is None:
                close_deadline = time.monotonic() + opts.close_timeout
            data = b"".join(protocol.data_to_send())
            try:
                if data:
                    yield Write(data)
            except OSError as exc:
                raise _Lost(exc) from exc  # the frames stay queued for the next connection
            for _ in range(framed):
                self._outbox.popleft()
            if protocol.state is State.CLOSED:
                if isinstance(protocol.close_exc, ConnectionClosedOK) or self.closing:
                    return
                raise _Lost(protocol.close_exc)
            now = time.monotonic()
            wake_at = [t for t in (ping_due, pong_deadline, close_deadline) if t is not None]
            try:
                received = yield Read(max(0.0, min(wake_at) - now) if wake_at else None)
            except OSError as exc:
                if self.closing:
                    return
                raise _Lost(exc) from exc
            now = time.monotonic()
            events = []
            if received is None:
                if close_deadline is not None and now >= close_deadline:
                    protocol.receive_eof()  # the peer did not finish the closing handshake in time
                    events = protocol.events_received()
                    continue
                if pong_deadline is not None and now >= pong_deadline:
                    raise _Lost("keepalive ping timeout")
                if ping_due is not None and now >= ping_due and protocol.state is State.OPEN:
                    ping = os.urandom(4)
                    protocol.send_ping(ping)
                    ping_due = None if opts.ping_timeout else now + (opts.ping_interval or 0)
                    pong_deadline = now + opts.ping_timeout if opts.ping_timeout else None
                continue
            if received:
                protocol.receive_data(received)
            else:
                protocol.receive_eof()
            events = protocol.events_received()


# -- links: what performs the steps ------------------------------------------------------------------

_CHUNK = 65536


class Link:
    """Performs a connection flow's socket steps; `wake()` may be called from any thread."""

    def wake(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        """Close the socket at once (a close that did not finish in time)."""
        raise NotImplementedError


class SocketLink(Link):
    """The sync session's link: a blocking-free socket watched with `selectors`, and a socket pair to be
    woken through. Used by one thread at a time (the opening caller, then the session's I/O thread)."""

    def __init__(self) -> None:
        self._sock: Optional[socket.socket] = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)

    def wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"\0")

    def abort(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()

    def dispose(self) -> None:
        self.abort()
        self._wake_r.close()
        self._wake_w.close()

    def perform(self, step: Any) -> Any:
        if isinstance(step, Read):
            return self._read(step.timeout)
        if isinstance(step, Write):
            self._write(step.data)
            return None
        if isinstance(step, Pause):
            self._wait([self._wake_r], step.seconds)
            self._drain_wake()
            return None
        if isinstance(step, Dial):
            self.abort()
            sock = socket.create_connection((step.host, step.port), step.timeout)
            try:
                if step.tls is not None:
                    sock = step.tls.wrap_socket(sock, server_hostname=step.host)
                sock.setblocking(False)
            except BaseException:
                sock.close()
                raise
            self._sock = sock
            return None
        if isinstance(step, Hangup):
            self.abort()
            return None
        return invoke_sync(step)

    def _socket(self) -> socket.socket:
        if self._sock is None:
            raise ConnectionResetError("the socket is closed")
        return self._sock

    def _wait(self, socks: List[socket.socket], timeout: Optional[float]) -> List[Any]:
        with selectors.DefaultSelector() as selector:
            for sock in socks:
                selector.register(sock, selectors.EVENT_READ)
            return [key.fileobj for key, _ in selector.select(timeout)]

    def _drain_wake(self) -> None:
        with contextlib.suppress(OSError):
            while self._wake_r.recv(_CHUNK):
                pass

    def _read(self, timeout: Optional[float]) -> Optional[bytes]:
        sock = self._socket()
        pending = isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
        ready = [sock] if pending else self._wait([sock, self._wake_r], timeout)
        if sock in ready:
            try:
                return sock.recv(_CHUNK)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                return None
        self._drain_wake()
        return None

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            sock = self._socket()
            try:
                sent = sock.send(view)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError, BlockingIOError):
                with selectors.DefaultSelector() as selector:
                    selector.register(sock, selectors.EVENT_WRITE)
                    selector.select(1.0)
                continue
            view = view[sent:]


class StreamLink(Link):
    """The async session's link: asyncio streams on the caller's loop; woken by an `asyncio.Event`."""

    def __init__(self) -> None:
        self._reader: Optional[asyncio.StreamReader] = None
        self._writer: Optional[asyncio.StreamWriter] = None
        self._reading: Optional[asyncio.Future[bytes]] = None
        self._woken = asyncio.Event()

    def wake(self) -> None:
        self._woken.set()

    def abort(self) -> None:
        if self._reading is not None:
            self._reading.cancel()
            self._reading = None
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.transport.abort()

    async def perform(self, step: Any) -> Any:
        if isinstance(step, Read):
            return await self._read(step.timeout)
        if isinstance(step, Write):
            writer = self._writer
            if writer is None:
                raise ConnectionResetError("the socket is closed")
            writer.write(step.data)
            await writer.drain()
            return None
        if isinstance(step, Pause):
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._woken.wait(), step.seconds)
            self._woken.clear()
            return None
        if isinstance(step, Dial):
            self.abort()
            server_hostname = step.host if step.tls is not None else None
            opening = asyncio.open_connection(
                step.host, step.port, ssl=step.tls, server_hostname=server_hostname
            )
            try:
                self._reader, self._writer = await asyncio.wait_for(opening, step.timeout)
            except asyncio.TimeoutError:
                raise TimeoutError(f"no connection within {step.timeout}s") from None
            return None
        if isinstance(step, Hangup):
            self.abort()
            return None
        return await invoke_async(step)

    async def _read(self, timeout: Optional[float]) -> Optional[bytes]:
        reader = self._reader
        if reader is None or self._writer is None:
            raise ConnectionResetError("the socket is closed")
        if self._reading is None:
            self._reading = asyncio.ensure_future(reader.read(_CHUNK))
        reading: asyncio.Future[Any] = self._reading
        woken: asyncio.Future[Any] = asyncio.ensure_future(self._woken.wait())
        try:
            await asyncio.wait({reading, woken}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
        if reading.done():
            self._reading = None
            data: bytes = reading.result()
            return data
        self._woken.clear()
        return None
