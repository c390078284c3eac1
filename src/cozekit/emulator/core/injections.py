"""Control-plane state that lives outside the store: scripted replies and injected faults."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import threading
from collections import deque
from typing import Any, Deque, Dict, Iterator, List, Optional, Tuple

FAULT_KINDS = ("http_error", "business_error", "stream_error", "drop", "latency")


@dataclasses.dataclass
class ScriptedReply:
    """One scripted model turn: text (as chunks), local tool calls, or a failure."""

    chunks: List[str] = dataclasses.field(default_factory=list)
    tool_calls: List[Dict[str, Any]] = dataclasses.field(default_factory=list)
    error: Optional[Dict[str, Any]] = None
    follow_ups: Optional[List[str]] = None
    reasoning: Optional[str] = None


@dataclasses.dataclass
class Fault:
    """A fault to inject into matching requests, `count` times (None = until cleared)."""

    kind: str
    path: str = "*"
    method: Optional[str] = None
    count: Optional[int] = 1
    status: int = 500
    code: Optional[int] = None
    msg: Optional[str] = None
    retry_after: Optional[int] = None
    latency_ms: int = 0
    after_events: int = 0
    id: str = ""

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        if self.path.endswith("*"):
            return path.startswith(self.path[:-1])
        return path == self.path

    def public(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)


class ScriptBook:
    """Per-bot queues of scripted replies, consumed one per model turn."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: Dict[str, Deque[ScriptedReply]] = {}
        self._local = threading.local()
        """`taken`: the replies this thread popped inside `kept_on_failure`."""

    def push(self, bot_id: str, replies: List[ScriptedReply]) -> int:
        with self._lock:
            queue = self._queues.setdefault(bot_id, deque())
            queue.extend(replies)
            return len(queue)

    def pop(self, bot_id: str) -> Optional[ScriptedReply]:
        with self._lock:
            queue = self._queues.get(bot_id)
            reply = queue.popleft() if queue else None
        taken: Optional[List[Tuple[str, ScriptedReply]]] = getattr(self._local, "taken", None)
        if reply is not None and taken is not None:
            taken.append((bot_id, reply))
        return reply

    @contextlib.contextmanager
    def kept_on_failure(self) -> Iterator[None]:
        """Replies this thread pops in the block go back to the front of their queues if the block raises
        (a chat whose transaction failed has played nothing)."""
        outer: Optional[List[Tuple[str, ScriptedReply]]] = getattr(self._local, "taken", None)
        taken: List[Tuple[str, ScriptedReply]] = []
        self._local.taken = taken
        try:
            yield
        except BaseException:
            with self._lock:
                for bot_id, reply in reversed(taken):
                    self._queues.setdefault(bot_id, deque()).appendleft(reply)
            raise
        finally:
            self._local.taken = outer
        if outer is not None:  # an enclosing block that fails puts them back too
            outer.extend(taken)

    def pending(self, bot_id: str) -> int:
        with self._lock:
            return len(self._queues.get(bot_id, ()))

    def clear(self, bot_id: Optional[str] = None) -> None:
        with self._lock:
            if bot_id is None:
                self._queues.clear()
            else:
                self._queues.pop(bot_id, None)


class FaultBook:
    """Armed faults; `take` hands out (and counts down) the ones matching a request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: List[Fault] = []
        self._ids = itertools.count(1)

    def add(self, fault: Fault) -> Fault:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; one of {', '.join(FAULT_KINDS)}")
        with self._lock:
            fault.id = f"fault_{next(self._ids)}"
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> List[Fault]:
        """The matching faults: every latency fault, then at most one other fault."""
        taken: List[Fault] = []
        with self._lock:
            other_taken = False
            for fault in list(self._faults):
                if not fault.matches(method, path):
                    continue
                if fault.kind != "latency":
                    if other_taken:
                        continue
                    other_taken = True
                taken.append(fault)
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
        return taken

    def list(self) -> List[Fault]:
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()


MAX_UNKNOWN_FIELDS = 200


class UnknownFieldLog:
    """The unknown fields seen, one entry per (method, path, field), with a count."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: Dict[Tuple[str, str, str], int] = {}

    def record(self, method: str, path: str, fields: List[str]) -> None:
        with self._lock:
            for field in fields:
                key = (method, path, field)
                if key in self._seen or len(self._seen) < MAX_UNKNOWN_FIELDS:
                    self._seen[key] = self._seen.get(key, 0) + 1

    def entries(self) -> List[Dict[str, Any]]:
        with self._lock:
            return [
                {"method": m, "path": p, "field": f, "count": n}
                for (m, p, f), n in sorted(self._seen.items())
            ]

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
