"""19-digit, time-ordered int64 ids, always handed out as strings (like Coze's)."""

from __future__ import annotations

import secrets
import threading
import time

_COUNTER_BITS = 22


class IdGenerator:
    """Millisecond clock shifted left by 22 bits plus a counter: sortable, unique per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0

    def next(self) -> str:
        with self._lock:
            candidate = int(time.time() * 1000) << _COUNTER_BITS
            self._last = max(candidate, self._last + 1)
            return str(self._last)


def new_logid() -> str:
    """A log id shaped like Coze's: a timestamp to the millisecond, then 12 upper-case hex digits."""
    now = time.time()
    stamp = time.strftime("%Y%m%d%H%M%S", time.localtime(now)) + f"{int(now * 1000) % 1000:03d}"
    return stamp + secrets.token_hex(6).upper()
