"""Opus on the emulator's WebSockets through cozekit (sync and async): speech and voice-chat deltas in
codec opus are raw Opus packets, one a delta; transcription and voice chat take Ogg Opus streams
(format ogg) and raw Opus packets (codec opus, one a delta). Voice chat also speaks MP3."""

from __future__ import annotations

import io
from typing import Any, List

import av
import pytest

from cozekit import AsyncCoze, Coze, CozeAPIError, TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.audio.voice import opus, tones

from ..wsutil import CHAT_EVENTS, FAST, SPEECH_EVENTS, TRANSCRIPTION_EVENTS, Recorder

STREAMED = "an Ogg Opus stream, sent in pieces of 333 bytes"
REPLY = "Cozekit Demo Bot (turn {n}) heard: {text}"


def sync_coze(emu: ThreadedEmulator) -> Coze:
    return Coze(TokenAuth(emu.token), emu.base_url)


def async_coze(emu: ThreadedEmulator) -> AsyncCoze:
    return AsyncCoze(TokenAuth(emu.token), emu.base_url)


def decode_packets(packets: List[bytes], rate: int) -> List[bytes]:
    """Each raw Opus packet's mono 16-bit PCM at `rate`, decoded with PyAV's libopus in order."""
    context: Any = av.CodecContext.create("libopus", "r")
    context.sample_rate = rate
    context.layout = "mono"
    resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
    out = []
    for packet in packets:
        frames = [f for frame in context.decode(av.Packet(packet)) for f in resampler.resample(frame)]
        out.append(b"".join(bytes(f.planes[0])[: 2 * f.samples] for f in frames))
    return out


def packet_ms(packet: bytes) -> float:
    """An Opus packet's duration from its TOC byte (RFC 6716, section 3.1)."""
    config, code = packet[0] >> 3, packet[0] & 3
    if config < 12:
        frame = (10, 20, 40, 60)[config % 4]
    elif config < 16:
        frame = (10, 20)[config % 2]
    else:
        frame = (2.5, 5, 10, 20)[config % 4]
    frames = 1 if code == 0 else 2 if code < 3 else packet[1] & 0x3F
    return frame * frames


def raw_packets(text: str, rate: int, frame_ms: float = 20) -> List[bytes]:
    encoder = opus.PacketEncoder(rate, frame_ms=frame_ms)
    return encoder.encode(tones.encode(text, rate, "caller")) + encoder.flush()


def test_sync_speech_in_opus_is_one_packet_per_frame(emu: ThreadedEmulator) -> None:
    rec = Recorder(SPEECH_EVENTS)
    with sync_coze(emu).websockets.audio.speech.create(on_event=rec.handlers, options=FAST) as tts:
        tts.speech_update(
            {"output_audio": {"codec": "opus", "opus_config": {"sample_rate": 16000, "frame_size_ms": 20}}}
        )
        tts.input_text_buffer_append({"delta": "Opus over a socket"})
        tts.input_text_buffer_complete()
        tts.wait(timeout=10)
    updated = rec.of("speech.updated")[0].data.output_audio
    assert updated.codec == "opus" and updated.opus_config.sample_rate == 16000
    packets = [e.data.delta for e in rec.of("speech.audio.update")]
    pcm = decode_packets(packets, 16000)
    assert len(packets) > 10 and {packet_ms(p) for p in packets} == {20}
    assert tones.decode(b"".join(pcm), 16000) == "Opus over a socket"


async def test_async_speech_opus_defaults_and_cbr(emu: ThreadedEmulator) -> None:
    rec = Recorder(SPEECH_EVENTS)
    async with async_coze(emu).websockets.audio.speech.create(on_event=rec.handlers, options=FAST) as tts:
        await tts.speech_update({"output_audio": {"codec": "opus", "opus_config": {"use_cbr": True}}})
        await tts.input_text_buffer_append({"delta": "constant"})
        await tts.input_text_buffer_complete()
        await tts.wait(timeout=10)
    packets = [e.data.delta for e in rec.of("speech.audio.update")]
    pcm = decode_packets(packets, 24000)
    assert {packet_ms(p) for p in packets} == {10}  # the defaults: 24 kHz, 10 ms frames
    assert len({len(p) for p in packets}) == 1  # CBR: every packet has the same size
    assert tones.decode(b"".join(pcm), 24000) == "constant"


@pytest.mark.parametrize(
    "update",
    [
        {"codec": "opus", "opus_config": {"sample_rate": 22050}},
        {"codec": "opus", "opus_config": {"frame_size_ms": 15}},
        {"codec": "mp3"},
    ],
)
def test_speech_opus_config_errors(emu: ThreadedEmulator, update: Any) -> None:
    with sync_coze(emu).websockets.audio.speech.create(options=FAST) as tts:
        tts.speech_update({"output_audio": update})
        with pytest.raises(CozeAPIError) as err:
            tts.wait(["speech.updated"], timeout=5)
    assert err.value.code == 4000


async def test_transcription_of_an_ogg_opus_stream_in_pieces(emu: ThreadedEmulator) -> None:
    rec = Recorder(TRANSCRIPTION_EVENTS)
    ogg = opus.ogg_opus(tones.encode(STREAMED, 48000, "caller"), 48000)
    client = async_coze(emu).websockets.audio.transcriptions.create(on_event=rec.handlers, options=FAST)
    async with client as asr:
        await asr.transcriptions_update(
            {"input_audio": {"format": "ogg", "codec": "opus", "sample_rate": 16000}}
        )
        for start in range(0, len(ogg), 333):
            await asr.input_audio_buffer_append({"delta": ogg[start : start + 333]})
        await asr.input_audio_buffer_complete()
        await asr.wait(timeout=10)
    updates = [e.data.content for e in rec.of("transcriptions.message.update")]
    assert len(updates) > 2 and updates[0] != updates[-1] and STREAMED.startswith(updates[0])
    assert updates[-1] == STREAMED
    assert rec.of("transcriptions.message.completed")[0].data.content == STREAMED


def test_transcription_of_raw_opus_packets(emu: ThreadedEmulator) -> None:
    rec = Recorder(TRANSCRIPTION_EVENTS)
    with sync_coze(emu).websockets.audio.transcriptions.create(on_event=rec.handlers, options=FAST) as asr:
        asr.transcriptions_update({"input_audio": {"format": "pcm", "codec": "opus", "sample_rate": 16000}})
        for packet in raw_packets("packet by packet", 16000):
            asr.input_audio_buffer_append({"delta": packet})
        asr.input_audio_buffer_complete()
        asr.wait(timeout=10)
    assert rec.of("transcriptions.message.completed")[0].data.content == "packet by packet"


def test_voice_chat_with_raw_opus_in_and_opus_out(emu: ThreadedEmulator) -> None:
    rec = Recorder(CHAT_EVENTS)
    with sync_coze(emu).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    ) as chat:
        chat.chat_update(
            {
                "input_audio": {"format": "pcm", "codec": "opus", "sample_rate": 24000},
                "output_audio": {"codec": "opus", "opus_config": {"sample_rate": 48000, "frame_size_ms": 60}},
            }
        )
        chat.wait(["chat.updated"], timeout=5)
        for packet in raw_packets("opus question", 24000, frame_ms=10):
            chat.input_audio_buffer_append({"delta": packet})
        chat.input_audio_buffer_complete()
        chat.wait(timeout=10)
    assert rec.of("conversation.audio_transcript.completed")[0].data.content == "opus question"
    packets = [e.data.get_audio() for e in rec.of("conversation.audio.delta")]
    pcm = decode_packets(packets, 48000)
    assert {packet_ms(p) for p in packets} == {60}
    assert tones.decode(b"".join(pcm), 48000) == REPLY.format(n=1, text="opus question")


async def test_voice_chat_server_vad_on_an_ogg_stream(emu: ThreadedEmulator) -> None:
    rec = Recorder(CHAT_EVENTS)
    silence = b"\0\0" * 16000
    speech = silence + tones.encode("turn from ogg", 16000, "caller") + silence
    ogg = opus.ogg_opus(speech, 16000)
    client = async_coze(emu).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    )
    async with client as chat:
        await chat.chat_update(
            {
                "input_audio": {"format": "ogg", "codec": "opus", "sample_rate": 16000},
                "turn_detection": {"type": "server_vad", "silence_duration_ms": 300},
            }
        )
        await chat.wait(["chat.updated"], timeout=5)
        for start in range(0, len(ogg), 500):
            await chat.input_audio_buffer_append({"delta": ogg[start : start + 500]})
        await chat.wait(["conversation.chat.completed"], timeout=10)
    types = rec.types()
    assert types.index("input_audio_buffer.speech_started") < types.index("input_audio_buffer.speech_stopped")
    assert rec.of("conversation.audio_transcript.completed")[0].data.content == "turn from ogg"


def test_voice_chat_speaks_mp3(emu: ThreadedEmulator) -> None:
    rec = Recorder(CHAT_EVENTS)
    with sync_coze(emu).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    ) as chat:
        chat.chat_update({"output_audio": {"codec": "mp3", "mp3_config": {"sample_rate": 32000}}})
        chat.wait(["chat.updated"], timeout=5)
        chat.conversation_message_create({"role": "user", "content_type": "text", "content": "in mp3"})
        chat.wait(timeout=10)
    assert rec.of("chat.updated")[0].data.output_audio.mp3_config.sample_rate == 32000
    pieces = [e.data.get_audio() for e in rec.of("conversation.audio.delta")]
    mp3 = b"".join(pieces)
    assert len(pieces) > 3 and mp3[:2] in (b"\xff\xfb", b"\xff\xf3")
    with av.open(io.BytesIO(mp3)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name.startswith("mp3") and stream.codec_context.sample_rate == 32000
    heard = sync_coze(emu).audio.transcriptions.create(file=("reply.mp3", mp3))
    assert heard.text == REPLY.format(n=1, text="in mp3")


def test_voice_chat_refuses_an_unknown_input_codec(emu: ThreadedEmulator) -> None:
    with sync_coze(emu).websockets.chat.create(bot_id=emu.demo_bot_id, options=FAST) as chat:
        chat.chat_update({"input_audio": {"codec": "speex"}})
        with pytest.raises(CozeAPIError) as err:
            chat.wait(["chat.updated"], timeout=5)
    assert err.value.code == 4000 and "opus" in err.value.msg


def test_voice_chat_mp3_rate_must_be_documented(emu: ThreadedEmulator) -> None:
    with sync_coze(emu).websockets.chat.create(bot_id=emu.demo_bot_id, options=FAST) as chat:
        chat.chat_update({"output_audio": {"codec": "mp3", "mp3_config": {"sample_rate": 16000}}})
        with pytest.raises(CozeAPIError) as err:
            chat.wait(["chat.updated"], timeout=5)
    assert err.value.code == 4000 and "mp3_config.sample_rate" in err.value.msg
