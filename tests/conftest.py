"""Suite-wide settings, so that neither side can drift unnoticed:

- every response is read strictly (`COZEKIT_STRICT_VALIDATION=1`): a model or emulator answer that drifts
  from the declared types fails the test that sees it instead of being read leniently (lenient reading is
  tested on purpose, with clients made `strict_validation=False`: tests/lenient);
- the emulator runs with `strict_requests`: a body field an endpoint does not know fails the request (4000),
  so a typo in what cozekit sends cannot pass silently;
- hypothesis has no per-example deadline: a property fails on a wrong answer, never on a slow machine.

Fixtures for every test against the session emulator: `emu` (the reset emulator; a folder's conftest may
override it to configure the emulator first) and `client`, a `Coze` and an `AsyncCoze` for its seeded
account (the test runs once with each; see `sync_or_async`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
from hypothesis import settings

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.config import EmulatorConfig
from sync_or_async import MODES, Client, open_client

os.environ["COZEKIT_STRICT_VALIDATION"] = "1"

settings.register_profile("cozekit", deadline=None)
settings.load_profile("cozekit")


@pytest.fixture(scope="session")
def coze_emulator_server() -> Iterator[ThreadedEmulator]:
    """The plugin's session emulator, strict about request fields."""
    with ThreadedEmulator(EmulatorConfig.from_env(strict_requests=True)) as emu:
        yield emu


@pytest.fixture
def emu(coze_emulator: ThreadedEmulator) -> ThreadedEmulator:
    return coze_emulator


@pytest.fixture(params=MODES)
async def client(request: pytest.FixtureRequest, emu: ThreadedEmulator) -> AsyncIterator[Client]:
    async with open_client(request.param, emu.base_url, emu.token) as opened:
        yield opened
