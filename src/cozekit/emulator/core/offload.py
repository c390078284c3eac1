"""Blocking work (the store's) off the event loop, in worker threads, for a quarter of the cost of a hop
through anyio's or asyncio's thread pools (no capacity limiter, cancel scopes or `concurrent.futures`
bookkeeping: one queue, and the result handed back with `call_soon_threadsafe`).

Calls run one at a time unless the running ones are stuck. The store's work is Python under one GIL:
several threads running it at once only take the GIL from each other and from the event loop, and go no
faster than one thread running the queued calls back to back (10-25% slower in `serve` at 10 clients).
A call that blocks (a database lock held by another process, a network round trip, a slow disk) leaves
the process idle meanwhile, so one more call may start when every running call has run `stall` seconds
and the process used under half a core meanwhile, or when every running call has run `stuck` seconds
(whatever the process did), up to `max_threads` at once. An idle thread watches for that while calls
wait. A call about to wait on something it knows may take long says so (`blocking`): it counts as stuck
at once."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import threading
import time
from typing import Any, Callable, Deque, Dict, Iterator, Optional, Tuple, TypeVar

T = TypeVar("T")
MAX_THREADS = 40
"""As many threads as anyio's default pool: a call waiting on a database lock holds one."""
STALL_SECONDS = 0.002
STUCK_SECONDS = 0.05
_STUCK = float("-inf")
"""The start time of a running call that said it waits (`Offload.blocking`)."""

_Item = Tuple[
    asyncio.AbstractEventLoop, "asyncio.Future[Any]", contextvars.Context, Callable[..., Any], Tuple[Any, ...]
]


class Offload:
    """`await offload.run(fn, *args)`: `fn(*args)` in a worker thread (in a copy of the caller's context);
    its result or exception comes back to the awaiting task. One call runs at a time unless the running
    ones are stuck (see the module's docstring). Threads start as calls need them and wait for the next
    call when idle (daemon threads: they never hold a process open). A task canceled meanwhile does not
    stop its call; the outcome is dropped."""

    def __init__(
        self, max_threads: int = MAX_THREADS, stall: float = STALL_SECONDS, stuck: float = STUCK_SECONDS
    ) -> None:
        self.max_threads = max_threads
        self.stall = stall
        self.stuck = stuck
        self._ready = threading.Condition(threading.Lock())
        self._calls: Deque[_Item] = collections.deque()
        self._running: Dict[int, float] = {}
        """When each running call started, by its thread."""
        self._threads = 0
        self._idle = 0
        """Threads not running a call (starting, waiting, or about to take the next)."""
        self._coming = 0
        """Threads on their way to take a call without waiting (just started, or just done with one): a
        call queued meanwhile is theirs, and no waiting thread is woken for it."""
        self._watcher = False
        """An idle thread waits with a timeout, to see whether the running calls are stuck."""

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        with self._ready:
            self._calls.append((loop, future, contextvars.copy_context(), fn, args))
            start = self._counted_in()
            if not start:
                self._wake()
        if start:
            self._start()
        return await future

    @contextlib.contextmanager
    def blocking(self) -> Iterator[None]:
        """Around a wait that may be long (a lock another process holds, another writer's turn): the
        calling thread's call counts as stuck meanwhile, so a waiting call may start beside it. Outside
        this pool's threads, nothing.

        Example::

            with OFFLOAD.blocking():
                conn.execute("BEGIN IMMEDIATE")
        """
        me = threading.get_ident()
        with self._ready:
            marked = self._running.get(me, _STUCK) != _STUCK  # not a pool thread, or marked already
            if marked:
                self._running[me] = _STUCK
                if self._calls:
                    self._ready.notify_all()  # the watcher looks again
        try:
            yield
        finally:
            if marked:
                with self._ready:
                    self._running[me] = time.monotonic()  # running again, from now

    def _counted_in(self) -> bool:
        """(Lock held.) Count a new thread in when calls wait and no thread is idle: it runs them, or
        watches the running ones while they wait."""
        start = bool(self._calls) and self._idle == 0 and self._threads < self.max_threads
        if start:
            self._threads += 1
            self._idle += 1
            self._coming += 1
        return start

    def _start(self) -> None:
        threading.Thread(target=self._work, name="cozekit-emulator-store", daemon=True).start()

    def _wake(self) -> None:
        """(Lock held.) Wake an idle thread for a waiting call when nothing runs, or when nobody watches
        the running calls yet (it becomes the watcher); none when a thread is coming for it anyway."""
        if self._calls and not self._coming and (not self._running or not self._watcher):
            self._ready.notify()

    def _take(self, me: int) -> _Item:
        """Wait until a call is queued and may start; take it (the caller is counted idle till then)."""
        with self._ready:
            self._coming -= 1
            while True:
                if self._calls and not self._running:
                    break
                if self._calls and not self._watcher and len(self._running) < self.max_threads:
                    if self._watched():
                        break
                    continue
                self._ready.wait()
            self._idle -= 1
            self._running[me] = time.monotonic()
            item = self._calls.popleft()
            spare = self._counted_in()  # for the calls left waiting
            if not spare:
                self._wake()
        if spare:
            self._start()
        return item

    def _watched(self) -> bool:
        """(Lock held; calls wait on running ones.) Watch the running calls for up to `stall` seconds
        (a call queued or ended cuts it short); True when they turn out stuck: one more call may start."""
        if max(self._running.values()) == _STUCK:  # every running call said it waits
            return True
        self._watcher = True
        try:
            began, cpu = time.monotonic(), time.process_time()
            self._ready.wait(self.stall)
            now = time.monotonic()
            if not self._calls or not self._running:
                return False
            age = now - max(self._running.values())  # of the newest running call
            if age >= self.stuck:
                return True
            if age < self.stall or now - began < self.stall / 2:
                return False
            return time.process_time() - cpu < (now - began) / 2  # the process waited, not worked
        finally:
            self._watcher = False

    def _work(self) -> None:
        me = threading.get_ident()
        while True:
            loop, future, context, fn, args = self._take(me)
            try:
                result, error = context.run(fn, *args), None
            except BaseException as exc:  # handed to the awaiting task
                result, error = None, exc
            with self._ready:  # this thread takes the next call itself
                del self._running[me]
                self._idle += 1
                self._coming += 1
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
