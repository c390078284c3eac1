"""Interleaved measurement: every round runs each contender once, in rotated order, so that drift
in a noisy machine's speed is shared instead of landing on one contender."""

from __future__ import annotations

import gc
from typing import Callable, Dict, List, Mapping


def interleave(
    contenders: Mapping[str, Callable[[], float]], rounds: int, warmup: int = 1
) -> Dict[str, List[float]]:
    """Runs `warmup` unrecorded rounds, then `rounds` recorded ones; each call returns one sample."""
    names = list(contenders)
    samples: Dict[str, List[float]] = {name: [] for name in names}
    for r in range(warmup + rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            value = contenders[name]()
            if r >= warmup:
                samples[name].append(value)
    return samples
