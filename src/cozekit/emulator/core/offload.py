"""Blocking work (the store's) off the event loop, in a pool of worker threads, for a quarter of the cost
of a hop through anyio's or asyncio's thread pools (no capacity limiter, cancel scopes or
`concurrent.futures` bookkeeping: one queue, and the result handed back with `call_soon_threadsafe`)."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
from typing import Any, Callable, Optional, Tuple, TypeVar

T = TypeVar("T")
MAX_THREADS = 40
"""As many threads as anyio's default pool: a call waiting on a database lock holds one."""

_Item = Tuple[
    asyncio.AbstractEventLoop, "asyncio.Future[Any]", contextvars.Context, Callable[..., Any], Tuple[Any, ...]
]


class Offload:
    """`await offload.run(fn, *args)`: `fn(*args)` in a worker thread (in a copy of the caller's context);
    its result or exception comes back to the awaiting task. Threads start as calls need them, up to
    `max_threads`, and wait for the next call when idle (daemon threads: they never hold a process open).
    A task canceled meanwhile does not stop the call; its outcome is dropped."""

    def __init__(self, max_threads: int = MAX_THREADS) -> None:
        self.max_threads = max_threads
        self._queue: queue.SimpleQueue[Optional[_Item]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._idle = 0
        """Threads waiting for a call."""
        self._pending = 0
        """Calls queued and not yet taken."""

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        with self._lock:
            self._pending += 1
            start = self._pending > self._idle and self._threads < self.max_threads
            if start:
                self._threads += 1
        if start:  # no thread waits for this call (a full pool queues it)
            threading.Thread(target=self._work, name="cozekit-emulator-store", daemon=True).start()
        self._queue.put((loop, future, contextvars.copy_context(), fn, args))
        return await future

    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            item = self._queue.get()
            with self._lock:
                self._idle -= 1
                self._pending -= 1
            if item is None:
                return
            loop, future, context, fn, args = item
            try:
                result, error = context.run(fn, *args), None
            except BaseException as exc:  # handed to the awaiting task
                result, error = None, exc
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting
                loop.call_soon_threadsafe(_settle, future, result, error)


def _settle(future: asyncio.Future[Any], result: Any, error: Optional[BaseException]) -> None:
    if future.done():  # the awaiting task was canceled
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


OFFLOAD = Offload()
"""The process's pool: every emulator in it shares the threads."""
