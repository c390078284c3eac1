"""19-digit, time-ordered int64 ids, always handed out as strings (like Coze's)."""

from __future__ import annotations

import os
import random
import secrets
import threading
import time
from typing import Optional, Tuple

_LOW_BITS = 22
"""Below the millisecond clock: a 10-bit node (one per running process) and a 12-bit sequence."""
_NODE_BITS = 10
_SEQ_BITS = _LOW_BITS - _NODE_BITS
NODES = 1 << _NODE_BITS
_SEQS = 1 << _SEQ_BITS


class IdGenerator:
    """Millisecond clock << 22 | node << 12 | sequence: sortable by time, increasing within a process and
    unique across processes holding different nodes (the store hands each process its own,
    `Store.claim_id_node`; without one, a random node). More than 4096 ids in a millisecond borrow the
    next millisecond, so ids never repeat or go backwards."""

    def __init__(self, node: Optional[int] = None) -> None:
        self.node = secrets.randbelow(NODES) if node is None else node
        if not 0 <= self.node < NODES:
            raise ValueError(f"node must be in 0..{NODES - 1}")
        self._lock = threading.Lock()
        self._ms = 0
        self._seq = 0

    def next(self) -> str:
        with self._lock:
            now = int(time.time() * 1000)
            if now > self._ms:
                self._ms, self._seq = now, 0
            else:
                self._seq += 1
                if self._seq == _SEQS:
                    self._ms, self._seq = self._ms + 1, 0
            return str((self._ms << _LOW_BITS) | (self.node << _SEQ_BITS) | self._seq)


_logid_random = random.Random()
"""Log ids need to differ, not to be secret: a seeded generator, not a system call per request."""
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_logid_random.seed)  # forked workers do not repeat each other
_second: Tuple[int, str] = (0, "")
"""The last second a log id was made in, and its `%Y%m%d%H%M%S` text."""


def new_logid() -> str:
    """A log id shaped like Coze's: a timestamp to the millisecond, then 12 upper-case hex digits."""
    global _second
    now = time.time()
    second, stamp = _second
    if int(now) != second:
        stamp = time.strftime("%Y%m%d%H%M%S", time.localtime(now))
        _second = (int(now), stamp)
    return f"{stamp}{int(now * 1000) % 1000:03d}{_logid_random.getrandbits(48):012X}"
