"""16-bit little-endian PCM and WAV: parse, build, trim, resample, loudness."""

from __future__ import annotations

import array
import struct
import sys
from typing import NamedTuple, Optional

SILENCE = 600
"""Samples quieter than this (of 32767) count as silence."""


class Audio(NamedTuple):
    pcm: bytes
    """Mono 16-bit little-endian samples."""
    rate: int


def samples(pcm: bytes) -> array.array[int]:
    out = array.array("h")
    out.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    if sys.byteorder == "big":  # pragma: no cover - every supported platform is little-endian
        out.byteswap()
    return out


def to_bytes(values: array.array[int]) -> bytes:
    if sys.byteorder == "big":  # pragma: no cover
        values = array.array("h", values)
        values.byteswap()
    return values.tobytes()


def wav_bytes(pcm: bytes, rate: int) -> bytes:
    """A mono 16-bit WAV file around `pcm`."""
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(pcm),
        b"WAVE",
        b"fmt ",
        16,
        1,
        1,
        rate,
        rate * 2,
        2,
        16,
        b"data",
        len(pcm),
    )
    return header + pcm


def parse_wav(data: bytes) -> Optional[Audio]:
    """The first channel of a PCM WAV file as mono 16-bit; None when `data` is not a PCM WAV.

    Streamed WAV headers often carry placeholder sizes, so a data chunk may run to the end.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        kind, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = pos + 8
        if kind == b"fmt " and size >= 16:
            fmt = struct.unpack("<HHIIHH", data[body : body + 16])
        elif kind == b"data" and fmt is not None:
            tag, channels, rate, _, _, bits = fmt
            if tag not in (1, 0xFFFE) or bits not in (8, 16, 24, 32) or channels < 1:
                return None
            raw = data[body : min(len(data), body + size)]
            return Audio(mono16(raw, channels, bits // 8), rate)
        pos = body + size + (size & 1)
    return None


def mono16(raw: bytes, channels: int, width: int) -> bytes:
    """Keep the first channel and convert it to signed 16-bit."""
    if channels == 1 and width == 2:
        return raw[: len(raw) - len(raw) % 2]
    frame = channels * width
    out = array.array("h")
    for i in range(0, len(raw) - frame + 1, frame):
        chunk = raw[i : i + width]
        if width == 1:
            out.append((chunk[0] - 128) << 8)
        else:
            out.append(int.from_bytes(chunk[-2:], "little", signed=True))
    return to_bytes(out)


def trim(pcm: bytes, threshold: int = SILENCE) -> bytes:
    """`pcm` without its leading and trailing silence."""
    values = samples(pcm)
    start = next((i for i, v in enumerate(values) if abs(v) > threshold), len(values))
    end = len(values)
    while end > start and abs(values[end - 1]) <= threshold:
        end -= 1
    return to_bytes(values[start:end])


def is_silent(pcm: bytes, threshold: int = SILENCE) -> bool:
    return all(abs(v) <= threshold for v in samples(pcm))


def resample(pcm: bytes, src: int, dst: int) -> bytes:
    """Linear-interpolation resampling (good enough for speech played back by tests)."""
    if src == dst or not pcm:
        return pcm
    values = samples(pcm)
    n = max(1, int(len(values) * dst / src))
    out = array.array("h", bytes(2 * n))
    step = (len(values) - 1) / max(1, n - 1)
    for i in range(n):
        x = i * step
        j = int(x)
        frac = x - j
        nxt = values[min(j + 1, len(values) - 1)]
        out[i] = int(values[j] + (nxt - values[j]) * frac)
    return to_bytes(out)


def scale(pcm: bytes, loudness_rate: int) -> bytes:
    """Apply Coze's `loudness_rate` (-50..100 percent)."""
    if not loudness_rate:
        return pcm
    factor = 1 + loudness_rate / 100
    values = samples(pcm)
    return to_bytes(array.array("h", (max(-32768, min(32767, int(v * factor))) for v in values)))
