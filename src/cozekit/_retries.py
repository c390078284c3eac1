"""When to retry, and how long to wait: pure decisions, tested as a table.

Retried: connection failures before the request was sent; 408, 429 and HTTP-200 overload codes
(4009, 4020); 502/503/504 and timeouts after sending only when the request is idempotent or the caller
opted in (Coze has no idempotency keys: a resent chat or workflow run would run twice).
The server's `Retry-After` / `retry-after-ms` is honoured up to `max_retry_after`; asked to wait longer,
we give up at once. Otherwise backoff is exponential with jitter.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import httpx

from ._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY
from ._exceptions import RETRYABLE_CODES

__all__ = ["RetryPolicy"]

_ALWAYS_STATUSES = frozenset({408, 429})
_UNSAFE_STATUSES = frozenset({502, 503, 504})


def _jitter() -> float:
    return 1.0 - 0.25 * random.random()


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff settings. Tests pass `RetryPolicy(initial_delay=0)` or a fixed `jitter` to avoid sleeping."""

    initial_delay: float = INITIAL_RETRY_DELAY
    max_delay: float = MAX_RETRY_DELAY
    max_retry_after: float = MAX_RETRY_AFTER
    jitter: Callable[[], float] = field(default=_jitter, compare=False)

    def backoff(self, retries_taken: int) -> float:
        return min(self.initial_delay * (2.0**retries_taken), self.max_delay) * self.jitter()

    def decide(
        self,
        *,
        retries_taken: int,
        max_retries: int,
        idempotent: bool,
        exc: Optional[BaseException] = None,
        status_code: Optional[int] = None,
        code: Optional[int] = None,
        headers: Optional[httpx.Headers] = None,
    ) -> Optional[float]:
        """Seconds to wait before the next attempt, or None to give up."""
        if retries_taken >= max_retries:
            return None
        should = headers.get("x-should-retry") if headers is not None else None
        if should == "false":
            return None
        if should == "true":
            retry = True
        elif exc is not None:
            retry = was_not_sent(exc) or (idempotent and isinstance(exc, httpx.TransportError))
        elif status_code in _ALWAYS_STATUSES or (code is not None and code in RETRYABLE_CODES):
            retry = True
        elif status_code in _UNSAFE_STATUSES:
            retry = idempotent
        else:
            retry = False
        if not retry:
            return None
        asked = retry_after(headers) if headers is not None else None
        if asked is not None:
            return asked if asked <= self.max_retry_after else None
        return self.backoff(retries_taken)


def was_not_sent(exc: BaseException) -> bool:
    """True for failures that happen before any byte of the request left (safe to resend anything)."""
    return isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


def retry_after(headers: httpx.Headers, now: Optional[float] = None) -> Optional[float]:
    """The wait the server asks for, from `retry-after-ms` or `Retry-After` (seconds or an HTTP date)."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(float(raw_ms) / 1000.0, 0.0)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(raw)
    if parsed is None:
        return None
    when = email.utils.mktime_tz(parsed)
    return max(when - (time.time() if now is None else now), 0.0)
