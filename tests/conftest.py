"""Suite-wide settings, so that neither side can drift unnoticed:

- every response is read strictly (`COZEKIT_STRICT_VALIDATION=1`): a model or emulator answer that drifts
  from the declared types fails the test that sees it instead of being read leniently (lenient reading is
  tested on purpose, with clients made `strict_validation=False`: tests/lenient);
- the emulator runs with `strict_requests`: a body field an endpoint does not know fails the request (4000),
  so a typo in what cozekit sends cannot pass silently;
- hypothesis has no per-example deadline: a property fails on a wrong answer, never on a slow machine.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.core.config import EmulatorConfig

os.environ["COZEKIT_STRICT_VALIDATION"] = "1"

settings.register_profile("cozekit", deadline=None)
settings.load_profile("cozekit")


@pytest.fixture(scope="session")
def coze_emulator_server() -> Iterator[ThreadedEmulator]:
    """The plugin's session emulator, strict about request fields."""
    with ThreadedEmulator(EmulatorConfig.from_env(strict_requests=True)) as emu:
        yield emu
