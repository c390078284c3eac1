"""Output pacing for `limit_config` (`{period: seconds, max_frame_num}` in `pcm_config` / `opus_config`):
at most `max_frame_num` audio frames go out in each period; the next frame waits for the next period.

The sockets read the time from `clock` (also for `detail.respond_at`). Tests swap in a `VirtualClock`,
whose sleeps return at once and move its time on, so pacing shows in `respond_at` without waiting."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, Optional

from ..core.errors import bad_request


class Clock:
    """Wall-clock time in seconds and real sleeps."""

    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class VirtualClock(Clock):
    """Time that stands still except when slept through (the sleep itself takes no real time)."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.time = start

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        self.time += max(0.0, seconds)
        await asyncio.sleep(0)


clock: Clock = Clock()
"""The sockets' clock (replace it with a `VirtualClock` in tests)."""


class Pacer:
    """At most `max_frames` frames per `period` seconds; a period starts with its first frame."""

    def __init__(self, max_frames: int, period: float) -> None:
        self.max_frames = max_frames
        self.period = period
        self.start: Optional[float] = None
        self.count = 0

    async def frame(self) -> None:
        """Wait (if need be) until one more frame may go out, and count it."""
        now = clock.now()
        if self.start is None or now >= self.start + self.period:
            self.start, self.count = now, 0
        elif self.count >= self.max_frames:
            await clock.sleep(self.start + self.period - now)
            self.start, self.count = clock.now(), 0
        self.count += 1


def check_limit(config: Dict[str, Any], where: str) -> None:
    """`limit_config` of `config` (a pcm_config / opus_config), if any: whole numbers, at least 1."""
    limit = config.get("limit_config")
    if limit is None:
        return
    if not isinstance(limit, dict):
        raise bad_request(f"output_audio.{where}.limit_config must be an object")
    for key in ("period", "max_frame_num"):
        value = limit.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise bad_request(f"output_audio.{where}.limit_config.{key} must be a whole number of at least 1")


def pacer_for(output: Dict[str, Any], pcm_needs_frame_size: bool = False) -> Optional[Pacer]:
    """The pacer the output config asks for: opus_config's limit for opus, pcm_config's for pcm and G.711
    (on `/v1/chat` only with `pcm_config.frame_size_ms` set, as its docs say); mp3 has none."""
    codec = output.get("codec")
    if codec == "mp3":
        return None
    config = (output.get("opus_config") if codec == "opus" else output.get("pcm_config")) or {}
    if codec != "opus" and pcm_needs_frame_size and not config.get("frame_size_ms"):
        return None
    limit = config.get("limit_config") or {}
    if not limit.get("period") or not limit.get("max_frame_num"):
        return None
    return Pacer(int(limit["max_frame_num"]), float(limit["period"]))
