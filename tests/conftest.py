"""Suite-wide settings, so that neither side can drift unnoticed:

- every response is read strictly (`COZEKIT_STRICT_VALIDATION=1`): a model or emulator answer that drifts
  from the declared types fails the test that sees it instead of being read leniently (lenient reading is
  tested on purpose, with clients made `strict_validation=False`: tests/sdk/lenient);
- the emulator runs with `strict_requests`: a body field an endpoint does not know fails the request (4000),
  so a typo in what cozekit sends cannot pass silently;
- the emulator refuses database and blob work on an event loop's thread (`COZEKIT_EMULATOR_LOOP_GUARD=1`,
  emulator/core/loopguard.py): a coroutine that reaches the store without a thread hop fails its test;
- hypothesis has no per-example deadline: a property fails on a wrong answer, never on a slow machine;
- the session emulator notes which test sent each request (tests/operation_log.py): a complete run that
  passes writes what cozekit sent, operation by operation, and fails if docs/coverage.md says otherwise.

The one sync/async parametrisation: the `mode` fixture ("sync", "async"; see `sync_or_async`). For tests
against the session emulator: `emu` (the reset emulator; a folder's conftest may override it to configure
the emulator first) and `client`, a `Coze` or an `AsyncCoze` (by `mode`) for its seeded account. Tests
against a fake server make their client with `FakeServer.client(mode)` (tests/fake_server.py).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
from hypothesis import settings

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.core.config import EmulatorConfig
from operation_log import OperationLog, RequestLog
from sync_or_async import MODES, Client, open_client

os.environ["COZEKIT_STRICT_VALIDATION"] = "1"
os.environ["COZEKIT_EMULATOR_LOOP_GUARD"] = "1"

settings.register_profile("cozekit", deadline=None)
settings.load_profile("cozekit")


PLUGIN = "cozekit-operation-log"


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(OperationLog(config), PLUGIN)


@pytest.fixture(scope="session")
def request_log(pytestconfig: pytest.Config) -> RequestLog:
    """What the session emulator received, each request with the test that was running."""
    plugin: OperationLog = pytestconfig.pluginmanager.get_plugin(PLUGIN)
    return plugin.requests


@pytest.fixture(scope="session")
def coze_emulator_server(request_log: RequestLog) -> Iterator[ThreadedEmulator]:
    """The plugin's session emulator, strict about request fields, noting what each test sends it."""
    emu = ThreadedEmulator(EmulatorConfig.from_env(strict_requests=True))
    emu.app.add_middleware(request_log.middleware)
    with emu:
        yield emu


@pytest.fixture
def emu(coze_emulator: ThreadedEmulator) -> ThreadedEmulator:
    return coze_emulator


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    """ "sync" or "async": a test asking for it (or for `client`) runs once with each."""
    return str(request.param)


@pytest.fixture
async def client(mode: str, emu: ThreadedEmulator) -> AsyncIterator[Client]:
    async with open_client(mode, emu.base_url, emu.token) as opened:
        yield opened
