"""One WebSocket connection on an asyncio loop: handshake with auth headers, an ordered outbox, a reader
that hands every frame to a callback, keepalive pings, a bounded reconnect policy and a close that
always finishes within its timeout (the transport is aborted when the peer does not answer)."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple, Union

import httpx
import websockets as _ws
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as _ws_connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidStatus

from .._envelope import error_from_body
from .._exceptions import APIConnectionError, APITimeoutError, CozeAPIError, CozeError, ServerError

__all__ = ["Connection", "Item", "ReconnectPolicy", "WebsocketsOptions"]

log = logging.getLogger("cozekit")

Item = Tuple[str, Any]
"""What the reader delivers: ("message", text), ("reconnected", None), ("lost", error), ("closed", None)."""


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


HeadersFactory = Callable[[], Awaitable[Dict[str, str]]]


def _handshake_error(exc: InvalidStatus) -> CozeAPIError:
    response = exc.response
    headers = httpx.Headers(list(response.headers.raw_items()))
    text = response.body.decode("utf-8", "replace") if response.body else ""
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    return error_from_body(response.status_code, headers, body, text)


class Connection:
    """Lives on one event loop; `deliver` is called on that loop for every item."""

    def __init__(
        self,
        url: str,
        headers: HeadersFactory,
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
        self._ws: Optional[ClientConnection] = None
        self._outbox: asyncio.Queue[Optional[str]] = asyncio.Queue()
        self._reader: Optional[asyncio.Task[None]] = None
        self._writer: Optional[asyncio.Task[None]] = None
        self._closing = False
        self._done = False
        self._socket_changed = asyncio.Condition()
        self.last_update: Optional[str] = None
        """The last session configuration sent, resent after a reconnect."""
        self.response_headers: Optional[httpx.Headers] = None

    @property
    def logid(self) -> str:
        return str(self.response_headers.get("x-tt-logid", "")) if self.response_headers else ""

    # -- opening --------------------------------------------------------------------------------------

    async def _connect_once(self) -> ClientConnection:
        headers = await self._headers()
        opts = self._options
        try:
            ws = await asyncio.wait_for(
                _ws_connect(
                    self.url,
                    additional_headers=headers,
                    user_agent_header=self._user_agent,
                    open_timeout=None,
                    ping_interval=opts.ping_interval,
                    ping_timeout=opts.ping_timeout,
                    close_timeout=opts.close_timeout,
                    max_size=opts.max_message_bytes,
                ),
                timeout=opts.connect_timeout,
            )
        except asyncio.TimeoutError:
            raise APITimeoutError(
                f"the WebSocket handshake with {self.url} took longer than {opts.connect_timeout}s"
            ) from None
        except InvalidStatus as exc:
            err = _handshake_error(exc)
            if self._on_error is not None:
                self._on_error(err)
            raise err from exc
        except (OSError, _ws.exceptions.WebSocketException) as exc:
            raise APIConnectionError(f"could not open a WebSocket to {self.url}: {exc}") from exc
        response = ws.response
        self.response_headers = (
            httpx.Headers(list(response.headers.raw_items())) if response is not None else None
        )
        log.debug("websocket: connected to %s (logid %s)", self.url, self.logid)
        return ws

    async def _connect(self) -> ClientConnection:
        policy = self._options.reconnect
        attempt = 0
        while True:
            try:
                return await self._connect_once()
            except (APIConnectionError, ServerError) as exc:
                if attempt >= policy.max_attempts or self._closing:
                    raise
                delay = policy.delay(attempt)
                log.debug("websocket: connect failed (%s); retry in %.2fs", exc, delay)
                attempt += 1
                await asyncio.sleep(delay)

    async def open(self) -> None:
        self._ws = await self._connect()
        self._writer = asyncio.ensure_future(self._write_loop())
        self._reader = asyncio.ensure_future(self._read_loop())

    # -- sending --------------------------------------------------------------------------------------

    def send(self, payload: str, *, is_update: bool = False) -> None:
        """Queue one frame (call on the connection's loop). Frames go out in order."""
        if is_update:
            self.last_update = payload
        self._outbox.put_nowait(payload)

    async def _write_loop(self) -> None:
        payload: Optional[str] = None
        while True:
            if payload is None:
                payload = await self._outbox.get()
                if payload is None:
                    return
            ws = self._ws
            assert ws is not None
            try:
                await ws.send(payload)
                payload = None
            except ConnectionClosed:
                # Keep the frame: after a reconnect it goes out on the new socket, in order.
                async with self._socket_changed:
                    await self._socket_changed.wait_for(
                        lambda old=ws: self._ws is not old or self._done or self._closing  # type: ignore[misc]
                    )
                if self._done or self._closing:
                    return

    async def _replace_socket(self, ws: Optional[ClientConnection]) -> None:
        async with self._socket_changed:
            if ws is None:
                self._done = True
            else:
                self._ws = ws
            self._socket_changed.notify_all()

    # -- reading --------------------------------------------------------------------------------------

    async def _read_loop(self) -> None:
        attempt = 0
        while True:
            ws = self._ws
            assert ws is not None
            try:
                async for message in ws:
                    attempt = 0
                    self._deliver(("message", message))
                await self._replace_socket(None)
                self._deliver(("closed", None))
                return
            except ConnectionClosedOK:
                await self._replace_socket(None)
                self._deliver(("closed", None))
                return
            except ConnectionClosed as exc:
                if self._closing:
                    await self._replace_socket(None)
                    self._deliver(("closed", None))
                    return
                error: Union[CozeError, Exception] = APIConnectionError(
                    f"the WebSocket connection to {self.url} was lost: {exc}"
                )
                if attempt < self._options.reconnect.max_attempts:
                    await asyncio.sleep(self._options.reconnect.delay(attempt))
                    attempt += 1
                    try:
                        fresh = await self._connect_once()
                    except CozeError as again:
                        error = again
                    else:
                        if self.last_update is not None:
                            await fresh.send(self.last_update)
                        await self._replace_socket(fresh)
                        self._deliver(("reconnected", None))
                        continue
                await self._replace_socket(None)
                self._deliver(("lost", error))
                self._deliver(("closed", None))
                return

    # -- closing --------------------------------------------------------------------------------------

    async def close(self) -> None:
        """Flush the outbox, then close; never takes much longer than twice `close_timeout`."""
        if self._closing:
            return
        self._closing = True
        timeout = self._options.close_timeout
        self._outbox.put_nowait(None)
        async with self._socket_changed:
            self._socket_changed.notify_all()
        if self._writer is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._writer), timeout)
            except (asyncio.TimeoutError, Exception):
                self._writer.cancel()
        ws = self._ws
        if ws is not None:
            try:
                await asyncio.wait_for(ws.close(), timeout)
            except (asyncio.TimeoutError, Exception):
                ws.transport.abort()
        if self._reader is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._reader), timeout)
            except (asyncio.TimeoutError, Exception):
                self._reader.cancel()
                self._deliver(("closed", None))
