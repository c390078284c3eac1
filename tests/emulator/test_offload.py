"""The store's worker threads (`core.offload`): results, errors and context come back to the awaiting task,
calls run off the event loop's thread, many calls at once all finish, and a canceled caller leaves
the pool working."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from cozekit.emulator.core.offload import Offload

REQUEST = contextvars.ContextVar("REQUEST", default="")


async def test_a_call_runs_in_another_thread_and_returns_its_result() -> None:
    pool = Offload(max_threads=4)
    loop_thread = threading.get_ident()
    result = await pool.run(lambda a, b: (a + b, threading.get_ident()), 2, 3)
    assert result[0] == 5 and result[1] != loop_thread


async def test_an_exception_reaches_the_caller() -> None:
    pool = Offload(max_threads=2)

    def fail() -> None:
        raise LookupError("gone")

    with pytest.raises(LookupError, match="gone"):
        await pool.run(fail)
    assert await pool.run(lambda: "still serving") == "still serving"


async def test_the_callers_context_is_seen_by_the_call() -> None:
    pool = Offload(max_threads=2)
    REQUEST.set("request-1")
    assert await pool.run(REQUEST.get) == "request-1"


async def test_more_calls_than_threads_all_finish_and_the_pool_stays_bounded() -> None:
    pool = Offload(max_threads=3)
    barrier = threading.Barrier(3, timeout=10)

    def meet(i: int) -> int:
        if i < 3:
            barrier.wait()  # three calls run at once: the pool grew to three threads
        return i * i

    results = await asyncio.gather(*(pool.run(meet, i) for i in range(50)))
    assert results == [i * i for i in range(50)]
    assert pool._threads == 3


async def test_a_canceled_caller_does_not_stop_the_pool() -> None:
    pool = Offload(max_threads=1)
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(10)
        return "done"

    task = asyncio.ensure_future(pool.run(slow))
    while not started.is_set():
        await asyncio.sleep(0.001)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    release.set()
    assert await pool.run(lambda: "next") == "next"
