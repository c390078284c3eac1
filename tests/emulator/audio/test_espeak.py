"""With `espeak-ng` on PATH the emulator speaks through it, and its speech still transcribes back.

The test puts a stand-in `espeak-ng` (a small script writing a 22.05 kHz WAV to stdout) on PATH, so
the espeak path runs without the real program.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from cozekit import Coze, TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.audio.backend import DEFAULT_VOICE_ID
from cozekit.emulator.audio.voice import pcm, synth, tones
from cozekit.types.audio import AudioFormat

from ..wsutil import FAST, SPEECH_EVENTS, Recorder

FAKE = '''#!{python}
"""Stand-in espeak-ng: a 50 ms tone per character, as a mono 16-bit 22050 Hz WAV on stdout."""
import math, struct, sys
text = sys.argv[-1]
rate = 22050
out = bytearray()
for i, ch in enumerate(text):
    freq = 180 + (ord(ch) % 40) * 9
    for n in range(rate // 20):
        out += struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * n / rate)))
header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(out), b"WAVE", b"fmt ", 16, 1, 1, rate,
                     rate * 2, 2, 16, b"data", len(out))
sys.stdout.buffer.write(header + bytes(out))
'''


@pytest.fixture
def espeak(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    program = tmp_path / "espeak-ng"
    program.write_text(FAKE.format(python=sys.executable))
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    assert synth.espeak() == str(program)
    return program


def test_rest_speech_uses_espeak_and_transcribes_back(espeak: Path, emu: ThreadedEmulator) -> None:
    coze = Coze(TokenAuth(emu.token), emu.base_url)
    wav = coze.audio.speech.create(
        input="spoken by espeak",
        voice_id=DEFAULT_VOICE_ID,
        response_format=AudioFormat.WAV,
        sample_rate=16000,
    ).read()
    audio = pcm.parse_wav(wav)
    assert audio is not None and audio.rate == 16000
    assert tones.decode(audio.pcm, 16000) is None  # espeak's audio, not the tone signal
    assert abs(len(audio.pcm) // 2 - 16 * 16000 // 20) < 50  # 16 characters, 50 ms each
    assert coze.audio.transcriptions.create(file=("a.wav", wav)).text == "spoken by espeak"
    trimmed = pcm.wav_bytes(b"\0" * 800 + audio.pcm + b"\0" * 800, 16000)  # padded with silence
    assert coze.audio.transcriptions.create(file=("b.wav", trimmed)).text == "spoken by espeak"


def test_ws_speech_uses_espeak_and_transcribes_back(espeak: Path, emu: ThreadedEmulator) -> None:
    coze = Coze(TokenAuth(emu.token), emu.base_url)
    rec = Recorder(SPEECH_EVENTS)
    with coze.websockets.audio.speech.create(on_event=rec.handlers, options=FAST) as tts:
        tts.input_text_buffer_append({"delta": "streamed espeak"})
        tts.input_text_buffer_complete()
        tts.wait(timeout=10)
    raw = b"".join(e.data.delta for e in rec.of("speech.audio.update"))
    assert tones.decode(raw, 24000) is None
    text = coze.audio.transcriptions.create(file=("s.wav", pcm.wav_bytes(raw, 24000))).text
    assert text == "streamed espeak"
