"""The official cozepy 0.20.0 WebSocket clients, unchanged, against the emulator.

cozepy derives WebSocket hosts only from `https://` base URLs, so the tests build the objects behind
`coze.websockets.chat` and `coze.websockets.audio` with the emulator's `ws://` URL, as that property would.
cozepy's own `wait()` compares the set of every event received with the awaited ones, so it does
not return on a real event sequence; completion is awaited through handlers with a timeout instead.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Dict, List

from cozepy import AsyncTokenAuth, InputAudio, TokenAuth, WebsocketsEventType
from cozepy.request import Requester
from cozepy.websockets.audio import AsyncWebsocketsAudioClient, WebsocketsAudioClient
from cozepy.websockets.chat import AsyncWebsocketsChatBuildClient, WebsocketsChatBuildClient

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.audio.voice import tones

T = WebsocketsEventType
PCM_16K = InputAudio(format="pcm", codec="pcm", sample_rate=16000, channel=1, bit_depth=16)


def ws_url(emu: ThreadedEmulator) -> str:
    return emu.base_url.replace("http://", "ws://")


class Seen:
    """Handlers that record events; `done` is set by the completion event (or an error)."""

    def __init__(self, done_on: Any) -> None:
        self.events: List[Any] = []
        self.errors: List[Any] = []
        self.done_on = done_on
        self.done = threading.Event()

    def handlers(self, *types: Any) -> Dict[Any, Any]:
        table: Dict[Any, Any] = {t: self._record for t in types}
        table[T.ERROR] = self._error
        table[self.done_on] = self._finish
        return table

    def async_handlers(self, *types: Any) -> Dict[Any, Any]:
        """The same, as coroutines (cozepy's async clients await their handlers)."""

        def wrap(fn: Any) -> Any:
            async def handler(cli: Any, event: Any) -> None:
                fn(cli, event)

            return handler

        return {t: wrap(fn) for t, fn in self.handlers(*types).items()}

    def _record(self, cli: Any, event: Any) -> None:
        self.events.append(event)

    def _error(self, cli: Any, error: Any) -> None:
        self.errors.append(error)
        self.done.set()

    def _finish(self, cli: Any, event: Any) -> None:
        self.events.append(event)
        self.done.set()

    async def wait_async(self, timeout: float = 10) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not self.done.is_set():
            assert asyncio.get_running_loop().time() < deadline, "no completion event"
            await asyncio.sleep(0.01)

    def of(self, event_type: Any) -> List[Any]:
        return [e for e in self.events if e.event_type == event_type]


def test_cozepy_sync_voice_chat(emu: ThreadedEmulator) -> None:
    seen = Seen(T.CONVERSATION_CHAT_COMPLETED)
    chat = WebsocketsChatBuildClient(ws_url(emu), Requester(auth=TokenAuth(emu.token))).create(
        bot_id=emu.demo_bot_id,
        on_event=seen.handlers(
            T.CHAT_CREATED,
            T.CHAT_UPDATED,
            T.CONVERSATION_AUDIO_TRANSCRIPT_COMPLETED,
            T.CONVERSATION_MESSAGE_DELTA,
            T.CONVERSATION_AUDIO_DELTA,
            T.CONVERSATION_AUDIO_COMPLETED,
        ),
    )
    speech = tones.encode("is it raining", 16000)
    with chat() as client:
        client.chat_update({"input_audio": PCM_16K})  # type: ignore[arg-type]
        for i in range(0, len(speech), 4000):
            client.input_audio_buffer_append({"delta": speech[i : i + 4000]})  # type: ignore[arg-type]
        client.input_audio_buffer_complete()
        assert seen.done.wait(10)
    assert not seen.errors
    assert seen.of(T.CONVERSATION_AUDIO_TRANSCRIPT_COMPLETED)[0].data.content == "is it raining"
    text = "".join(e.data.content for e in seen.of(T.CONVERSATION_MESSAGE_DELTA))
    assert text == "Cozekit Demo Bot (turn 1) heard: is it raining"
    audio = b"".join(e.data.get_audio() or b"" for e in seen.of(T.CONVERSATION_AUDIO_DELTA))
    assert tones.decode(audio, 24000) == text
    assert seen.of(T.CONVERSATION_CHAT_COMPLETED)[0].data.status == "completed"


async def test_cozepy_async_text_chat(emu: ThreadedEmulator) -> None:
    seen = Seen(T.CONVERSATION_CHAT_COMPLETED)
    build = AsyncWebsocketsChatBuildClient(ws_url(emu), Requester(auth=AsyncTokenAuth(emu.token)))
    chat = build.create(bot_id=emu.demo_bot_id, on_event=seen.async_handlers(T.CONVERSATION_MESSAGE_DELTA))
    async with chat() as client:
        await client.conversation_message_create(
            {"role": "user", "content_type": "text", "content": "ping"}  # type: ignore[arg-type]
        )
        await seen.wait_async()
    assert not seen.errors
    assert "".join(e.data.content for e in seen.of(T.CONVERSATION_MESSAGE_DELTA)).endswith("heard: ping")


def test_cozepy_sync_speech(emu: ThreadedEmulator) -> None:
    seen = Seen(T.SPEECH_AUDIO_COMPLETED)
    build = WebsocketsAudioClient(ws_url(emu), Requester(auth=TokenAuth(emu.token))).speech
    speech = build.create(
        on_event=seen.handlers(T.SPEECH_CREATED, T.INPUT_TEXT_BUFFER_COMPLETED, T.SPEECH_AUDIO_UPDATE)
    )
    with speech() as client:
        client.input_text_buffer_append({"delta": "今天天气不错"})  # type: ignore[arg-type]
        client.input_text_buffer_complete()
        assert seen.done.wait(10)
    assert not seen.errors
    types = [e.event_type for e in seen.events]
    assert (
        types[:2] == [T.SPEECH_CREATED, T.INPUT_TEXT_BUFFER_COMPLETED]
        and types[-1] == T.SPEECH_AUDIO_COMPLETED
    )
    audio = b"".join(e.data.delta for e in seen.of(T.SPEECH_AUDIO_UPDATE))
    assert tones.decode(audio, 24000) == "今天天气不错"


async def test_cozepy_async_speech(emu: ThreadedEmulator) -> None:
    seen = Seen(T.SPEECH_AUDIO_COMPLETED)
    build = AsyncWebsocketsAudioClient(ws_url(emu), Requester(auth=AsyncTokenAuth(emu.token))).speech
    async with build.create(on_event=seen.async_handlers(T.SPEECH_AUDIO_UPDATE))() as client:
        await client.input_text_buffer_append({"delta": "async speech"})  # type: ignore[arg-type]
        await client.input_text_buffer_complete()
        await seen.wait_async()
    audio = b"".join(e.data.delta for e in seen.of(T.SPEECH_AUDIO_UPDATE))
    assert tones.decode(audio, 24000) == "async speech"


def test_cozepy_sync_transcription(emu: ThreadedEmulator) -> None:
    seen = Seen(T.TRANSCRIPTIONS_MESSAGE_COMPLETED)
    build = WebsocketsAudioClient(ws_url(emu), Requester(auth=TokenAuth(emu.token))).transcriptions
    asr = build.create(on_event=seen.handlers(T.TRANSCRIPTIONS_UPDATED, T.TRANSCRIPTIONS_MESSAGE_UPDATE))
    audio = tones.encode("今天天气不错。", 16000)
    with asr() as client:
        client.transcriptions_update({"input_audio": PCM_16K})  # type: ignore[arg-type]
        for i in range(0, len(audio), 6400):
            client.input_audio_buffer_append({"delta": audio[i : i + 6400]})  # type: ignore[arg-type]
        client.input_audio_buffer_complete()
        assert seen.done.wait(10)
    assert not seen.errors
    assert seen.of(T.TRANSCRIPTIONS_MESSAGE_UPDATE)[-1].data.content == "今天天气不错。"


async def test_cozepy_async_transcription(emu: ThreadedEmulator) -> None:
    seen = Seen(T.TRANSCRIPTIONS_MESSAGE_COMPLETED)
    build = AsyncWebsocketsAudioClient(ws_url(emu), Requester(auth=AsyncTokenAuth(emu.token))).transcriptions
    async with build.create(on_event=seen.async_handlers(T.TRANSCRIPTIONS_MESSAGE_UPDATE))() as client:
        await client.transcriptions_update({"input_audio": PCM_16K})  # type: ignore[arg-type]
        await client.input_audio_buffer_append({"delta": tones.encode("async words", 16000)})  # type: ignore[arg-type]
        await client.input_audio_buffer_complete()
        await seen.wait_async()
    assert seen.of(T.TRANSCRIPTIONS_MESSAGE_UPDATE)[-1].data.content == "async words"
