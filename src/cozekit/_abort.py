"""Aborting a call or a stream from anywhere: `AbortController` and its `AbortSignal`, as in @coze/api
(and the web platform).

>>> controller = AbortController()
>>> stream = coze.chat.stream(..., abort_signal=controller.signal)
>>> controller.abort()  # from any thread or task: the call or stream raises APIUserAbortError

A sync call or stream blocked reading is woken by shutting its socket down; an async one is
cancelled. (A sync call waiting for its response headers on an `http_client=` of your own, or through
a proxy, sees the abort only when they arrive or its timeout expires: httpx offers no way to
interrupt that wait, and only the transport cozekit creates itself is watched for it.)
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import threading
from contextlib import contextmanager
from typing import Any, AsyncGenerator, AsyncIterator, Callable, Dict, Iterable, Iterator, Optional

import httpcore
import httpx

from ._exceptions import APIUserAbortError

__all__ = ["AbortController", "AbortSignal"]


def _noop() -> None:
    pass


class AbortSignal:
    """Passed to a call as `abort_signal=`; aborted by its `AbortController`. Thread-safe."""

    __slots__ = ("_callbacks", "_event", "_lock", "_reason")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._event = threading.Event()
        self._reason: Any = None
        self._callbacks: Dict[object, Callable[[], None]] = {}

    @property
    def aborted(self) -> bool:
        return self._event.is_set()

    @property
    def reason(self) -> Any:
        """What `abort()` was given (None if nothing)."""
        return self._reason

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until aborted or `timeout` seconds passed; True if aborted."""
        return self._event.wait(timeout)

    def error(self, logid: str = "") -> APIUserAbortError:
        """The error an aborted call raises."""
        reason = f": {self._reason}" if self._reason is not None else ""
        return APIUserAbortError(f"the request was aborted{reason}", reason=self._reason, logid=logid)

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Have `callback()` run on abort, in the aborting thread (now, if already aborted); returns a
        function that cancels it."""
        key = object()
        with self._lock:
            if not self._event.is_set():
                self._callbacks[key] = callback

                def unsubscribe() -> None:
                    with self._lock:
                        self._callbacks.pop(key, None)

                return unsubscribe
        callback()
        return _noop

    def _abort(self, reason: Any) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._reason = reason
            self._event.set()
            callbacks = list(self._callbacks.values())
            self._callbacks.clear()
        for callback in callbacks:
            with contextlib.suppress(Exception):  # waking a reader is best effort; the flag is what counts
                callback()

    def __repr__(self) -> str:
        return f"AbortSignal(aborted={self.aborted})"


class AbortController:
    """Owns an `AbortSignal` (`.signal`, given to calls) and aborts it (`.abort()`), once."""

    __slots__ = ("signal",)

    def __init__(self) -> None:
        self.signal = AbortSignal()

    def abort(self, reason: Any = None) -> None:
        """Abort every call and stream given this controller's signal (later ones fail at once)."""
        self.signal._abort(reason)


def interrupt(response: httpx.Response) -> None:
    """Wake a thread blocked reading `response`'s body: shut its socket down (closing it alone does not
    wake a blocked read). Without a socket to reach (a custom transport), the response is closed."""
    sock = None
    stream = response.extensions.get("network_stream")
    if stream is not None:
        with contextlib.suppress(Exception):  # a transport's stream may not know the name
            sock = stream.get_extra_info("socket")
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)  # also for an SSLSocket, below TLS
        return
    if sock is not None and hasattr(sock, "shutdown"):  # asyncio's TransportSocket
        with contextlib.suppress(Exception):
            sock.shutdown(socket.SHUT_RDWR)
        return
    with contextlib.suppress(Exception):  # the reading thread may be closing it too
        response.close()


@contextmanager
def cancel_on_abort(signal: AbortSignal) -> Iterator[Any]:
    """An anyio cancel scope around the awaits inside, cancelled when `signal` is aborted from any
    thread or task (check `scope.cancelled_caught` after the block)."""
    import anyio  # lazy: only async calls need it, so `import cozekit` stays cheap

    scope = anyio.CancelScope()
    owner = threading.get_ident()
    try:
        loop: Optional[asyncio.AbstractEventLoop] = asyncio.get_running_loop()
    except RuntimeError:  # not asyncio (trio): an abort from another thread cancels directly
        loop = None

    def cancel() -> None:
        if loop is None or threading.get_ident() == owner:
            scope.cancel()
        else:
            loop.call_soon_threadsafe(scope.cancel)

    with scope:
        unsubscribe = signal.subscribe(cancel)
        try:
            yield scope
        finally:
            unsubscribe()


async def abortable(
    chunks: AsyncIterator[bytes], signal: AbortSignal, logid: str
) -> AsyncGenerator[bytes, None]:
    """`chunks`, each read cancelled (and APIUserAbortError raised) when `signal` is aborted."""
    it = chunks.__aiter__()
    while True:
        with cancel_on_abort(signal) as scope:
            try:
                chunk = await it.__anext__()
            except StopAsyncIteration:
                return
        if scope.cancelled_caught or signal.aborted:
            raise signal.error(logid)
        yield chunk


# A sync call waiting for its response headers is blocked in a socket read that httpx offers no way to
# interrupt. The transport a client creates itself (`_transport.SyncTransport`) makes its pool with
# `TrackingBackend`, through httpcore's public `network_backend=` argument: each read notes, for a thread
# that asked (`watch_thread`), which socket it is blocked on, and an abort shuts that socket down.


class _Watch:
    __slots__ = ("aborted", "lock", "stream")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stream: Any = None
        self.aborted = False


_WATCHES: Dict[int, _Watch] = {}


def _shutdown(stream: Any) -> None:
    with contextlib.suppress(Exception):
        sock = stream.get_extra_info("socket")
        if isinstance(sock, socket.socket):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


@contextmanager
def watch_thread(signal: AbortSignal) -> Iterator[None]:
    """While inside, an abort of `signal` wakes this thread's blocked network read (on a transport
    made with `TrackingBackend`; elsewhere, nothing happens until the read returns)."""
    watch = _Watch()
    thread = threading.get_ident()

    def abort() -> None:
        with watch.lock:
            watch.aborted = True
            stream = watch.stream
        if stream is not None:
            _shutdown(stream)

    _WATCHES[thread] = watch
    unsubscribe = signal.subscribe(abort)
    try:
        yield
    finally:
        unsubscribe()
        _WATCHES.pop(thread, None)


class _TrackedStream(httpcore.NetworkStream):
    __slots__ = ("_inner",)

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: Optional[float] = None) -> bytes:
        watch = _WATCHES.get(threading.get_ident())
        if watch is None:
            return self._inner.read(max_bytes, timeout)
        with watch.lock:
            watch.stream = self._inner
            aborted = watch.aborted
        if aborted:
            _shutdown(self._inner)
        try:
            return self._inner.read(max_bytes, timeout)
        finally:
            with watch.lock:
                watch.stream = None

    def write(self, buffer: bytes, timeout: Optional[float] = None) -> None:
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> httpcore.NetworkStream:
        return _TrackedStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class TrackingBackend(httpcore.NetworkBackend):
    """A network backend whose streams note, for a watched thread, the socket it is blocked reading."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: Optional[float] = None,
        local_address: Optional[str] = None,
        socket_options: Optional[Iterable[Any]] = None,
    ) -> httpcore.NetworkStream:
        return _TrackedStream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: Optional[float] = None, socket_options: Optional[Iterable[Any]] = None
    ) -> httpcore.NetworkStream:
        return _TrackedStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
