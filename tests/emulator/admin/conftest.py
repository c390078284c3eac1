"""The emulator's admin APIs through the SDK; each test runs with `Coze` and with `AsyncCoze`."""

from __future__ import annotations

from typing import Any, AsyncIterator

import pytest

from sync_or_async import MODES, Client, open_client


@pytest.fixture(params=MODES)
async def client(request: pytest.FixtureRequest, coze_emulator: Any) -> AsyncIterator[Client]:
    async with open_client(request.param, coze_emulator.base_url, coze_emulator.token) as opened:
        yield opened
