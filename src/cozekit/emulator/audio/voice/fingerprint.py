"""Voiceprints: a deterministic spectral profile of a recording, and a 0-100 similarity score."""

from __future__ import annotations

import hashlib
import math
from typing import List

from .pcm import Audio, samples
from .tones import ANALYSIS_RATE, BINS, goertzel

FRAME_MS = 80
MAX_FRAMES = 60
LOW_HZ = [125.0 + 12.5 * i for i in range(24)]
"""Where the emulator's voice hums live; real voices have their pitch here too."""


def fingerprint(audio: Audio) -> List[float]:
    """Average band powers over the first seconds: the pitch band weighs twice the tone band."""
    stride = max(1, audio.rate // ANALYSIS_RATE)
    rate = audio.rate / stride
    values = samples(audio.pcm)[::stride]
    n = int(rate * FRAME_MS / 1000)
    freqs = LOW_HZ + BINS
    coeffs = [2 * math.cos(2 * math.pi * f / rate) for f in freqs]
    totals = [0.0] * len(freqs)
    for start in range(0, min(len(values) - n + 1, n * MAX_FRAMES), n):
        window = values[start : start + n]
        for i, coeff in enumerate(coeffs):
            totals[i] += math.sqrt(max(0.0, goertzel(window, coeff)))
    low, high = _unit(totals[: len(LOW_HZ)]), _unit(totals[len(LOW_HZ) :])
    return [2 * v for v in low] + high


def of_bytes(data: bytes) -> List[float]:
    """A profile for audio the emulator cannot decode: fixed by the bytes, so equal files match."""
    digest = hashlib.sha256(data).digest()
    return _unit([b + 1.0 for b in digest])


def score(a: List[float], b: List[float]) -> float:
    """Cosine similarity scaled to 0-100, two decimals."""
    if len(a) != len(b):
        return 0.0
    dot = sum(x * y for x, y in zip(a, b))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return round(max(0.0, min(1.0, dot / norm)) * 100, 2) if norm else 0.0


def _unit(values: List[float]) -> List[float]:
    norm = math.sqrt(sum(v * v for v in values))
    return [v / norm for v in values] if norm else values
