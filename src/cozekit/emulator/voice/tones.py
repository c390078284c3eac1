"""The emulator's own speech signal: the text's UTF-8 bytes as tones, so its audio transcribes back.

Each byte is two 20 ms symbols (high nibble, low nibble), one of 16 tones between 600 and 2850 Hz;
a 3100 Hz mark opens and closes the message. A quiet voice-specific hum (120-408 Hz) runs underneath,
so voiceprints can tell voices apart. Every tone stays under 4 kHz, so all of Coze's sample rates
(8 kHz and up) carry it. Decoding needs only the sample rate: it finds the first loud sample and
reads one symbol every 20 ms from there.
"""

from __future__ import annotations

import array
import hashlib
import math
from typing import Dict, List, Optional, Tuple

from .pcm import SILENCE, samples, to_bytes

SYMBOL_MS = 20
BASE_HZ = 600.0
STEP_HZ = 150.0
MARK_HZ = 3100.0
TONE = 0.3 * 32767
HUM = 0.08 * 32767
FADE_MS = 1
ANALYSIS_RATE = 8000
NIBBLE_HZ = [BASE_HZ + STEP_HZ * i for i in range(16)]
BINS = [*NIBBLE_HZ, MARK_HZ]
MARK = 16


def hum_hz(voice_id: str) -> float:
    """The voice's hum frequency, fixed by its id."""
    return 120.0 + 12.0 * (int(hashlib.sha256(voice_id.encode()).hexdigest(), 16) % 25)


def symbols_of(text: str) -> List[int]:
    out = [MARK]
    for byte in text.encode():
        out += [byte >> 4, byte & 15]
    return [*out, MARK]


def encode(text: str, rate: int, voice_id: str = "") -> bytes:
    """`text` as mono 16-bit PCM at `rate`."""
    n = rate * SYMBOL_MS // 1000
    fade = max(1, rate * FADE_MS // 1000)
    hum = hum_hz(voice_id) if voice_id else 0.0
    cache: Dict[int, bytes] = {}
    chunks = []
    for symbol in symbols_of(text):
        if symbol not in cache:
            cache[symbol] = _symbol(BINS[symbol], n, rate)
        chunks.append(cache[symbol])
    values = samples(b"".join(chunks))
    total = len(values)
    for i in range(total):
        env = min(1.0, (i + 1) / fade, (total - i) / fade)
        extra = HUM * math.sin(2 * math.pi * hum * i / rate) if hum else 0.0
        values[i] = int(max(-32768, min(32767, values[i] * env + extra * env)))
    return to_bytes(values)


def _symbol(freq: float, n: int, rate: int) -> bytes:
    w = 2 * math.pi * freq / rate
    return to_bytes(array.array("h", (int(TONE * math.sin(w * i)) for i in range(n))))


def decode(pcm: bytes, rate: int, partial: bool = False) -> Optional[str]:
    """The text `encode` put into `pcm` (at `rate`), or None when `pcm` is not such a signal.

    With `partial`, an unfinished signal gives the text of the bytes received so far.
    """
    if rate < 8000:
        return None
    values = samples(pcm)
    start = next((i for i, v in enumerate(values) if abs(v) > SILENCE), None)
    if start is None:
        return None
    n = rate * SYMBOL_MS // 1000
    stride = max(1, rate // ANALYSIS_RATE)
    coeffs = _coefficients(rate / stride)
    read: List[int] = []
    while True:
        lo = start + len(read) * n + n // 5
        hi = start + len(read) * n + 4 * n // 5
        if hi > len(values):
            break
        symbol = _strongest(values[lo:hi:stride], coeffs)
        if symbol is None:
            break
        read.append(symbol)
        if symbol == MARK and len(read) > 1:
            break
    if not read or read[0] != MARK:
        return None
    closed = len(read) > 1 and read[-1] == MARK
    if not closed and not partial:
        return None
    nibbles = read[1:-1] if closed else read[1:]
    if MARK in nibbles or (closed and len(nibbles) % 2):
        return None
    raw = bytes((nibbles[i] << 4) | nibbles[i + 1] for i in range(0, len(nibbles) - 1, 2))
    if closed:
        try:
            return raw.decode()
        except UnicodeDecodeError:
            return None
    return raw.decode(errors="ignore")


def _coefficients(rate: float) -> List[float]:
    return [2 * math.cos(2 * math.pi * f / rate) for f in BINS]


def _strongest(window: array.array[int], coeffs: List[float]) -> Optional[int]:
    best: Tuple[float, int] = (0.0, -1)
    energy = sum(v * v for v in window)
    if energy < (SILENCE * SILENCE) * len(window):
        return None
    for index, coeff in enumerate(coeffs):
        power = goertzel(window, coeff)
        if power > best[0]:
            best = (power, index)
    # A real tone puts most of the window's energy in one bin.
    if best[1] < 0 or best[0] < 0.2 * energy * len(window) / 2:
        return None
    return best[1]


def goertzel(window: array.array[int], coeff: float) -> float:
    """Power of one frequency in `window` (`coeff` = 2·cos(2πf/rate))."""
    s1 = s2 = 0.0
    for x in window:
        s1, s2 = x + coeff * s1 - s2, s1
    return s1 * s1 + s2 * s2 - coeff * s1 * s2
