"""The audio tests run with no delay between streamed chunks."""

from __future__ import annotations

import pytest

from cozekit.emulator import ThreadedEmulator


@pytest.fixture
def emu(coze_emulator: ThreadedEmulator) -> ThreadedEmulator:
    coze_emulator.control.configure(chunk_delay_ms=0)
    return coze_emulator
