"""The emulator's own speech signal: the text's UTF-8 bytes as tones, so its audio transcribes back.

Each byte is two 20 ms symbols (high nibble, low nibble), one of 16 tones between 600 and 2850 Hz;
a 3100 Hz mark opens and closes the message. A quiet voice-specific hum (125-412.5 Hz) runs underneath,
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
    return 125.0 + 12.5 * (int(hashlib.sha256(voice_id.encode()).hexdigest(), 16) % 24)


def symbols_of(text: str) -> List[int]:
    out = [MARK]
    for byte in text.encode():
        out += [byte >> 4, byte & 15]
    return [*out, MARK]


def encode(text: str, rate: int, voice_id: str = "") -> bytes:
    """`text` as mono 16-bit PCM at `rate`."""
    n = rate * SYMBOL_MS // 1000
    hum = hum_hz(voice_id) if voice_id else 0.0
    cache: Dict[Tuple[int, int], bytes] = {}
    chunks = []
    for index, symbol in enumerate(symbols_of(text)):
        # The hum is a multiple of 12.5 Hz, so its phase repeats every 4 symbols (80 ms).
        key = (symbol, index % 4)
        if key not in cache:
            cache[key] = _symbol(BINS[symbol], hum, n, rate, key[1] * n)
        chunks.append(cache[key])
    values = samples(b"".join(chunks))
    fade = min(len(values) // 2, max(1, rate * FADE_MS // 1000))
    for i in range(fade):
        values[i] = int(values[i] * (i + 1) / fade)
        values[-1 - i] = int(values[-1 - i] * (i + 1) / fade)
    return to_bytes(values)


def _symbol(freq: float, hum: float, n: int, rate: int, offset: int) -> bytes:
    """One symbol's samples: the tone, plus the voice's hum continuing from sample `offset`."""
    w, h = 2 * math.pi * freq / rate, 2 * math.pi * hum / rate
    wave = (TONE * math.sin(w * i) + HUM * math.sin(h * (i + offset)) for i in range(n))
    return to_bytes(array.array("h", (int(v) for v in wave)))


class Reader:
    """Decodes the signal incrementally as PCM arrives (each window is analysed once)."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.n = rate * SYMBOL_MS // 1000
        self.stride = max(1, rate // ANALYSIS_RATE)
        self.coeffs = _coefficients(rate / self.stride)
        self.values: array.array[int] = array.array("h")
        self.start: Optional[int] = None
        self.read: List[int] = []
        self.ended = rate < 8000
        self.odd = b""

    def feed(self, pcm: bytes) -> Reader:
        if self.ended:
            return self
        pcm, self.odd = self.odd + pcm, b""
        if len(pcm) % 2:
            pcm, self.odd = pcm[:-1], pcm[-1:]
        scanned = len(self.values)
        self.values.extend(samples(pcm))
        if self.start is None:
            loud = (i for i in range(scanned, len(self.values)) if abs(self.values[i]) > SILENCE)
            self.start = next(loud, None)
        while self.start is not None and not self.ended:
            at = self.start + len(self.read) * self.n
            lo, hi = at + self.n // 5, at + 4 * self.n // 5
            if hi > len(self.values):
                break
            symbol = _strongest(self.values[lo : hi : self.stride], self.coeffs)
            if symbol is None or (not self.read and symbol != MARK):
                self.ended = True
                break
            self.read.append(symbol)
            self.ended = symbol == MARK and len(self.read) > 1
        return self

    def text(self, partial: bool = False) -> Optional[str]:
        """The decoded text; with `partial`, also of an unfinished signal (the whole bytes so far)."""
        read = self.read
        if not read or read[0] != MARK:
            return None
        closed = len(read) > 1 and read[-1] == MARK
        if not closed and not partial:
            return None
        nibbles = read[1:-1] if closed else read[1:]
        if closed and len(nibbles) % 2:
            return None
        raw = bytes((nibbles[i] << 4) | nibbles[i + 1] for i in range(0, len(nibbles) - 1, 2))
        if closed:
            try:
                return raw.decode()
            except UnicodeDecodeError:
                return None
        return raw.decode(errors="ignore")


def decode(pcm: bytes, rate: int, partial: bool = False) -> Optional[str]:
    """The text `encode` put into `pcm` (at `rate`), or None when `pcm` is not such a signal.

    With `partial`, an unfinished signal gives the text of the bytes received so far.
    """
    return Reader(rate).feed(pcm).text(partial)


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
