"""A debug switch that keeps database and disk work off the event loop: with `COZEKIT_EMULATOR_LOOP_GUARD=1`
(read when a store or blob store opens), a store call or a blob write, abort or delete made on a thread
that is running an asyncio event loop raises `OnEventLoop` instead of blocking every other request of
that loop.

Off by default: the emulator's own test suite turns it on (tests/conftest.py), so a coroutine that
reaches the database without a thread hop fails the test that runs it.
"""

from __future__ import annotations

import os
from asyncio import _get_running_loop

ENV = "COZEKIT_EMULATOR_LOOP_GUARD"


class OnEventLoop(RuntimeError):
    """Blocking work (a store call; a blob write, abort or delete) attempted on a thread running an event
    loop."""


def enabled() -> bool:
    """Whether the environment turns the guard on (`1`, `true` or `yes`)."""
    return os.environ.get(ENV, "").strip().lower() in ("1", "true", "yes")


def check(what: str) -> None:
    """Raise `OnEventLoop` when the calling thread is running an event loop."""
    if _get_running_loop() is not None:
        raise OnEventLoop(
            f"{what} on the event loop's thread: it would block every request of the loop; run it in a "
            f"thread (`await OFFLOAD.run(...)`, `asyncio.to_thread`) or from a plain `def` route "
            f"({ENV} is set)"
        )
