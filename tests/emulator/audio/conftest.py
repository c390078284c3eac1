"""Fixtures for the voice tests against the emulator: cozekit clients (sync and async) and audio."""

from __future__ import annotations

from typing import AsyncIterator

import pytest

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.voice import pcm, tones
from sync_or_async import MODES, Client, open_client


@pytest.fixture
def emu(coze_emulator: ThreadedEmulator) -> ThreadedEmulator:
    coze_emulator.control.configure(chunk_delay_ms=0)
    return coze_emulator


@pytest.fixture(params=MODES)
async def client(request: pytest.FixtureRequest, emu: ThreadedEmulator) -> AsyncIterator[Client]:
    async with open_client(request.param, emu.base_url, emu.token) as opened:
        yield opened


def spoken(text: str, rate: int = 16000, voice_id: str = "tester") -> bytes:
    """A WAV file the emulator will transcribe as `text`."""
    return pcm.wav_bytes(tones.encode(text, rate, voice_id), rate)
