"""Fixtures for the voice tests against the emulator: cozekit clients (sync and async) and audio."""

from __future__ import annotations

import inspect
from typing import Any, Iterator, List, Union

import pytest

from cozekit import AsyncCoze, Coze, TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.voice import pcm, tones

Client = Union[Coze, AsyncCoze]


@pytest.fixture
def emu(coze_emulator: ThreadedEmulator) -> ThreadedEmulator:
    coze_emulator.control.configure(chunk_delay_ms=0)
    return coze_emulator


@pytest.fixture(params=["sync", "async"])
def client(request: pytest.FixtureRequest, emu: ThreadedEmulator) -> Iterator[Client]:
    """A cozekit client for the emulator, once sync and once async."""
    if request.param == "sync":
        yield Coze(TokenAuth(emu.token), emu.base_url)
    else:
        yield AsyncCoze(TokenAuth(emu.token), emu.base_url)


async def run(result: Any) -> Any:
    return await result if inspect.isawaitable(result) else result


async def collect(pager: Any) -> List[Any]:
    if hasattr(pager, "__aiter__"):
        return [item async for item in pager]
    return list(pager)


def spoken(text: str, rate: int = 16000, voice_id: str = "tester") -> bytes:
    """A WAV file the emulator will transcribe as `text`."""
    return pcm.wav_bytes(tones.encode(text, rate, voice_id), rate)
