"""Canvas runs through the SDK: messages without the streaming delay (the `client` fixture is the root
one, over this `emu`)."""

from __future__ import annotations

import pytest

from cozekit.emulator import ThreadedEmulator


@pytest.fixture
def emu(coze_emulator: ThreadedEmulator) -> ThreadedEmulator:
    coze_emulator.control.configure(chunk_delay_ms=0)
    return coze_emulator
