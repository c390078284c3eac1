"""The emulator's `/v1/audio/simult_interpretation` through cozekit's WebSocket clients, sync and async:
streamed speech, its transcript, the deterministic translation (a language tag, glossary terms replaced)
spoken back, and the errors."""

from __future__ import annotations

import json
from typing import Any, List, Tuple

import pytest
from websockets.sync.client import connect

from cozekit import AsyncCoze, AuthenticationError, Coze, CozeAPIError, TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.audio.backend import DEFAULT_VOICE_ID
from cozekit.emulator.audio.voice import pcm, tones

from ..conftest import spoken
from ..wsutil import FAST, SIMULT_EVENTS, Recorder

PIECE_EVENTS = ("simult_interpretation.translation.delta", "simult_interpretation.audio.delta")


def sync_coze(emu: ThreadedEmulator, token: str = "") -> Coze:
    return Coze(TokenAuth(token or emu.token), emu.base_url)


def text_of(rec: Recorder, kind: str) -> str:
    return "".join(e.data.delta for e in rec.of(f"simult_interpretation.{kind}.delta"))


def pieces(rec: Recorder) -> List[Tuple[str, bytes]]:
    """(translation, spoken audio) of each translated piece, in order."""
    out: List[Tuple[str, bytes]] = []
    last = ""
    with rec.lock:
        events = list(rec.events)
    for event_type, event in events:
        if event_type not in PIECE_EVENTS:
            last = event_type
            continue
        if event_type != last and event_type == PIECE_EVENTS[0]:
            out.append(("", b""))
        text, audio = out[-1]
        if event_type == PIECE_EVENTS[0]:
            out[-1] = (text + event.data.delta, audio)
        else:
            out[-1] = (text, audio + event.data.delta)
        last = event_type
    return out


def heard(emu: ThreadedEmulator, audio: bytes, rate: int) -> str:
    """What the emulator's transcription makes of PCM it sent."""
    result = sync_coze(emu).audio.transcriptions.create(file=("a.wav", pcm.wav_bytes(audio, rate)))
    return result.text


def test_sync_sentences_are_translated_and_spoken_as_they_arrive(emu: ThreadedEmulator) -> None:
    rec = Recorder(SIMULT_EVENTS)
    source = "Good morning. How is the weather today?"
    audio = tones.encode(source, 16000)
    config = {
        "input_audio": {"format": "pcm", "sample_rate": 16000},
        "output_audio": {"pcm_config": {"sample_rate": 16000}},
        "translate_config": {
            "from": "en",
            "to": "zh",
            "glossary": [{"original": "Weather", "translation": "天气"}],
            "hot_words": ["Coze"],
        },
    }
    client = sync_coze(emu).websockets.audio.simult_interpretation.create(on_event=rec.handlers, options=FAST)
    with client as si:
        si.simult_interpretation_update(config)
        for start in range(0, len(audio), 3200):
            si.input_audio_buffer_append({"delta": audio[start : start + 3200]})
        si.input_audio_buffer_complete()
        si.wait(timeout=20)
        assert si.logid
    types = rec.types()
    assert types[:2] == ["simult_interpretation.created", "simult_interpretation.updated"]
    assert types[-2:] == ["input_audio_buffer.completed", "simult_interpretation.message.completed"]
    assert rec.of("simult_interpretation.created")[0].logid == si.logid

    updated = rec.of("simult_interpretation.updated")[0].data
    assert updated.translate_config.from_ == "en" and updated.translate_config.to == "zh"
    assert updated.translate_config.hot_words == ["Coze"]
    assert updated.translate_config.glossary[0].translation == "天气"
    assert updated.input_audio.sample_rate == 16000 and updated.output_audio.voice_id == DEFAULT_VOICE_ID

    assert text_of(rec, "transcription") == source
    assert len(rec.of("simult_interpretation.transcription.delta")) > 2
    assert text_of(rec, "translation") == "[en→zh] Good morning. How is the 天气 today?"
    # the first sentence is translated and spoken before the second one is heard in full
    first = types.index("simult_interpretation.translation.delta")
    later = [e.data.delta for t, e in rec.events[first:] if t == "simult_interpretation.transcription.delta"]
    assert "today?" in "".join(later)
    spoken_pieces = pieces(rec)
    assert [text for text, _ in spoken_pieces] == ["[en→zh] Good morning.", " How is the 天气 today?"]
    assert [heard(emu, audio, 16000) for _, audio in spoken_pieces] == [
        "[en→zh] Good morning.",
        "How is the 天气 today?",
    ]


async def test_async_wav_speech_is_translated_on_complete(emu: ThreadedEmulator) -> None:
    rec = Recorder(SIMULT_EVENTS)
    coze = AsyncCoze(TokenAuth(emu.token), emu.base_url)
    client = coze.websockets.audio.simult_interpretation.create(on_event=rec.handlers, options=FAST)
    async with client as si:
        await si.simult_interpretation_update(
            {"output_audio": {"pcm_config": {"sample_rate": 8000, "frame_size_ms": 40}}}
        )
        await si.input_audio_buffer_append({"delta": spoken("你好 世界", 16000)})
        await si.input_audio_buffer_complete()
        await si.wait(timeout=20)
        # a second message in the same session starts with the tag again
        await si.input_audio_buffer_append({"delta": spoken("再见", 16000)})
        await si.input_audio_buffer_complete()
        await si.wait(timeout=20)
    updated = rec.of("simult_interpretation.updated")[0].data
    assert (updated.translate_config.from_, updated.translate_config.to) == ("zh", "en")
    types = rec.types()
    assert types.count("simult_interpretation.message.completed") == 2
    end = types.index("simult_interpretation.message.completed")
    completed = types.index("input_audio_buffer.completed")
    assert completed < types.index("simult_interpretation.translation.delta")
    assert (
        "".join(e.data.delta for t, e in rec.events[:end] if t == "simult_interpretation.transcription.delta")
        == "你好 世界"
    )
    assert text_of(rec, "translation") == "[zh→en] 你好 世界[zh→en] 再见"
    frames = [e.data.delta for e in rec.of("simult_interpretation.audio.delta")]
    assert len(frames) > 4 and sum(len(frame) != 640 for frame in frames) <= 2  # 40 ms at 8 kHz, 16-bit
    assert [heard(emu, audio, 8000) for _, audio in pieces(rec)] == ["[zh→en] 你好 世界", "[zh→en] 再见"]


async def test_a_registered_recording_and_silence(emu: ThreadedEmulator) -> None:
    noise = bytes(range(256)) * 40
    emu.control.register_transcript(noise, "Nice to meet you")
    rec = Recorder(SIMULT_EVENTS)
    coze = AsyncCoze(TokenAuth(emu.token), emu.base_url)
    async with coze.websockets.audio.simult_interpretation.create(on_event=rec.handlers, options=FAST) as si:
        await si.simult_interpretation_update({"translate_config": {"from": "en", "to": "zh"}})
        await si.input_audio_buffer_complete()  # nothing heard: the message just ends
        await si.wait(timeout=10)
        assert text_of(rec, "translation") == "" and rec.of("simult_interpretation.audio.delta") == []
        await si.input_audio_buffer_append({"delta": noise})
        await si.input_audio_buffer_complete()
        await si.wait(timeout=20)
    assert text_of(rec, "transcription") == "Nice to meet you"
    assert text_of(rec, "translation") == "[en→zh] Nice to meet you"


@pytest.mark.parametrize(
    ("update", "words"),
    [
        ({"translate_config": {"from": "fr"}}, "translate_config.from"),
        ({"translate_config": {"from": "en", "to": "en"}}, "must differ"),
        ({"translate_config": {"glossary": [{"original": "", "translation": "x"}]}}, "glossary"),
        ({"output_audio": {"voice_id": "404"}}, "voice_id 404"),
        ({"output_audio": {"codec": "mp3"}}, "output_audio.codec"),
        ({"input_audio": {"sample_rate": 1234}}, "sample_rate"),
    ],
)
def test_bad_updates_are_error_events(emu: ThreadedEmulator, update: Any, words: str) -> None:
    rec = Recorder(SIMULT_EVENTS[:-1])  # no "error" handler: wait() raises it
    client = sync_coze(emu).websockets.audio.simult_interpretation.create(on_event=rec.handlers, options=FAST)
    with client as si:
        si.simult_interpretation_update(update)
        with pytest.raises(CozeAPIError) as err:
            si.wait(["simult_interpretation.updated"], timeout=5)
    assert err.value.code == 4000 and words in err.value.msg and err.value.logid
    assert rec.types() == ["simult_interpretation.created"]


def test_raw_protocol(emu: ThreadedEmulator) -> None:
    """What cozekit never sends, sent raw: events of other sockets, bad audio, bad glossary items."""
    url = emu.base_url.replace("http://", "ws://") + "/v1/audio/simult_interpretation"
    with connect(url, additional_headers={"Authorization": f"Bearer {emu.token}"}, open_timeout=5) as ws:
        created = json.loads(ws.recv(timeout=5))
        assert created["event_type"] == "simult_interpretation.created" and created["detail"]["logid"]
        ws.send(json.dumps({"event_type": "input_audio_buffer.clear"}))
        assert "input_audio_buffer.clear" in json.loads(ws.recv(timeout=5))["data"]["msg"]
        ws.send(json.dumps({"event_type": "input_audio_buffer.append", "data": {"delta": "@@"}}))
        assert json.loads(ws.recv(timeout=5))["data"]["code"] == 4000
        glossary = {"translate_config": {"glossary": ["word"]}}
        ws.send(json.dumps({"event_type": "simult_interpretation.update", "data": glossary}))
        assert json.loads(ws.recv(timeout=5))["data"]["code"] == 4000
        ws.send(json.dumps({"id": "c1", "event_type": "input_audio_buffer.complete"}))
        assert json.loads(ws.recv(timeout=5))["event_type"] == "input_audio_buffer.completed"
        assert json.loads(ws.recv(timeout=5))["event_type"] == "simult_interpretation.message.completed"


def test_bad_token_is_refused_at_the_handshake(emu: ThreadedEmulator) -> None:
    client = sync_coze(emu, token="pat_wrong").websockets.audio.simult_interpretation.create(options=FAST)
    with pytest.raises(AuthenticationError) as err:
        client.connect()
    assert err.value.code == 4100 and err.value.logid
