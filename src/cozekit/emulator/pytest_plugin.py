"""pytest plugin (auto-registered): a session-wide emulator and the `coze_emulator` fixture.

    def test_hello(coze_emulator):
        coze = Coze(auth=TokenAuth(coze_emulator.token), base_url=coze_emulator.base_url)

The fixture resets the emulator before each test. Nothing heavy is imported until it is used, so the
plugin costs nothing for projects that install cozekit without the `emulator` extra.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .server import ThreadedEmulator


@pytest.fixture(scope="session")
def coze_emulator_server() -> Iterator[ThreadedEmulator]:
    """One emulator for the whole session (not reset: prefer `coze_emulator`)."""
    from .server import ThreadedEmulator

    with ThreadedEmulator() as emu:
        yield emu


@pytest.fixture
def coze_emulator(coze_emulator_server: ThreadedEmulator) -> ThreadedEmulator:
    """A ready emulator in its seeded state: `.base_url`, `.token`, `.demo_bot_id`, `.control`."""
    coze_emulator_server.reset()
    return coze_emulator_server
