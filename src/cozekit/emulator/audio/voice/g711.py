"""G.711 A-law and μ-law (ITU-T G.711), to and from 16-bit PCM, by lookup tables."""

from __future__ import annotations

import array
from typing import List

from .pcm import samples, to_bytes

_BIAS = 0x84
_ULAW_SEGMENT_ENDS = (0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF)


def _ulaw_decode(byte: int) -> int:
    byte = ~byte & 0xFF
    magnitude = (((byte & 0x0F) << 3) + _BIAS) << ((byte & 0x70) >> 4)
    return _BIAS - magnitude if byte & 0x80 else magnitude - _BIAS


def _alaw_decode(byte: int) -> int:
    byte ^= 0x55
    exponent = (byte & 0x70) >> 4
    mantissa = byte & 0x0F
    value = (mantissa << 4) + 8 if exponent == 0 else ((mantissa << 4) + 0x108) << (exponent - 1)
    return value if byte & 0x80 else -value


def _ulaw_encode(sample: int) -> int:
    value = sample >> 2  # 14-bit
    mask = 0x7F if value < 0 else 0xFF
    value = min(abs(value), 8159) + 0x21
    segment = next((i for i, end in enumerate(_ULAW_SEGMENT_ENDS) if value <= end), 8)
    if segment >= 8:
        return 0x7F ^ mask
    return ((segment << 4) | ((value >> (segment + 1)) & 0x0F)) ^ mask


def _alaw_encode(sample: int) -> int:
    sign = 0x80 if sample >= 0 else 0
    magnitude = min(32767, abs(sample)) >> 3
    if magnitude < 32:
        code = magnitude >> 1
    else:
        exponent = magnitude.bit_length() - 5
        code = (exponent << 4) | ((magnitude >> exponent) & 0x0F)
    return (sign | code) ^ 0x55


_DECODE = {"g711u": [_ulaw_decode(b) for b in range(256)], "g711a": [_alaw_decode(b) for b in range(256)]}
_ENCODERS = {"g711u": _ulaw_encode, "g711a": _alaw_encode}
_ENCODE: dict[str, List[int]] = {}


def decode(data: bytes, codec: str) -> bytes:
    """G.711 bytes (`g711a` or `g711u`) as 16-bit PCM."""
    table = _DECODE[codec]
    return to_bytes(array.array("h", (table[b] for b in data)))


def encode(pcm: bytes, codec: str) -> bytes:
    """16-bit PCM as G.711 bytes."""
    table = _ENCODE.get(codec)
    if table is None:
        table = _ENCODE[codec] = [_ENCODERS[codec](v - 32768) for v in range(65536)]
    return bytes(table[v + 32768] for v in samples(pcm))
