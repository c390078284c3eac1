"""Group commit for a SQLite file: the write transactions of one process's threads, queued behind each
other, share one database transaction and one COMMIT.

SQLite takes one writer at a time, so a process's writers queue here rather than on the database lock
(whose busy handler sleeps milliseconds between tries). The first in line begins a transaction. When its
work is done and another writer is waiting, it hands the open transaction on instead of committing: the
next writer's work runs in it, in a savepoint of its own, and so on; the last one commits for all. Every
writer whose work succeeded returns only once that COMMIT is done (a response never reports a write that
is not durable yet), and fails if it failed. A writer whose work fails rolls back its own savepoint only
(the first one, with nobody else in the transaction yet, rolls the transaction back) and its error is its
own. A transaction is handed on only while it is younger than `max_seconds`, so the first writer of a
group waits at most that long plus one writer's work for its commit.

Under load this saves a COMMIT (pages written once for the group, not once per writer), a BEGIN and a
lock hand-over per writer; a writer alone pays nothing more than before.

Example::

    groups = WriteGroups(begin=..., commit=..., rollback=..., execute=...)
    with groups.member() as conn:  # in a transaction, committed when this block's group is
        conn.raw.execute("INSERT ...")
"""

from __future__ import annotations

import collections
import contextlib
import threading
import time
from typing import Any, Callable, Deque, Generic, Iterator, Optional, TypeVar

C = TypeVar("C")
MAX_SECONDS = 0.005
"""How long a group's transaction may take new writers, from its BEGIN."""
SAVEPOINT = "cozekit_member"


class _Group(Generic[C]):
    """One open transaction and the writers in it."""

    __slots__ = ("conn", "done", "failure", "opened", "size")

    def __init__(self, conn: C) -> None:
        self.conn = conn
        self.opened = time.monotonic()
        self.size = 1
        self.done = threading.Event()
        """Set once the group's COMMIT has run (`failure`: its error, or None)."""
        self.failure: Optional[BaseException] = None


class _Waiter(Generic[C]):
    __slots__ = ("event", "group")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.group: Optional[_Group[C]] = None
        """The transaction handed to this writer; None when it is to begin one."""


class GroupFailed(Exception):
    """The COMMIT of a group this writer's work was in failed; the cause is the database's error."""


class WriteGroups(Generic[C]):
    """The writers of one process, one transaction at a time (see the module's docstring).

    `begin()` returns a connection in a new write transaction; `commit(conn)` commits it and hands it back
    (or raises, having rolled it back and handed it back); `rollback(conn)` rolls it back and hands it
    back; `execute(conn, sql)` runs a savepoint statement. `timeout`: how long a writer waits for its turn
    before it begins a transaction of its own (which then meets the database's busy timeout)."""

    def __init__(
        self,
        *,
        begin: Callable[[], C],
        commit: Callable[[C], None],
        rollback: Callable[[C], None],
        execute: Callable[[C, str], Any],
        timeout: float,
        max_seconds: float = MAX_SECONDS,
    ) -> None:
        self._begin = begin
        self._commit = commit
        self._rollback = rollback
        self._execute = execute
        self.timeout = timeout
        self.max_seconds = max_seconds
        self._lock = threading.Lock()
        self._busy = False
        """A writer holds the turn: it has a transaction open (or is beginning or ending one)."""
        self._waiting: Deque[_Waiter[C]] = collections.deque()
        self.groups = 0
        """Transactions committed or rolled back."""

    @property
    def waiting(self) -> int:
        """Writers waiting for their turn."""
        with self._lock:
            return len(self._waiting)

    @contextlib.contextmanager
    def member(self) -> Iterator[C]:
        """A connection in a write transaction for the block; the block's writes are committed (with the
        group's) when it exits, and an exception in it undoes them alone."""
        group = self._join()
        if group is None:  # waited longer than `timeout`: alone, outside the queue
            conn = self._begin()
            try:
                yield conn
            except BaseException:
                self._rollback(conn)
                raise
            self._commit(conn)
            return
        first = group.size == 1
        if not first:
            self._execute(group.conn, f"SAVEPOINT {SAVEPOINT}")
        try:
            yield group.conn
            if not first:
                self._execute(group.conn, f"RELEASE {SAVEPOINT}")
        except BaseException:
            if first:  # nobody else's work is in the transaction yet
                self._end(group, self._rollback)
            else:
                self._undo(group)
                self._pass(group)
            raise
        if self._pass(group):
            group.done.wait()
        if group.failure is not None:
            raise GroupFailed("the transaction this write was in failed to commit") from group.failure

    def _join(self) -> Optional[_Group[C]]:
        """Wait for this writer's turn: the group it joins (a new one it began, when it leads)."""
        with self._lock:
            if not self._busy:
                self._busy = True
                waiter = None
            else:
                waiter = _Waiter[C]()
                self._waiting.append(waiter)
        if waiter is not None:
            if not waiter.event.wait(self.timeout):
                with self._lock:
                    if waiter in self._waiting:
                        self._waiting.remove(waiter)
                        return None
                waiter.event.wait()  # handed its turn just now
            if waiter.group is not None:
                return waiter.group
        try:
            return _Group(self._begin())
        except BaseException:
            self._next(None)
            raise

    def _undo(self, group: _Group[C]) -> None:
        """Roll back one writer's savepoint. If that fails, the earlier writers' work cannot be kept apart
        from it: the group is failed (and rolled back when it ends)."""
        try:
            self._execute(group.conn, f"ROLLBACK TO {SAVEPOINT}")
            self._execute(group.conn, f"RELEASE {SAVEPOINT}")
        except BaseException as exc:
            group.failure = exc

    def _pass(self, group: _Group[C]) -> bool:
        """Hand the transaction to the next writer waiting (True), or end the group (False)."""
        if group.failure is None:
            with self._lock:
                young = time.monotonic() - group.opened < self.max_seconds
                waiter = self._waiting.popleft() if young and self._waiting else None
                if waiter is not None:
                    group.size += 1
                    waiter.group = group
            if waiter is not None:
                waiter.event.set()
                return True
        self._end(group, self._commit if group.failure is None else self._rollback)
        return False

    def _end(self, group: _Group[C], how: Callable[[C], None]) -> None:
        """Commit or roll back the group's transaction, tell its writers, and give the turn on."""
        try:
            how(group.conn)
        except BaseException as exc:
            group.failure = exc
        finally:
            group.done.set()
            self._next(group)

    def _next(self, ended: Optional[_Group[C]]) -> None:
        with self._lock:
            if ended is not None:
                self.groups += 1
            waiter = self._waiting.popleft() if self._waiting else None
            if waiter is None:
                self._busy = False
        if waiter is not None:
            waiter.event.set()  # it begins the next transaction
