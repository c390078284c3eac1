"""Served over TLS (`ThreadedEmulator(tls=True)`), the emulator is reachable through cozepy's own
`coze.websockets` (which derives `wss://` only from an `https://` base URL), with no change to cozepy."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Dict, Iterator, List

import httpx
import pytest
from cozepy import AsyncCoze as CozepyAsyncCoze
from cozepy import AsyncTokenAuth, TokenAuth, WebsocketsEventType
from cozepy import Coze as CozepyCoze

from cozekit import Coze
from cozekit import TokenAuth as KitTokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.audio.voice import tones

T = WebsocketsEventType


@pytest.fixture(scope="module")
def tls_emu() -> Iterator[ThreadedEmulator]:
    with ThreadedEmulator(tls=True) as emu:
        yield emu


@pytest.fixture
def trusted(tls_emu: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch) -> ThreadedEmulator:
    """The emulator's certificate trusted by default SSL contexts (what websockets uses)."""
    monkeypatch.setenv("SSL_CERT_FILE", tls_emu.ca_file)
    tls_emu.reset()
    return tls_emu


def test_base_url_is_https(tls_emu: ThreadedEmulator) -> None:
    assert tls_emu.base_url.startswith("https://127.0.0.1:")
    with pytest.raises(httpx.ConnectError):
        httpx.get(tls_emu.base_url + "/v1/audio/voices")  # not trusted without the CA file
    resp = httpx.get(tls_emu.base_url + "/_emulator/info", verify=tls_emu.ssl_context() or True)
    assert resp.json()["data"]["token"] == tls_emu.token


def test_cozepy_websockets_property_speaks(trusted: ThreadedEmulator) -> None:
    done = threading.Event()
    chunks: List[bytes] = []
    handlers: Dict[Any, Any] = {
        T.SPEECH_AUDIO_UPDATE: lambda cli, e: chunks.append(e.data.delta),
        T.SPEECH_AUDIO_COMPLETED: lambda cli, e: done.set(),
        T.ERROR: lambda cli, e: done.set(),
    }
    coze = CozepyCoze(auth=TokenAuth(trusted.token), base_url=trusted.base_url)
    speech = coze.websockets.audio.speech.create(on_event=handlers)
    assert speech._ws_url.startswith("wss://127.0.0.1:")  # derived by cozepy itself
    with speech() as client:
        client.input_text_buffer_append({"delta": "over TLS"})  # type: ignore[arg-type]
        client.input_text_buffer_complete()
        assert done.wait(10)
    assert tones.decode(b"".join(chunks), 24000) == "over TLS"


async def test_cozepy_async_websockets_property_chats(trusted: ThreadedEmulator) -> None:
    finished = asyncio.Event()
    deltas: List[str] = []

    async def on_delta(cli: Any, event: Any) -> None:
        deltas.append(event.data.content)

    async def on_done(cli: Any, event: Any) -> None:
        finished.set()

    coze = CozepyAsyncCoze(auth=AsyncTokenAuth(trusted.token), base_url=trusted.base_url)
    chat = coze.websockets.chat.create(
        bot_id=trusted.demo_bot_id,
        on_event={
            T.CONVERSATION_MESSAGE_DELTA: on_delta,
            T.CONVERSATION_CHAT_COMPLETED: on_done,
            T.ERROR: on_done,
        },
    )
    async with chat() as client:
        await client.conversation_message_create(
            {"role": "user", "content_type": "text", "content": "secure hello"}  # type: ignore[arg-type]
        )
        await asyncio.wait_for(finished.wait(), 10)
    assert "".join(deltas) == "Cozekit Demo Bot (turn 1) heard: secure hello"


def test_cozekit_over_tls(trusted: ThreadedEmulator) -> None:
    coze = Coze(
        KitTokenAuth(trusted.token),
        trusted.base_url,
        http_client=httpx.Client(verify=trusted.ssl_context() or True),
    )
    assert coze.websockets.audio.transcriptions.create().url.startswith("wss://127.0.0.1:")
    text = coze.audio.transcriptions.create(file=("a.pcm", tones.encode("tls text", 16000))).text
    assert text == "tls text"
