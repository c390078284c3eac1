"""The voice helpers' WebSocket work written once, as flows of `_flow.py` steps run by the client's runner
(`coze.iter_flow(flow)`, `async for ... in coze.iter_flow(flow)`), the runner of every other flow.

A voice flow talks to its session through a `VoiceIO`, whose methods make the steps: `send(method,
data)` calls the session's uplink method, `poll()` takes the next server event if one is already there
(else None), `pull()` the next audio chunk of the source (None at its end): each an `Invoke`, so a sync
session's methods are called and an async session's awaited; `receive(deadline)` is a sub-flow (`yield
from`) waiting for the next event at most until the deadline. Pacing is `Sleep`, items for the caller are
`Emit`. Events reach the flow through a `SyncPump`/`AsyncPump`, the session's handlers, so errors and
closes arrive in order with the events.
"""

from __future__ import annotations

import asyncio
import functools
import queue
import time
from typing import Any, AsyncIterator, Callable, Dict, Iterator, Optional, Tuple, Union

from .._exceptions import APIConnectionError, APITimeoutError
from .._flow import Emit, Flow, Invoke, Sleep
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
    "Sleep",
    "SyncPump",
    "VoiceFlow",
    "VoiceIO",
    "lost",
]

Event = Tuple[str, Any]
"""(event type, typed event); ("error", CozeAPIError), ("client_error", exc), ("closed", None)..."""


VoiceFlow = Flow[None]


def lost(key: str, arg: Any, path: str) -> Optional[BaseException]:
    """The exception a flow raises for an error, a client error, a close or a reconnect (None otherwise)."""
    if key in (ERROR, CLIENT_ERROR):
        return arg if isinstance(arg, BaseException) else APIConnectionError(str(arg))
    if key == CLOSED:
        return APIConnectionError(f"the WebSocket {path} closed before the answer was complete")
    if key == RECONNECTED:
        return APIConnectionError(f"the WebSocket {path} reconnected mid-turn; the turn was lost")
    return None


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
    """The sync session's handlers put every event on a thread-safe queue; the flow takes them (`VoiceIO`)."""

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
        """Make a waiting `receive` return (a `("wake", None)` event), e.g. after an interrupt."""
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


class VoiceIO:
    """The steps a voice flow takes on its session (sync or async), its pump and its audio `source`."""

    def __init__(self, session: Any, pump: Union[SyncPump, AsyncPump], source: Any = None) -> None:
        self._session = session
        self._pump = pump
        self._source = source
        self._path = getattr(session, "_path", "")

    def send(self, method: str, data: Any = None) -> Invoke:
        """Call the session's uplink `method` (with `data` unless None)."""
        function = getattr(self._session, method)
        return Invoke(function if data is None else functools.partial(function, data))

    def poll(self) -> Invoke:
        """The next event if one is already queued, else None."""
        return Invoke(functools.partial(self._pump.get, 0.0))

    def pull(self) -> Invoke:
        """The next chunk of the audio source (None at its end, or without a source)."""
        return Invoke(self._next_chunk)

    def feed(
        self, pace: float, handle: Callable[[Event], Flow[bool]], stopped: Callable[[], bool] = lambda: False
    ) -> Flow[bool]:
        """Send the audio source chunk by chunk (`input_audio_buffer.append`), `pace` seconds apart, until it
        ends or `stopped()`; after each chunk the events already queued go to the sub-flow `handle`, which
        returns True when the exchange is over: then so does this flow, at once."""
        while not stopped():
            chunk = yield self.pull()
            if chunk is None:
                break
            if not chunk:
                continue
            yield self.send("input_audio_buffer_append", {"delta": chunk})
            while True:
                got = yield self.poll()
                if got is None:
                    break
                if (yield from handle(got)):
                    return True
            if pace > 0:
                yield Sleep(pace)
        return False

    def receive(self, deadline: float, what: str = "an answer", or_none: bool = False) -> Flow[Any]:
        """The next event, waiting at most until `deadline` (a `time.monotonic()` value); then
        `APITimeoutError` naming `what`, or None with `or_none`."""
        got = yield Invoke(lambda: self._pump.get(max(0.0, deadline - time.monotonic()) or 1e-3))
        if got is None and not or_none:
            raise APITimeoutError(f"{self._path}: no {what} before the timeout")
        return got

    def _next_chunk(self) -> Any:
        source = self._source
        if source is None:
            return None
        if isinstance(source, Iterator):
            return next(source, None)
        return _anext_or_none(source)


async def _anext_or_none(source: AsyncIterator[bytes]) -> Optional[bytes]:
    try:
        return await source.__anext__()
    except StopAsyncIteration:
        return None
