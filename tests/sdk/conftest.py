"""SDK tests against the emulator over real sockets; each test runs with `Coze` and with `AsyncCoze`."""

from __future__ import annotations

import inspect
from typing import Any, AsyncIterator, List, Union

import pytest

from cozekit import AsyncCoze, AsyncPager, AsyncStream, Coze, RetryPolicy, Stream, TokenAuth

NO_WAIT = RetryPolicy(initial_delay=0.0, jitter=lambda: 1.0)

Client = Union[Coze, AsyncCoze]


@pytest.fixture(params=["sync", "async"])
async def client(request: pytest.FixtureRequest, coze_emulator: Any) -> AsyncIterator[Client]:
    auth = TokenAuth(coze_emulator.token)
    if request.param == "sync":
        with Coze(auth, coze_emulator.base_url, retry_policy=NO_WAIT) as sync:
            yield sync
    else:
        async with AsyncCoze(auth, coze_emulator.base_url, retry_policy=NO_WAIT) as asyn:
            yield asyn


async def run(result: Any) -> Any:
    """The value of a sync call, or of an awaited async one."""
    return await result if inspect.isawaitable(result) else result


async def collect(items: Any) -> List[Any]:
    """Every item of a pager or stream, sync or async."""
    if isinstance(items, (AsyncPager, AsyncStream)):
        return [item async for item in items]
    assert isinstance(items, (list, Stream)) or hasattr(items, "__iter__")
    return list(items)
