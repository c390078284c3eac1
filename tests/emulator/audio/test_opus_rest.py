"""Ogg Opus through the audio REST API (cozekit, sync and async): speech in `ogg_opus` is a real Ogg
Opus file, and transcription reads Ogg Opus and MP3 files by decoding them."""

from __future__ import annotations

import hashlib
import io
import struct

import av
import lameenc
import pytest

from cozekit import CozeAPIError
from cozekit.emulator.audio.backend import DEFAULT_VOICE_ID
from cozekit.emulator.audio.voice import opus, tones
from cozekit.types.audio import AudioFormat
from sync_or_async import Client, run


def opus_head(data: bytes) -> tuple[int, int]:
    """(channels, input sample rate) from the OpusHead packet of an Ogg Opus file."""
    at = data.index(b"OpusHead")
    _, channels, _, rate = struct.unpack("<BBHI", data[at + 8 : at + 16])
    return channels, rate


def decoded(data: bytes) -> tuple[str, int, float, bytes]:
    """(codec, rate, seconds, mono 16-bit PCM at 48 kHz) of an audio file, read by PyAV."""
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        frames = [out for frame in container.decode(stream) for out in resampler.resample(frame)]
        name, rate = stream.codec_context.name, stream.codec_context.sample_rate
        assert container.format.name == "ogg"
    samples = b"".join(bytes(f.planes[0])[: 2 * f.samples] for f in frames)
    return name, rate, len(samples) / 2 / 48000, samples


@pytest.mark.parametrize(
    ("rate", "opus_rate"), [(8000, 8000), (16000, 16000), (24000, 24000), (44100, 48000)]
)
async def test_speech_ogg_opus_is_a_real_ogg_opus_file(client: Client, rate: int, opus_rate: int) -> None:
    text = "Opus from the emulator"
    response = await run(
        client.audio.speech.create(
            input=text, voice_id=DEFAULT_VOICE_ID, response_format=AudioFormat.OGG_OPUS, sample_rate=rate
        )
    )
    assert response.content_type == "audio/ogg"
    data = await run(response.read())
    assert data[:4] == b"OggS" and opus_head(data) == (1, opus_rate)
    codec, decoded_rate, seconds, samples = decoded(data)
    expected = len(tones.encode(text, rate)) / 2 / rate
    assert codec == "opus" and decoded_rate == 48000
    assert abs(seconds - expected) < 0.03
    assert tones.decode(samples, 48000) == text
    heard = await run(client.audio.transcriptions.create(file=("speech.ogg", data)))
    assert heard.text == text


async def test_transcription_decodes_ogg_opus_and_mp3_it_did_not_make(client: Client) -> None:
    text = "decoded, not looked up"
    signal = tones.encode(text, 24000, "someone")
    ogg = opus.ogg_opus(signal, 24000)
    assert (await run(client.audio.transcriptions.create(file=("a.opus", ogg)))).text == text
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(64)
    encoder.set_in_sample_rate(24000)
    encoder.set_channels(1)
    mp3 = bytes(encoder.encode(signal) + encoder.flush())
    assert (await run(client.audio.transcriptions.create(file=("a.mp3", mp3)))).text == text
    quiet = opus.ogg_opus(b"\0" * 48000, 24000)
    assert (await run(client.audio.transcriptions.create(file=("quiet.ogg", quiet)))).text == ""


async def test_an_ogg_file_that_does_not_decode_is_unrecognized(client: Client) -> None:
    broken = b"OggS" + bytes(range(200))
    heard = await run(client.audio.transcriptions.create(file=("broken.ogg", broken)))
    assert heard.text == f"unrecognized speech ({hashlib.sha256(broken).hexdigest()[:12]})"


async def test_clone_reads_an_ogg_recording(client: Client) -> None:
    recording = opus.ogg_opus(tones.encode("my own words", 16000, "me"), 16000)
    with pytest.raises(CozeAPIError) as err:
        await run(
            client.audio.voices.clone(
                voice_name="me", file=("me.ogg", recording), audio_format=AudioFormat.OGG, text="not these"
            )
        )
    assert err.value.code == 1109
    voice = await run(
        client.audio.voices.clone(
            voice_name="me", file=("me.ogg", recording), audio_format=AudioFormat.OGG, text="My own words!"
        )
    )
    assert voice.voice_id
