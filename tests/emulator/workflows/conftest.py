"""Fixtures for the workflow tests over real sockets: cozekit clients (sync and async) and loaders."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any, Callable, Dict

import httpx
import pytest

from cozekit.emulator import ThreadedEmulator
from sync_or_async import Client, run

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


@pytest.fixture
def http(emu: ThreadedEmulator) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.token}"}, timeout=10
    ) as c:
        yield c


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
