"""Fixtures for the workflow tests over real sockets: cozekit clients (sync and async) and loaders."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Iterator
from typing import Any, AsyncIterator, Callable, Dict, List, Union

import httpx
import pytest

from cozekit import AsyncCoze, AsyncPager, AsyncStream, Coze, RetryPolicy, TokenAuth
from cozekit.emulator import ThreadedEmulator

NO_WAIT = RetryPolicy(initial_delay=0.0, jitter=lambda: 1.0)
Client = Union[Coze, AsyncCoze]
Loader = Callable[[Dict[str, Any]], str]


@pytest.fixture
def emu(coze_emulator: ThreadedEmulator) -> ThreadedEmulator:
    coze_emulator.control.configure(chunk_delay_ms=0)
    return coze_emulator


@pytest.fixture
def load(emu: ThreadedEmulator) -> Loader:
    """Load a definition through the control plane; returns the workflow id."""

    def loader(definition: Dict[str, Any]) -> str:
        return str(emu.control.create_workflow(definition)["workflow_id"])

    return loader


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
def http(emu: ThreadedEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.token}"}, timeout=10
    ) as c:
        yield c


async def run(result: Any) -> Any:
    """The value of a sync call, or of an awaited async one."""
    return await result if inspect.isawaitable(result) else result


async def collect(items: Any) -> List[Any]:
    """Every item of a pager or stream, sync or async."""
    if isinstance(items, (AsyncPager, AsyncStream)):
        return [item async for item in items]
    return list(items)


async def poll_history(client: Client, workflow_id: str, execute_id: str, timeout: float = 5.0) -> Any:
    """Run history until the run leaves Running (hang guard: `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        hist = await run(
            client.workflows.runs.run_histories.retrieve(workflow_id=workflow_id, execute_id=execute_id)
        )
        if hist.execute_status != "Running" or time.monotonic() > deadline:
            return hist
        await asyncio.sleep(0.01)
