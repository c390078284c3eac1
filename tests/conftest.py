"""The whole suite's emulator runs with `strict_requests`: a body field an endpoint does not know fails
the request (4000), so a typo in what cozekit sends cannot pass silently."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.config import EmulatorConfig


@pytest.fixture(scope="session")
def coze_emulator_server() -> Iterator[ThreadedEmulator]:
    """The plugin's session emulator, strict about request fields."""
    with ThreadedEmulator(EmulatorConfig.from_env(strict_requests=True)) as emu:
        yield emu
