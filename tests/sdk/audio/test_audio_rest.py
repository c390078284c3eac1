"""Audio REST and voiceprint resources against the fake server (in-process), sync and async."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict

import httpx
import pytest

from cozekit import APIConnectionError, Coze, PermissionDeniedError, TokenAuth
from cozekit.types.audio import AudioFormat, RoomConfig
from fake_server import BASE, FakeServer, fake_client
from sync_or_async import Client, collect, run


def ok(data: Any = None) -> httpx.Response:
    body: Dict[str, Any] = {"code": 0, "msg": ""}
    if data is not None:
        body["data"] = data
    return httpx.Response(200, json=body, headers={"x-tt-logid": "rest-logid"})


@pytest.fixture
def make(mode: str) -> Callable[[FakeServer], Client]:
    """A client of the test's `mode` answered by a fake server."""
    return lambda server: fake_client(mode, server, token="pat")


def form(request: httpx.Request) -> bytes:
    return request.content


async def test_voices_list_pages_with_has_more(make: Any) -> None:
    rec = FakeServer(
        ok({"voice_list": [{"voice_id": "v1", "name": "a", "model_type": "big"}], "has_more": True}),
        ok(
            {
                "voice_list": [{"voice_id": "v2", "state": "cloned", "create_time": "1718592898"}],
                "has_more": False,
            }
        ),
    )
    voices = await collect(make(rec).audio.voices.list(voice_state="all", page_size=1))
    assert [v.voice_id for v in voices] == ["v1", "v2"]
    assert voices[1].create_time == 1718592898 and voices[0].model_type == "big"
    first = rec.requests[0].url.params
    assert rec.requests[0].url.path == "/v1/audio/voices"
    assert (first["voice_state"], first["page_num"], first["page_size"]) == ("all", "1", "1")
    assert first["filter_system_voice"] == "false" and rec.requests[1].url.params["page_num"] == "2"


async def test_voices_clone_is_multipart(make: Any, tmp_path: Path) -> None:
    sample = tmp_path / "me.mp3"
    sample.write_bytes(b"ID3" + b"\0" * 100)
    rec = FakeServer(ok({"voice_id": "cloned-1"}))
    voice = await run(
        make(rec).audio.voices.clone(
            voice_name="me", file=sample, audio_format=AudioFormat.MP3, language="zh"
        )
    )
    assert voice.voice_id == "cloned-1" and voice.logid == "rest-logid"
    body = form(rec.requests[0])
    assert rec.requests[0].url.path == "/v1/audio/voices/clone"
    assert b'name="voice_name"\r\n\r\nme' in body and b'name="audio_format"\r\n\r\nmp3' in body
    assert b'name="file"; filename="me.mp3"' in body and b'name="language"\r\n\r\nzh' in body


def test_clone_refuses_oversized_audio_before_io(tmp_path: Path) -> None:
    coze = Coze(TokenAuth("pat"), BASE)
    with pytest.raises(ValueError, match="10 MB"):
        coze.audio.voices.clone(voice_name="x", file=b"\0" * (10 * 1024 * 1024 + 1), audio_format="wav")  # type: ignore[arg-type]


async def test_speech_streams_audio_to_a_file(make: Any, tmp_path: Path) -> None:
    audio = b"ID3" + bytes(range(256)) * 1000
    rec = FakeServer(
        httpx.Response(200, content=audio, headers={"content-type": "audio/mpeg", "x-tt-logid": "L"})
    )
    response = await run(
        make(rec).audio.speech.create(input="你好", voice_id="v1", speed=1.5, emotion="happy")
    )
    assert response.content_type == "audio/mpeg" and response.logid == "L"
    written = await run(response.write_to_file(tmp_path / "hello.mp3"))
    assert written == len(audio) and (tmp_path / "hello.mp3").read_bytes() == audio
    assert not (tmp_path / "hello.mp3.part").exists()
    body = json.loads(rec.requests[0].content)
    assert body == {
        "input": "你好",
        "voice_id": "v1",
        "response_format": "mp3",
        "speed": 1.5,
        "sample_rate": 24000,
        "emotion": "happy",
    }


async def test_speech_chunks_can_be_iterated(make: Any) -> None:
    audio = b"\1\2" * 100_000
    rec = FakeServer(httpx.Response(200, content=audio, headers={"content-type": "audio/wav"}))
    response = await run(
        make(rec).audio.speech.create(input="hi", voice_id="v", response_format=AudioFormat.WAV)
    )
    chunks = await collect(response)
    assert b"".join(chunks) == audio


async def test_speech_json_error_is_a_typed_error(make: Any) -> None:
    rec = FakeServer(
        httpx.Response(200, json={"code": 4101, "msg": "no permission"}, headers={"x-tt-logid": "E"})
    )
    with pytest.raises(PermissionDeniedError) as info:
        await run(make(rec).audio.speech.create(input="hi", voice_id="v"))
    assert info.value.logid == "E"


def test_speech_validates_before_io() -> None:
    speech = Coze(TokenAuth("pat"), BASE).audio.speech
    with pytest.raises(ValueError, match="1024"):
        speech.create(input="字" * 400, voice_id="v")
    with pytest.raises(ValueError, match="sample_rate"):
        speech.create(input="hi", voice_id="v", sample_rate=12345)


def test_a_broken_download_raises_api_connection_error(tmp_path: Path) -> None:
    class Broken(httpx.SyncByteStream):
        def __iter__(self) -> Any:
            yield b"part"
            raise httpx.ReadError("reset")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Broken(), headers={"content-type": "audio/mpeg"})

    coze = Coze(TokenAuth("pat"), BASE, http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(APIConnectionError):
        coze.audio.speech.create(input="hi", voice_id="v").write_to_file(tmp_path / "x.mp3")
    assert not (tmp_path / "x.mp3").exists() and not (tmp_path / "x.mp3.part").exists()


async def test_transcriptions_create(make: Any) -> None:
    rec = FakeServer(ok({"text": "今天天气不错"}))
    result = await run(make(rec).audio.transcriptions.create(file=("q.wav", b"RIFF....")))
    assert result.text == "今天天气不错"
    assert rec.requests[0].url.path == "/v1/audio/transcriptions"
    assert b'name="file"; filename="q.wav"' in form(rec.requests[0])


async def test_rooms_create_sends_config_with_aliases(make: Any) -> None:
    rec = FakeServer(ok({"room_id": "r", "app_id": "a", "token": "t", "uid": "u"}))
    config = RoomConfig.model_validate(
        {"audio_config": {"codec": "OPUS"}, "translate_config": {"from": "zh"}}
    )
    room = await run(make(rec).audio.rooms.create(bot_id="b1", voice_id="v", config=config))
    assert room.room_id == "r" and room.token == "t"
    body = json.loads(rec.requests[0].content)
    assert body == {
        "bot_id": "b1",
        "voice_id": "v",
        "config": {"audio_config": {"codec": "OPUS"}, "translate_config": {"from": "zh"}},
    }


async def test_voiceprint_groups_crud_and_identify(make: Any) -> None:
    rec = FakeServer(
        ok({"id": "g1"}),
        ok(),
        ok({"items": [{"id": "g1", "name": "team", "feature_count": 2, "created_at": 1}], "total": 1}),
        ok({"feature_score_list": [{"feature_id": "f1", "feature_name": "amy", "score": 87.5}]}),
        ok(),
    )
    groups = make(rec).audio.voiceprint_groups
    created = await run(groups.create(name="team", desc="d"))
    await run(groups.update(group_id=created.id, name="team2"))
    listed = await collect(groups.list(name="te"))
    scores = await run(groups.speaker_identify(group_id="g1", file=b"RIFF", top_k=3, sample_rate=16000))
    await run(groups.delete(group_id="g1"))
    calls = [(r.method, r.url.path) for r in rec.requests]
    assert calls == [
        ("POST", "/v1/audio/voiceprint_groups"),
        ("PUT", "/v1/audio/voiceprint_groups/g1"),
        ("GET", "/v1/audio/voiceprint_groups"),
        ("POST", "/v1/audio/voiceprint_groups/g1/speaker_identify"),
        ("DELETE", "/v1/audio/voiceprint_groups/g1"),
    ]
    assert json.loads(rec.requests[0].content) == {"name": "team", "desc": "d"}
    assert listed[0].feature_count == 2 and scores.feature_score_list[0].score == 87.5
    assert b'name="top_k"\r\n\r\n3' in form(rec.requests[3])


async def test_voiceprint_features_crud(make: Any) -> None:
    rec = FakeServer(
        ok({"id": "f1"}),
        ok(),
        ok(),
        ok({"items": [{"id": "f1", "group_id": "g1", "audio_url": "https://x"}], "total": 1}),
        ok(),
    )
    features = make(rec).audio.voiceprint_groups.features
    created = await run(features.create(group_id="g1", name="amy", file=b"RIFF", channel=1))
    await run(features.update(group_id="g1", feature_id="f1", desc="new"))
    await run(features.update(group_id="g1", feature_id="f1", file=b"RIFF2"))
    listed = await collect(features.list(group_id="g1"))
    await run(features.delete(group_id="g1", feature_id="f1"))
    calls = [(r.method, r.url.path) for r in rec.requests]
    assert created.id == "f1" and listed[0].audio_url == "https://x"
    assert calls == [
        ("POST", "/v1/audio/voiceprint_groups/g1/features"),
        ("PUT", "/v1/audio/voiceprint_groups/g1/features/f1"),
        ("PUT", "/v1/audio/voiceprint_groups/g1/features/f1"),
        ("GET", "/v1/audio/voiceprint_groups/g1/features"),
        ("DELETE", "/v1/audio/voiceprint_groups/g1/features/f1"),
    ]
    assert b'name="desc"\r\n\r\nnew' in form(rec.requests[1])
    assert b'name="file"' in form(rec.requests[2])


def test_voiceprint_validation() -> None:
    groups = Coze(TokenAuth("pat"), BASE).audio.voiceprint_groups
    with pytest.raises(ValueError, match="1-20"):
        groups.create(name="x" * 21)
    with pytest.raises(ValueError):
        groups.update(group_id="", name="x")
    with pytest.raises(ValueError, match="update a feature"):
        groups.features.update(group_id="g", feature_id="f")
