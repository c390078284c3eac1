"""The voice helpers' WebSocket work written once, as generators of steps (like `_flow.py` for REST).

A voice flow yields `Send(method, data)` (call the session's uplink method), `Receive(deadline)` (the next
server event, waiting at most until the deadline), `Poll()` (the next event if one is already there, else
None), `Pull()` (the next audio chunk of the source, None at its end), `Sleep(seconds)`, `Emit(item)`
(hand an item to the caller) and `Invoke(function)` (its result is sent into the flow, an exception it
raises is thrown into it); `Sleep` and `Invoke` are the REST flows' steps (`_flow.py`), with one meaning.
`drive_sync` and `drive_async` perform the steps; events reach them through a `SyncPump`/`AsyncPump`, the
session's handlers, so errors and closes arrive in order with the events. They are not the client's
runner: a voice flow runs on a WebSocket session and emits items to its caller as it goes.
"""

from __future__ import annotations

import asyncio
import queue
import time
from dataclasses import dataclass
from typing import (
    Any,
    AsyncIterator,
    Callable,
    Dict,
    Generator,
    Iterator,
    Optional,
    Tuple,
    Union,
)

from .._exceptions import APIConnectionError, APITimeoutError
from .._flow import Invoke, Sleep, invoke_async, invoke_sync
from ..types.websocket import WebsocketsEventType

# Plain strings: importing `websockets` (the library) waits until a session is actually opened.
CLIENT_ERROR = WebsocketsEventType.CLIENT_ERROR.value
CLOSED = WebsocketsEventType.CLOSED.value
ERROR = WebsocketsEventType.ERROR.value
RECONNECTED = "reconnected"
WAKE = "wake"
ASYNC_HELPER = "the async helper (e.g. AsyncVoiceChat)"

__all__ = [
    "ASYNC_HELPER",
    "AsyncPump",
    "Emit",
    "Event",
    "Invoke",
    "Poll",
    "Pull",
    "Receive",
    "Send",
    "Sleep",
    "SyncPump",
    "VoiceFlow",
    "drive_async",
    "drive_sync",
    "lost",
]

Event = Tuple[str, Any]
"""(event type, typed event); ("error", CozeAPIError), ("client_error", exc), ("closed", None)..."""


@dataclass(frozen=True)
class Send:
    method: str
    data: Any = None


@dataclass(frozen=True)
class Receive:
    deadline: float
    """A `time.monotonic()` value."""
    what: str = "an answer"
    or_none: bool = False
    """At the deadline, send None into the flow instead of raising `APITimeoutError`."""


@dataclass(frozen=True)
class Poll:
    pass


@dataclass(frozen=True)
class Pull:
    pass


@dataclass(frozen=True)
class Emit:
    item: Any


Step = Union[Send, Receive, Poll, Pull, Sleep, Emit, Invoke]
VoiceFlow = Generator[Step, Any, None]


def lost(key: str, arg: Any, path: str) -> Optional[BaseException]:
    """The exception a flow raises for an error, a client error, a close or a reconnect (None otherwise)."""
    if key in (ERROR, CLIENT_ERROR):
        return arg if isinstance(arg, BaseException) else APIConnectionError(str(arg))
    if key == CLOSED:
        return APIConnectionError(f"the WebSocket {path} closed before the answer was complete")
    if key == RECONNECTED:
        return APIConnectionError(f"the WebSocket {path} reconnected mid-turn; the turn was lost")
    return None


def _timeout(step: Receive, path: str) -> APITimeoutError:
    return APITimeoutError(f"{path}: no {step.what} before the timeout")


def _handlers(client: Any, put: Callable[[Event], None]) -> Dict[str, Callable[..., None]]:
    def putter(key: str) -> Callable[[Any, Any], None]:
        return lambda cli, event: put((key, event))

    table: Dict[str, Callable[..., None]] = {
        key: putter(key) for key in (*client._event_table, ERROR, CLIENT_ERROR)
    }
    table[CLOSED] = lambda cli: put((CLOSED, None))
    table[RECONNECTED] = lambda cli: put((RECONNECTED, None))
    return table


class SyncPump:
    """The sync session's handlers put every event on a thread-safe queue; the driver takes them."""

    def __init__(self) -> None:
        self._queue: queue.Queue[Event] = queue.Queue()

    def attach(self, client: Any) -> None:
        """Become the handler of every event of `client` (a session not yet connected)."""
        for key, handler in _handlers(client, self._queue.put).items():
            client.on(key, handler)

    def get(self, timeout: float) -> Optional[Event]:
        try:
            return self._queue.get(timeout=timeout) if timeout > 0 else self._queue.get_nowait()
        except queue.Empty:
            return None

    def discard(self) -> None:
        """Drop what is queued (stale events of an abandoned turn)."""
        while self.get(0) is not None:
            pass

    def wake(self) -> None:
        """Make a waiting `Receive` return (a `("wake", None)` event), e.g. after an interrupt."""
        self._queue.put((WAKE, None))


class AsyncPump:
    """The async twin of `SyncPump` (an `asyncio.Queue` on the caller's loop)."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Event] = asyncio.Queue()

    def attach(self, client: Any) -> None:
        for key, handler in _handlers(client, self._queue.put_nowait).items():
            client.on(key, handler)

    async def get(self, timeout: float) -> Optional[Event]:
        if timeout <= 0:
            try:
                return self._queue.get_nowait()
            except asyncio.QueueEmpty:
                return None
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except asyncio.TimeoutError:
            return None

    def discard(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()

    def wake(self) -> None:
        self._queue.put_nowait((WAKE, None))


def drive_sync(
    client: Any, pump: SyncPump, flow: VoiceFlow, source: Optional[Iterator[bytes]] = None
) -> Iterator[Any]:
    """Run `flow` on a connected sync session; yields what the flow emits."""
    value: Any = None
    thrown: Optional[Exception] = None
    path = getattr(client, "_path", "")
    while True:
        try:
            step = flow.send(value) if thrown is None else flow.throw(thrown)
        except StopIteration:
            return
        value, thrown = None, None
        if isinstance(step, Emit):
            yield step.item
        elif isinstance(step, Invoke):
            try:
                value = invoke_sync(step)
            except Exception as exc:
                thrown = exc
        elif isinstance(step, Send):
            method = getattr(client, step.method)
            if step.data is None:
                method()
            else:
                method(step.data)
        elif isinstance(step, Receive):
            value = pump.get(max(0.0, step.deadline - time.monotonic()) or 1e-3)
            if value is None and not step.or_none:
                raise _timeout(step, path)
        elif isinstance(step, Poll):
            value = pump.get(0)
        elif isinstance(step, Pull):
            value = next(source, None) if source is not None else None
        else:
            time.sleep(step.seconds)


async def drive_async(
    client: Any,
    pump: AsyncPump,
    flow: VoiceFlow,
    source: Union[AsyncIterator[bytes], Iterator[bytes], None] = None,
) -> AsyncIterator[Any]:
    """The async twin of `drive_sync`; `source` may be a sync or an async iterator."""
    value: Any = None
    thrown: Optional[Exception] = None
    path = getattr(client, "_path", "")
    while True:
        try:
            step = flow.send(value) if thrown is None else flow.throw(thrown)
        except StopIteration:
            return
        value, thrown = None, None
        if isinstance(step, Emit):
            yield step.item
        elif isinstance(step, Invoke):
            try:
                value = await invoke_async(step)
            except Exception as exc:
                thrown = exc
        elif isinstance(step, Send):
            method = getattr(client, step.method)
            if step.data is None:
                await method()
            else:
                await method(step.data)
        elif isinstance(step, Receive):
            value = await pump.get(max(0.0, step.deadline - time.monotonic()) or 1e-3)
            if value is None and not step.or_none:
                raise _timeout(step, path)
        elif isinstance(step, Poll):
            value = await pump.get(0)
        elif isinstance(step, Pull):
            value = await _next_chunk(source)
        else:
            await asyncio.sleep(step.seconds)


async def _next_chunk(source: Union[AsyncIterator[bytes], Iterator[bytes], None]) -> Optional[bytes]:
    if source is None:
        return None
    if isinstance(source, Iterator):
        return next(source, None)
    try:
        return await source.__anext__()
    except StopAsyncIteration:
        return None
