"""Text to speech: espeak-ng when it is on PATH, the tone signal otherwise; and the output formats."""

from __future__ import annotations

import importlib
import shutil
import subprocess
from typing import Any, List, Optional, Tuple

from . import opus, tones
from .pcm import parse_wav, resample, scale, wav_bytes

MEDIA_TYPES = {"wav": "audio/wav", "pcm": "audio/pcm", "mp3": "audio/mpeg", "ogg_opus": "audio/ogg"}


class UnsupportedFormat(Exception):
    pass


def espeak() -> Optional[str]:
    return shutil.which("espeak-ng")


def synthesize(text: str, rate: int, voice_id: str = "", speed: float = 1.0, loudness_rate: int = 0) -> bytes:
    """`text` spoken as mono 16-bit PCM at `rate`."""
    binary = espeak()
    pcm = _espeak(binary, text, rate, speed) if binary and text else None
    if pcm is None:
        pcm = tones.encode(text, rate, voice_id)
    return scale(pcm, loudness_rate)


def _espeak(binary: str, text: str, rate: int, speed: float) -> Optional[bytes]:
    try:
        done = subprocess.run(
            [binary, "--stdout", "-s", str(int(175 * speed)), text],
            capture_output=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    audio = parse_wav(done.stdout)
    return None if audio is None else resample(audio.pcm, audio.rate, rate)


def _lameenc() -> Any:
    """The optional mp3 encoder (the `lameenc` package), or None."""
    try:
        return importlib.import_module("lameenc")
    except ImportError:
        return None


def encode(pcm: bytes, rate: int, fmt: str) -> Tuple[bytes, str]:
    """The audio file for `fmt` (pcm, wav, mp3, ogg_opus) and its media type."""
    if fmt == "pcm":
        return pcm, MEDIA_TYPES[fmt]
    if fmt == "wav":
        return wav_bytes(pcm, rate), MEDIA_TYPES[fmt]
    if fmt == "ogg_opus":
        try:
            return opus.ogg_opus(pcm, rate), MEDIA_TYPES[fmt]
        except opus.CodecUnavailable:
            raise UnsupportedFormat(fmt) from None
    if fmt == "mp3" and mp3_available():
        return b"".join(mp3_pieces(pcm, rate, 64, len(pcm))), MEDIA_TYPES[fmt]
    raise UnsupportedFormat(fmt)


def mp3_available() -> bool:
    return _lameenc() is not None


def mp3_pieces(pcm: bytes, rate: int, kbps: int, piece_bytes: int) -> List[bytes]:
    """`pcm` as one MP3 stream (mono, `kbps` kbit/s), in the non-empty pieces the encoder gives for
    each `piece_bytes` of PCM, then its flush."""
    lameenc = _lameenc()
    if lameenc is None:
        raise UnsupportedFormat("mp3")
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(7)
    step = max(2, piece_bytes - piece_bytes % 2)
    pieces = [bytes(encoder.encode(pcm[i : i + step])) for i in range(0, len(pcm), step)]
    return [piece for piece in [*pieces, bytes(encoder.flush())] if piece]
