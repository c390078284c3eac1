"""SDK tests of the emulator's workspace, folder, variable and collaborator endpoints; each test runs with
`Coze` and with `AsyncCoze` against the `coze_emulator` fixture."""

from __future__ import annotations

import inspect
from typing import Any, AsyncIterator, Callable, Dict, List, Union

import httpx
import pytest

from cozekit import AsyncCoze, Coze, RetryPolicy, TokenAuth

NO_WAIT = RetryPolicy(initial_delay=0.0, jitter=lambda: 1.0)

Client = Union[Coze, AsyncCoze]


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


@pytest.fixture(params=["sync", "async"])
async def clients(request: pytest.FixtureRequest, coze_emulator: Any) -> AsyncIterator[Clients]:
    made = Clients(request.param, coze_emulator)
    yield made
    await made.close()


@pytest.fixture
def client(clients: Clients, coze_emulator: Any) -> Any:
    """A client for the seeded account."""
    return clients.make(coze_emulator.token)


async def run(result: Any) -> Any:
    """The value of a sync call, or of an awaited async one."""
    return await result if inspect.isawaitable(result) else result


async def items(pager: Any) -> List[Any]:
    """Every item of a sync or async pager."""
    if hasattr(pager, "__aiter__"):
        return [item async for item in pager]
    return list(pager)


def control(emulator: Any, path: str, body: Dict[str, Any]) -> Any:
    """POST to the emulator's control plane; returns `data`."""
    answer = httpx.post(f"{emulator.base_url}/_emulator{path}", json=body, timeout=10)
    answer.raise_for_status()
    payload = answer.json()
    assert payload["code"] == 0, payload
    return payload.get("data")


Maker = Callable[[str], Any]
