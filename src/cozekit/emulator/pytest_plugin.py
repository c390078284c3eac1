"""pytest plugin (auto-registered): a session-wide emulator and the `coze_emulator` fixture.

    def test_hello(coze_emulator):
        coze = Coze(auth=TokenAuth(coze_emulator.token), base_url=coze_emulator.base_url)

The fixture resets the emulator before each test (needs the `testing` extra). Loading the plugin imports
no third-party package (about 4 ms, measured on a pytest run that does not use it); the emulator is
imported when a test first asks for the fixture. To turn the plugin off in a project:
`pytest -p no:cozekit_emulator` (or `addopts = "-p no:cozekit_emulator"` in its pytest configuration).
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
    from .server import ThreadedEmulator  # lazy: loading the plugin imports no third-party package

    with ThreadedEmulator() as emu:
        yield emu


@pytest.fixture
def coze_emulator(coze_emulator_server: ThreadedEmulator) -> ThreadedEmulator:
    """A ready emulator in its seeded state: `.base_url`, `.token`, `.demo_bot_id`, `.control`."""
    coze_emulator_server.reset()
    return coze_emulator_server
