"""The emulator's `/v1/audio/speech` and `/v1/audio/transcriptions` through cozekit's WebSocket
clients, sync and async: documented event sequences, real audio, errors."""

from __future__ import annotations

import base64
import json
from typing import Any, List

import pytest
from websockets.sync.client import connect

from cozekit import AsyncCoze, AuthenticationError, Coze, CozeAPIError, TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.audio.backend import DEFAULT_VOICE_ID
from cozekit.emulator.audio.voice import pcm, tones

from ..conftest import spoken
from ..wsutil import FAST, SPEECH_EVENTS, TRANSCRIPTION_EVENTS, Recorder


def sync_coze(emu: ThreadedEmulator, token: str = "") -> Coze:
    return Coze(TokenAuth(token or emu.token), emu.base_url)


def async_coze(emu: ThreadedEmulator) -> AsyncCoze:
    return AsyncCoze(TokenAuth(emu.token), emu.base_url)


def speech_audio(rec: Recorder) -> bytes:
    return b"".join(e.data.delta for e in rec.of("speech.audio.update"))


def test_sync_speech_streams_audio_that_transcribes_back(emu: ThreadedEmulator) -> None:
    rec = Recorder(SPEECH_EVENTS)
    with sync_coze(emu).websockets.audio.speech.create(on_event=rec.handlers, options=FAST) as tts:
        tts.speech_update({"output_audio": {"codec": "pcm", "pcm_config": {"sample_rate": 16000}}})
        tts.input_text_buffer_append({"delta": "Good morning, "})
        tts.input_text_buffer_append({"delta": "Coze!"})
        tts.input_text_buffer_complete()
        tts.wait(timeout=10)
        assert tts.logid
    types = rec.types()
    assert types[:3] == ["speech.created", "speech.updated", "input_text_buffer.completed"]
    assert types[-1] == "speech.audio.completed" and types.count("speech.audio.update") > 3
    updated = rec.of("speech.updated")[0].data.output_audio
    assert updated.codec == "pcm" and updated.pcm_config.sample_rate == 16000
    assert updated.voice_id == DEFAULT_VOICE_ID
    assert rec.of("speech.created")[0].logid == tts.logid
    assert tones.decode(speech_audio(rec), 16000) == "Good morning, Coze!"
    text = sync_coze(emu).audio.transcriptions.create(file=("a.wav", pcm.wav_bytes(speech_audio(rec), 16000)))
    assert text.text == "Good morning, Coze!"


async def test_async_speech_frames_follow_frame_size(emu: ThreadedEmulator) -> None:
    rec = Recorder(SPEECH_EVENTS)
    client = async_coze(emu).websockets.audio.speech.create(on_event=rec.handlers, options=FAST)
    async with client as tts:
        await tts.speech_update({"output_audio": {"pcm_config": {"sample_rate": 8000, "frame_size_ms": 40}}})
        await tts.input_text_buffer_append({"delta": "你好"})
        await tts.input_text_buffer_complete()
        await tts.wait(timeout=10)
        await tts.input_text_buffer_append({"delta": "again"})
        await tts.input_text_buffer_complete()
        await tts.wait(timeout=10)
    chunks = [e.data.delta for e in rec.of("speech.audio.update")]
    assert all(len(c) == 640 for c in chunks[:-1]) and rec.types().count("speech.audio.completed") == 2
    first = b"".join(chunks[: len(tones.encode("你好", 8000)) // 640 + 1])
    assert tones.decode(first, 8000) == "你好"


def test_speech_errors_are_events(emu: ThreadedEmulator) -> None:
    rec = Recorder(SPEECH_EVENTS[:-1])  # no "error" handler: wait() raises it
    with sync_coze(emu).websockets.audio.speech.create(on_event=rec.handlers, options=FAST) as tts:
        tts.speech_update({"output_audio": {"voice_id": "404"}})
        with pytest.raises(CozeAPIError) as err:
            tts.wait(["speech.updated"], timeout=5)
    assert err.value.code == 4000 and "voice_id 404" in err.value.msg


def test_speech_raw_protocol_errors(emu: ThreadedEmulator) -> None:
    """What cozekit refuses locally, sent raw: text over 1024 bytes (3010), bad frames, unknown events."""
    url = emu.base_url.replace("http://", "ws://") + "/v1/audio/speech"
    with connect(url, additional_headers={"Authorization": f"Bearer {emu.token}"}, open_timeout=5) as ws:
        created = json.loads(ws.recv(timeout=5))
        assert created["event_type"] == "speech.created" and created["detail"]["logid"] and created["id"]
        ws.send(json.dumps({"event_type": "input_text_buffer.append", "data": {"delta": "字" * 400}}))
        assert json.loads(ws.recv(timeout=5))["data"]["code"] == 3010
        ws.send("not json")
        assert json.loads(ws.recv(timeout=5))["data"]["code"] == 4000
        ws.send(json.dumps({"event_type": "chat.update", "data": {}}))
        bad = json.loads(ws.recv(timeout=5))
        assert bad["event_type"] == "error" and "chat.update" in bad["data"]["msg"]
        ws.send(json.dumps({"id": "c1", "event_type": "input_text_buffer.complete"}))
        assert json.loads(ws.recv(timeout=5))["event_type"] == "input_text_buffer.completed"
        assert json.loads(ws.recv(timeout=5))["event_type"] == "speech.audio.completed"


def test_bad_token_is_refused_at_the_handshake(emu: ThreadedEmulator) -> None:
    client = sync_coze(emu, token="pat_wrong").websockets.audio.speech.create(options=FAST)
    with pytest.raises(AuthenticationError) as err:
        client.connect()
    assert err.value.code == 4100 and err.value.logid


def test_query_authorization_is_accepted(emu: ThreadedEmulator) -> None:
    url = (
        emu.base_url.replace("http://", "ws://")
        + f"/v1/audio/transcriptions?authorization=Bearer {emu.token}"
    )
    with connect(url.replace(" ", "%20"), open_timeout=5) as ws:
        assert json.loads(ws.recv(timeout=5))["event_type"] == "transcriptions.created"


def chunks_of(data: bytes, size: int = 3200) -> List[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_sync_transcription_of_streamed_pcm(emu: ThreadedEmulator) -> None:
    rec = Recorder(TRANSCRIPTION_EVENTS)
    audio = tones.encode("turn on the lights", 16000)
    with sync_coze(emu).websockets.audio.transcriptions.create(on_event=rec.handlers, options=FAST) as asr:
        asr.transcriptions_update({"input_audio": {"format": "pcm", "sample_rate": 16000}})
        for chunk in chunks_of(audio):
            asr.input_audio_buffer_append({"delta": chunk})
        asr.input_audio_buffer_complete()
        asr.wait(timeout=10)
    types = rec.types()
    assert types[:2] == ["transcriptions.created", "transcriptions.updated"]
    assert types[-3:] == [
        "input_audio_buffer.completed",
        "transcriptions.message.update",
        "transcriptions.message.completed",
    ]
    updates = [e.data.content for e in rec.of("transcriptions.message.update")]
    assert updates[-1] == "turn on the lights" and len(updates) > 2
    assert all("turn on the lights".startswith(u) for u in updates)
    assert rec.of("transcriptions.updated")[0].data.input_audio.sample_rate == 16000


async def test_async_transcription_of_a_wav_file_and_clear(emu: ThreadedEmulator) -> None:
    rec = Recorder(TRANSCRIPTION_EVENTS)
    client = async_coze(emu).websockets.audio.transcriptions.create(on_event=rec.handlers, options=FAST)
    async with client as asr:
        await asr.input_audio_buffer_append({"delta": spoken("forget this")})
        await asr.input_audio_buffer_clear()
        await asr.input_audio_buffer_append({"delta": spoken("今天天气不错", rate=24000)})
        await asr.input_audio_buffer_complete()
        await asr.wait(timeout=10)
    assert "input_audio_buffer.cleared" in rec.types()
    assert rec.of("transcriptions.message.update")[-1].data.content == "今天天气不错"


def test_transcription_of_registered_and_unknown_audio(emu: ThreadedEmulator) -> None:
    noise = bytes((i * 7919) % 251 for i in range(16000))
    emu.control.register_transcript(noise, "registered words")
    rec = Recorder(TRANSCRIPTION_EVENTS)
    with sync_coze(emu).websockets.audio.transcriptions.create(on_event=rec.handlers, options=FAST) as asr:
        asr.transcriptions_update({"input_audio": {"format": "pcm", "sample_rate": 16000}})
        asr.input_audio_buffer_append({"delta": noise})
        asr.input_audio_buffer_complete()
        asr.wait(timeout=10)
        asr.input_audio_buffer_append({"delta": noise[::-1]})
        asr.input_audio_buffer_complete()
        asr.wait(timeout=10)
    finals = [e.data.content for e in rec.of("transcriptions.message.update")]
    assert finals[0] == "registered words" and finals[1].startswith("unrecognized speech (")


def test_transcription_update_errors(emu: ThreadedEmulator) -> None:
    with sync_coze(emu).websockets.audio.transcriptions.create(options=FAST) as asr:
        asr.transcriptions_update({"input_audio": {"format": "pcm", "codec": "g711a"}})
        with pytest.raises(CozeAPIError) as err:
            asr.wait(["transcriptions.updated"], timeout=5)
    assert err.value.code == 4000 and "pcm or opus" in err.value.msg


def test_bad_base64_is_an_error_event(emu: ThreadedEmulator) -> None:
    url = emu.base_url.replace("http://", "ws://") + "/v1/audio/transcriptions"
    with connect(url, additional_headers={"Authorization": f"Bearer {emu.token}"}, open_timeout=5) as ws:
        ws.recv(timeout=5)
        ws.send(json.dumps({"event_type": "input_audio_buffer.append", "data": {"delta": "@@@"}}))
        err: Any = json.loads(ws.recv(timeout=5))
        assert err["event_type"] == "error" and err["data"]["code"] == 4000
        ws.send(
            json.dumps(
                {
                    "event_type": "input_audio_buffer.append",
                    "data": {"delta": base64.b64encode(b"\0\0").decode()},
                }
            )
        )
        ws.send(json.dumps({"event_type": "input_audio_buffer.complete"}))
        assert json.loads(ws.recv(timeout=5))["event_type"] == "input_audio_buffer.completed"
        assert json.loads(ws.recv(timeout=5))["data"] == {"content": ""}
