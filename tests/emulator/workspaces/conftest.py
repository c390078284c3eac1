"""SDK tests of the emulator's workspace, folder, variable and app endpoints: `clients` makes clients of the
test's `mode` for other accounts; `control` posts to the control plane."""

from __future__ import annotations

import inspect
from typing import Any, AsyncIterator, Callable, Dict, List

import httpx
import pytest

from cozekit import AsyncCoze, Coze, TokenAuth
from sync_or_async import NO_WAIT, Client


class Clients:
    """Makes clients of the test's kind (sync or async) for any token, and closes them."""

    def __init__(self, mode: str, emulator: Any) -> None:
        self.mode = mode
        self.emulator = emulator
        self._made: List[Client] = []

    def make(self, token: str) -> Any:
        kind = Coze if self.mode == "sync" else AsyncCoze
        client = kind(TokenAuth(token), self.emulator.base_url, retry_policy=NO_WAIT, max_retries=0)
        self._made.append(client)
        return client

    async def close(self) -> None:
        for client in self._made:
            result = client.close()
            if inspect.isawaitable(result):
                await result


@pytest.fixture
async def clients(mode: str, coze_emulator: Any) -> AsyncIterator[Clients]:
    made = Clients(mode, coze_emulator)
    yield made
    await made.close()


def control(emulator: Any, path: str, body: Dict[str, Any]) -> Any:
    """POST to the emulator's control plane; returns `data`."""
    answer = httpx.post(f"{emulator.base_url}/_emulator{path}", json=body, timeout=10)
    answer.raise_for_status()
    payload = answer.json()
    assert payload["code"] == 0, payload
    return payload.get("data")


Maker = Callable[[str], Any]
