"""Both SDKs against one emulator: a cozepy pattern is run with `cozepy` and with `cozekit`, and the
results compared."""

from __future__ import annotations

import warnings
from types import ModuleType
from typing import Any, Dict

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # authlib's deprecation warning, raised by cozepy's import
    import cozepy

import cozekit
from cozekit.emulator import ThreadedEmulator
from emulator.workflows.defs import WEATHER  # the emulator tests' ask-then-report workflow

SDKS: Dict[str, ModuleType] = {"cozepy": cozepy, "cozekit": cozekit}
__all__ = ["SDKS", "WEATHER", "async_client", "sync_client"]


@pytest.fixture
def emu(coze_emulator: ThreadedEmulator) -> ThreadedEmulator:
    coze_emulator.control.configure(chunk_delay_ms=0)
    return coze_emulator


def sync_client(sdk: ModuleType, emu: ThreadedEmulator) -> Any:
    return sdk.Coze(auth=sdk.TokenAuth(emu.token), base_url=emu.base_url)


def async_client(sdk: ModuleType, emu: ThreadedEmulator) -> Any:
    return sdk.AsyncCoze(auth=sdk.AsyncTokenAuth(emu.token), base_url=emu.base_url)
