"""Knowledge-base tests over real sockets: each SDK test runs with `Coze` and with `AsyncCoze`."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from typing import Any, List, Union

import httpx
import pytest

from cozekit import AsyncCoze, AsyncPager, AsyncStream, Coze, RetryPolicy, TokenAuth
from cozekit.emulator import ThreadedEmulator

NO_WAIT = RetryPolicy(initial_delay=0.0, jitter=lambda: 1.0)
Client = Union[Coze, AsyncCoze]
POLL = {"poll_interval": 0.01, "poll_timeout": 20.0}
"""Fast polling; the timeout only guards against a hang."""


@pytest.fixture
def emu(coze_emulator: ThreadedEmulator) -> Iterator[ThreadedEmulator]:
    coze_emulator.state.knowledge.set_embedder(None)  # BM25 only, even where a local model exists
    yield coze_emulator
    coze_emulator.control.configure_ingestion(hold=False)


@pytest.fixture(params=["sync", "async"])
async def client(request: pytest.FixtureRequest, emu: ThreadedEmulator) -> AsyncIterator[Client]:
    auth = TokenAuth(emu.token)
    if request.param == "sync":
        with Coze(auth, emu.base_url, retry_policy=NO_WAIT) as sync:
            yield sync
    else:
        async with AsyncCoze(auth, emu.base_url, retry_policy=NO_WAIT) as asyn:
            yield asyn


@pytest.fixture
def raw(emu: ThreadedEmulator) -> Iterator[httpx.Client]:
    """Plain HTTP for what the SDK refuses to send."""
    with httpx.Client(
        base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.token}"}, timeout=10
    ) as http:
        yield http


async def run(result: Any) -> Any:
    """The value of a sync call, or of an awaited async one."""
    return await result if inspect.isawaitable(result) else result


async def collect(pager: Any) -> List[Any]:
    if isinstance(pager, (AsyncPager, AsyncStream)):
        return [item async for item in pager]
    return list(pager)
