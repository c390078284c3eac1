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


async def test_calls_run_one_at_a_time_while_none_is_stuck() -> None:
    pool = Offload(max_threads=8, stall=60.0, stuck=60.0)  # nothing ever counts as stuck here
    lock = threading.Lock()
    running, most = 0, 0

    def call(i: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        threading.Event().wait(0.002)  # a short wait: the GIL is free, yet no other call starts
        with lock:
            running -= 1
        return i

    assert await asyncio.gather(*(pool.run(call, i) for i in range(20))) == list(range(20))
    assert most == 1


async def test_a_stuck_call_lets_a_waiting_call_start_beside_it() -> None:
    pool = Offload(max_threads=4, stall=0.002, stuck=60.0)
    started, release = threading.Event(), threading.Event()

    def stuck() -> str:
        started.set()
        release.wait(30)  # longer than the second call may take: it must start before this ends
        return "stuck"

    first = asyncio.ensure_future(pool.run(stuck))
    while not started.is_set():
        await asyncio.sleep(0.001)
    try:  # the process is idle while the first call waits: after `stall` the second one starts
        assert await asyncio.wait_for(pool.run(lambda: "beside"), 5) == "beside"
        assert not first.done()
    finally:
        release.set()
    assert await first == "stuck"


async def test_a_call_that_says_it_blocks_lets_a_waiting_call_start_at_once() -> None:
    pool = Offload(max_threads=4, stall=60.0, stuck=60.0)
    started, release = threading.Event(), threading.Event()

    def waits() -> str:
        with pool.blocking():
            started.set()
            release.wait(30)
        return "waited"

    first = asyncio.ensure_future(pool.run(waits))
    while not started.is_set():
        await asyncio.sleep(0.001)
    try:
        assert await asyncio.wait_for(pool.run(lambda: "beside"), 5) == "beside"
        assert not first.done()
    finally:
        release.set()
    assert await first == "waited"
    with pool.blocking():  # outside the pool's threads: nothing to mark
        pass
