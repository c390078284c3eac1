"""Token-bucket rate limits for the proxy, one bucket per key (an end user or a client IP).

    >>> limit = RateLimiter("10/minute")            # bursts of 10, then one more every 6 s
    >>> limit.wait("alice")                         # 0.0: a call may go ahead now
    >>> limit.take("alice")                         # spend one token

Time comes from `clock` (default `time.monotonic`), so tests can move it by hand instead of sleeping.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from typing import Callable, Optional, Tuple, Union

__all__ = ["RateLimiter", "parse_rate"]

_UNITS = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "m": 60.0,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+?)s?\s*$")


def parse_rate(rate: str) -> Tuple[int, float]:
    """`"10/minute"` -> `(10, 60.0)`: how many calls per how many seconds. Units: second, minute, hour,
    day (or s, sec, m, min, h, d; plural allowed), optionally with a count: `"100/15min"`."""
    match = _RATE.match(rate.lower())
    if match is None or match.group(3) not in _UNITS:
        raise ValueError(f"a rate looks like '10/minute' or '100/15min', got {rate!r}")
    calls, count, unit = int(match.group(1)), int(match.group(2) or 1), match.group(3)
    if calls < 1 or count < 1:
        raise ValueError(f"a rate needs at least 1 call per at least 1 {unit}, got {rate!r}")
    return calls, count * _UNITS[unit]


class RateLimiter:
    """`rate` calls per period for each key, in bursts of up to `burst` (default: the rate's count).

    A key's bucket starts full and refills continuously. Buckets are kept for at most `max_keys` keys,
    the least recently used forgotten first (a forgotten key starts full again)."""

    def __init__(
        self,
        rate: str,
        *,
        burst: Optional[int] = None,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        calls, period = parse_rate(rate)
        self.rate = rate
        self.capacity = float(burst if burst is not None else calls)
        if self.capacity < 1:
            raise ValueError("burst must be at least 1")
        self.per_second = calls / period
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, Tuple[float, float]] = OrderedDict()  # key -> (tokens, at)

    def _tokens(self, key: str, now: float) -> float:
        tokens, at = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + max(0.0, now - at) * self.per_second)

    def wait(self, key: str) -> float:
        """Seconds until `key` may make a call (0.0: now). Spends nothing."""
        missing = 1.0 - self._tokens(key, self.clock())
        return 0.0 if missing <= 0 else missing / self.per_second

    def take(self, key: str) -> None:
        """Spend one of `key`'s tokens (call `wait` first: this may go below zero)."""
        now = self.clock()
        self._buckets[key] = (self._tokens(key, now) - 1.0, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)

    def __repr__(self) -> str:
        return f"RateLimiter({self.rate!r}, burst={self.capacity:g})"


def as_limiter(rate: Union[str, RateLimiter, None]) -> Optional[RateLimiter]:
    """A limiter from a rate string, an existing limiter, or None for no limit."""
    return RateLimiter(rate) if isinstance(rate, str) else rate
