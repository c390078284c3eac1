"""Audio REST through cozekit (sync and async) against the emulator: voices, speech, transcriptions,
rooms, and the control plane's registered transcripts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from cozekit import BadRequestError, CozeAPIError
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.audio.backend import DEFAULT_VOICE_ID
from cozekit.emulator.audio.voice import pcm, tones
from cozekit.types.audio import AudioFormat
from sync_or_async import Client, collect, run

from ..conftest import spoken


async def test_system_voices_are_listed_and_filtered(client: Client) -> None:
    voices = await collect(client.audio.voices.list())
    assert DEFAULT_VOICE_ID in [v.voice_id for v in voices]
    assert all(v.is_system_voice for v in voices) and len(voices) == 4
    small = await collect(client.audio.voices.list(model_type="small"))
    assert [v.model_type for v in small] == ["small"]
    paged = await collect(client.audio.voices.list(page_size=1))
    assert [v.voice_id for v in paged] == [v.voice_id for v in voices]
    assert await collect(client.audio.voices.list(filter_system_voice=True)) == []


async def test_clone_then_retrain_a_voice(client: Client, tmp_path: Path) -> None:
    sample = tmp_path / "me.wav"
    sample.write_bytes(spoken("this is my voice"))
    voice = await run(
        client.audio.voices.clone(
            voice_name="me",
            file=sample,
            audio_format=AudioFormat.WAV,
            language="en",
            text="This is my voice.",
        )
    )
    mine = await collect(client.audio.voices.list(filter_system_voice=True))
    assert [(v.voice_id, v.name, v.is_system_voice, v.language_code) for v in mine] == [
        (voice.voice_id, "me", False, "en")
    ]
    assert mine[0].available_training_times == 9
    again = await run(
        client.audio.voices.clone(
            voice_name="me v2", file=sample, audio_format=AudioFormat.WAV, voice_id=voice.voice_id
        )
    )
    assert again.voice_id == voice.voice_id
    mine = await collect(client.audio.voices.list(filter_system_voice=True))
    assert (mine[0].name, mine[0].available_training_times) == ("me v2", 8)


async def test_clone_rejects_audio_that_says_something_else(client: Client) -> None:
    with pytest.raises(CozeAPIError) as err:
        await run(
            client.audio.voices.clone(
                voice_name="me",
                file=("me.wav", spoken("hello")),
                audio_format=AudioFormat.WAV,
                text="goodbye",
            )
        )
    assert err.value.code == 1109 and err.value.logid


@pytest.mark.parametrize("rate", [8000, 24000, 48000])
async def test_speech_wav_has_the_rate_and_transcribes_back(client: Client, rate: int) -> None:
    response = await run(
        client.audio.speech.create(
            input="Hello from the emulator",
            voice_id=DEFAULT_VOICE_ID,
            response_format=AudioFormat.WAV,
            sample_rate=rate,
        )
    )
    assert response.content_type == "audio/wav"
    audio = await run(response.read())
    parsed = pcm.parse_wav(audio)
    assert parsed is not None and parsed.rate == rate and len(parsed.pcm) > rate // 10
    assert tones.decode(parsed.pcm, rate) == "Hello from the emulator"
    text = await run(client.audio.transcriptions.create(file=("hello.wav", audio)))
    assert text.text == "Hello from the emulator"


async def test_speech_pcm_and_mp3_transcribe_back(client: Client, tmp_path: Path) -> None:
    raw = await run(
        client.audio.speech.create(
            input="你好，世界", voice_id=DEFAULT_VOICE_ID, response_format=AudioFormat.PCM, sample_rate=16000
        )
    )
    assert raw.content_type == "audio/pcm"
    pcm_bytes = await run(raw.read())
    assert tones.decode(pcm_bytes, 16000) == "你好，世界"
    assert (await run(client.audio.transcriptions.create(file=("a.pcm", pcm_bytes)))).text == "你好，世界"
    mp3 = await run(client.audio.speech.create(input="an mp3 file", voice_id=DEFAULT_VOICE_ID))
    assert mp3.content_type == "audio/mpeg"
    written = await run(mp3.write_to_file(tmp_path / "a.mp3"))
    data = (tmp_path / "a.mp3").read_bytes()
    assert written == len(data) and data[:2] in (b"\xff\xf3", b"\xff\xfb", b"\xff\xf2")
    text = await run(client.audio.transcriptions.create(file=tmp_path / "a.mp3"))
    assert text.text == "an mp3 file"


async def test_speech_errors(client: Client) -> None:
    with pytest.raises(BadRequestError, match="response_format"):
        await run(
            client.audio.speech.create(
                input="x", voice_id=DEFAULT_VOICE_ID, response_format=AudioFormat("flac")
            )
        )
    with pytest.raises(CozeAPIError) as err:
        await run(client.audio.speech.create(input="x", voice_id="123"))
    assert err.value.code == 4000 and "voice_id 123" in err.value.msg
    with pytest.raises(CozeAPIError) as err:
        await run(client.audio.speech.create(input="x", voice_id="7000000000000100002", emotion="happy"))
    assert err.value.code == 4000


def test_speech_text_over_1024_bytes_is_3010(emu: ThreadedEmulator) -> None:
    resp = httpx.post(
        emu.base_url + "/v1/audio/speech",
        json={"input": "字" * 400, "voice_id": DEFAULT_VOICE_ID},
        headers={"Authorization": f"Bearer {emu.token}"},
    )
    assert resp.json()["code"] == 3010 and resp.headers["x-tt-logid"]


async def test_transcription_of_other_audio(client: Client, emu: ThreadedEmulator) -> None:
    silence = pcm.wav_bytes(b"\0" * 32000, 16000)
    assert (await run(client.audio.transcriptions.create(file=("quiet.wav", silence)))).text == ""
    noise = pcm.wav_bytes(bytes((i * 7919) % 251 for i in range(32000)), 16000)
    unknown = await run(client.audio.transcriptions.create(file=("noise.wav", noise)))
    assert unknown.text == f"unrecognized speech ({hashlib.sha256(noise).hexdigest()[:12]})"
    emu.control.register_transcript(noise, "what a noise")
    assert (await run(client.audio.transcriptions.create(file=("noise.wav", noise)))).text == "what a noise"
    other = b"OggS" + bytes(range(200))
    emu.control.register_transcript(hashlib.sha256(other).hexdigest(), "by hash")
    assert (await run(client.audio.transcriptions.create(file=("x.ogg", other)))).text == "by hash"


async def test_rooms(client: Client, emu: ThreadedEmulator) -> None:
    room = await run(
        client.audio.rooms.create(
            bot_id=emu.demo_bot_id, uid="u1", config={"turn_detection": {"type": "server_vad"}}
        )
    )
    assert room.uid == "u1" and room.room_id.startswith("room_") and room.token and room.app_id
    with pytest.raises(CozeAPIError) as err:
        await run(client.audio.rooms.create(bot_id="42"))
    assert err.value.code == 4006


async def test_audio_needs_a_token(emu: ThreadedEmulator) -> None:
    resp = httpx.get(emu.base_url + "/v1/audio/voices")
    assert resp.status_code == 401 and resp.json()["code"] == 4100
