"""The emulator's audio helpers without a server: WAV parsing, the tone signal, turn detection,
fingerprints."""

from __future__ import annotations

import array
import struct
from typing import List

import pytest

from cozekit.emulator.audio.voice import fingerprint, pcm, tones, vad
from cozekit.emulator.audio.voice.pcm import Audio


def wav(raw: bytes, rate: int, channels: int, bits: int, data_size: int = -1) -> bytes:
    size = len(raw) if data_size < 0 else data_size
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * channels * bits // 8, channels * bits // 8, bits)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + len(raw))
        + b"WAVE"
        + b"fmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + struct.pack("<I", size)
        + raw
    )


def interleave(mono: bytes, bits: int) -> bytes:
    """`mono` 16-bit samples as a stereo file of `bits` per sample (the second channel silent)."""
    out = bytearray()
    for v in pcm.samples(mono):
        if bits == 8:
            out += bytes([(v >> 8) + 128, 128])
        elif bits == 24:
            out += (v << 8).to_bytes(3, "little", signed=True) + b"\0\0\0"
        else:
            out += struct.pack("<hh", v, 0)
    return bytes(out)


@pytest.mark.parametrize("bits", [8, 16, 24])
def test_stereo_wav_of_any_depth_reads_as_mono16(bits: int) -> None:
    signal = tones.encode("deep", 16000)
    parsed = pcm.parse_wav(wav(interleave(signal, bits), 16000, 2, bits))
    assert parsed is not None and parsed.rate == 16000 and len(parsed.pcm) == len(signal)
    assert tones.decode(parsed.pcm, 16000) == "deep"


def test_streamed_wav_with_placeholder_sizes() -> None:
    signal = tones.encode("stream", 24000)
    parsed = pcm.parse_wav(wav(signal, 24000, 1, 16, data_size=0xFFFFFFFF))
    assert parsed is not None and parsed.pcm == signal


def test_not_a_wav() -> None:
    assert pcm.parse_wav(b"ID3" + b"\0" * 64) is None
    assert pcm.parse_wav(b"RIFF\0\0\0\0WAVEdata") is None


def test_trim_resample_and_loudness() -> None:
    signal = tones.encode("x", 8000)
    padded = b"\0" * 400 + signal + b"\0" * 400
    assert pcm.trim(padded) == pcm.trim(signal)
    up = pcm.resample(signal, 8000, 16000)
    assert abs(len(up) - 2 * len(signal)) <= 2 and tones.decode(up, 16000) == "x"
    louder = pcm.samples(pcm.scale(signal, 100))
    assert max(louder) > max(pcm.samples(signal)) and max(louder) <= 32767
    assert pcm.is_silent(b"\0" * 100) and not pcm.is_silent(signal)


def test_tone_signal_is_robust_to_gain_and_offset_but_not_to_a_wrong_rate() -> None:
    signal = tones.encode("Ünïcødé ✓", 22050, "voice")
    quieter = pcm.scale(signal, -50)
    assert tones.decode(b"\0" * 1001 * 2 + quieter, 22050) == "Ünïcødé ✓"
    assert tones.decode(signal, 44100) is None
    assert tones.decode(signal[: len(signal) // 2], 22050) is None
    assert tones.decode(pcm.to_bytes(array.array("h", [3000, -3000] * 4000)), 22050) is None


def test_turn_detector_cuts_turns_on_silence() -> None:
    detector = vad.TurnDetector(16000, silence_ms=200, prefix_ms=100)
    speech, silence = tones.encode("one", 16000), b"\0" * 8000  # 250 ms of silence
    events = []
    for chunk in (silence, speech[:5000], speech[5000:], silence, speech, b"\0" * 1000):
        events += detector.feed(chunk)
    assert [e[0] for e in events] == ["speech_started", "speech_stopped", "speech_started"]
    assert tones.decode(events[1][1], 16000) == "one"
    rest = detector.flush()
    assert tones.decode(rest, 16000) == "one" and detector.flush() == b""


def test_fingerprints_tell_voices_apart() -> None:
    def print_of(text: str, voice: str) -> List[float]:
        return fingerprint.fingerprint(Audio(tones.encode(text, 16000, voice), 16000))

    alice = print_of("my name is alice", "alice")
    assert fingerprint.score(alice, alice) == 100.0
    same_voice = fingerprint.score(alice, print_of("a completely different sentence", "alice"))
    other_voice = fingerprint.score(alice, print_of("my name is alice", "bob"))
    assert same_voice > 80 > other_voice
    assert fingerprint.score(fingerprint.of_bytes(b"x"), fingerprint.of_bytes(b"x")) == 100.0
