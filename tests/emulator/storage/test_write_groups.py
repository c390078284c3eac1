"""Group commit on a SQLite file: writers queued behind one share its transaction, each in a savepoint.

Every test orders its writers with events (a writer holds its transaction open until told), so what it
checks does not depend on timing: who is in which transaction, what a reader sees before the COMMIT, and
what each writer gets back."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

from cozekit.emulator.core.store import Store
from cozekit.emulator.core.write_groups import GroupFailed, WriteGroups

WAIT = 10.0


class Writer(threading.Thread):
    """A thread running `body` in one store transaction; `error` is what it raised."""

    def __init__(self, store: Store, body: Callable[[], None]) -> None:
        super().__init__(daemon=True)
        self.store, self.body = store, body
        self.error: Optional[BaseException] = None
        self.done = threading.Event()

    def run(self) -> None:
        try:
            with self.store.transaction():
                self.body()
        except BaseException as exc:
            self.error = exc
        finally:
            self.done.set()

    def finish(self) -> None:
        self.join(WAIT)
        assert not self.is_alive(), "a writer never returned"


def _until(check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, "the writers never queued"
        time.sleep(0.001)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(str(tmp_path / "emulator.sqlite3"))
    assert s._groups is not None
    s._groups.max_seconds = 60.0  # the tests hold transactions open on purpose
    yield s
    s.close()


def _groups(store: Store) -> WriteGroups[Any]:
    assert store._groups is not None
    return store._groups


def _insert(store: Store, id: str) -> Callable[[], None]:
    return lambda: store.insert("thing", {"id": id}, owner="u1") and None


def _held(store: Store, id: str, inside: threading.Event, release: threading.Event) -> Callable[[], None]:
    def body() -> None:
        store.insert("thing", {"id": id}, owner="u1")
        inside.set()
        assert release.wait(WAIT)

    return body


def _stored(store: Store) -> List[str]:
    return sorted(d["id"] for d in store.find("thing"))


def test_writers_queued_behind_one_share_its_transaction_and_return_after_its_commit(store: Store) -> None:
    groups = _groups(store)
    a_inside, a_release, c_inside, c_release = (threading.Event() for _ in range(4))
    a = Writer(store, _held(store, "1", a_inside, a_release))
    a.start()
    assert a_inside.wait(WAIT)
    b = Writer(store, _insert(store, "2"))
    b.start()
    _until(lambda: groups.waiting == 1)
    c = Writer(store, _held(store, "3", c_inside, c_release))
    c.start()
    _until(lambda: groups.waiting == 2)
    before = groups.groups

    a_release.set()  # a hands its transaction to b, b to c
    assert c_inside.wait(WAIT)
    assert not a.done.is_set() and not b.done.is_set()  # their writes are not committed yet
    assert _stored(store) == []  # a reader on another connection sees none of them

    c_release.set()
    for w in (a, b, c):
        w.finish()
        assert w.error is None
    assert _stored(store) == ["1", "2", "3"]
    assert groups.groups == before + 1  # one COMMIT for the three


def test_a_failing_writer_undoes_its_own_work_only(store: Store) -> None:
    groups = _groups(store)
    inside, release = threading.Event(), threading.Event()
    a = Writer(store, _held(store, "1", inside, release))
    a.start()
    assert inside.wait(WAIT)

    def failing() -> None:
        store.insert("thing", {"id": "2"}, owner="u1")
        store.update("thing", {"id": "1", "changed": True}, owner="u1")  # a's row, in the same transaction
        raise ValueError("b fails")

    b = Writer(store, failing)
    b.start()
    _until(lambda: groups.waiting == 1)
    c = Writer(store, _insert(store, "3"))
    c.start()
    _until(lambda: groups.waiting == 2)
    release.set()
    for w in (a, b, c):
        w.finish()
    assert isinstance(b.error, ValueError) and str(b.error) == "b fails"
    assert a.error is None and c.error is None
    assert _stored(store) == ["1", "3"]
    assert store.get("thing", "1") == {"id": "1"}  # b's change to it is undone with the rest of b


def test_a_failing_first_writer_leaves_the_next_to_begin_anew(store: Store) -> None:
    groups = _groups(store)
    inside, release = threading.Event(), threading.Event()

    def failing() -> None:
        _held(store, "1", inside, release)()
        raise ValueError("a fails")

    a = Writer(store, failing)
    a.start()
    assert inside.wait(WAIT)
    b = Writer(store, _insert(store, "2"))
    b.start()
    _until(lambda: groups.waiting == 1)
    release.set()
    a.finish()
    b.finish()
    assert isinstance(a.error, ValueError)
    assert b.error is None
    assert _stored(store) == ["2"]


def test_a_transaction_older_than_max_seconds_is_committed_and_not_handed_on(store: Store) -> None:
    groups = _groups(store)
    groups.max_seconds = 0.0
    a_inside, a_release, b_inside, b_release = (threading.Event() for _ in range(4))
    a = Writer(store, _held(store, "1", a_inside, a_release))
    a.start()
    assert a_inside.wait(WAIT)
    b = Writer(store, _held(store, "2", b_inside, b_release))
    b.start()
    _until(lambda: groups.waiting == 1)
    a_release.set()
    assert b_inside.wait(WAIT)
    a.finish()  # returned while b still holds its own transaction
    assert a.error is None
    assert _stored(store) == ["1"]
    b_release.set()
    b.finish()
    assert _stored(store) == ["1", "2"]


def test_single_statements_and_transactions_queue_together(store: Store) -> None:
    """Many threads, each writing alone or in transactions that sometimes fail: every acknowledged write
    is stored, no failed one is, and nothing is lost or doubled."""
    errors: List[BaseException] = []
    kept: List[str] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        for i in range(60):
            id = f"{t:02d}{i:03d}"
            try:
                if i % 3 == 0:
                    store.insert("thing", {"id": id}, owner="u1")
                else:
                    with store.transaction():
                        store.insert("thing", {"id": id}, owner="u1")
                        if i % 7 == 0:
                            raise KeyError(id)
            except KeyError:
                continue
            except BaseException as exc:
                errors.append(exc)
                continue
            with lock:
                kept.append(id)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        assert not t.is_alive()
    assert errors == []
    assert _stored(store) == sorted(kept)
    assert len(kept) == 8 * (60 - len([i for i in range(60) if i % 3 and i % 7 == 0]))


# -- the queue alone, with a database that is told what to do ------------------------------------------


class Fake:
    """Transactions as lists of statements; `fail_commit`: COMMIT raises."""

    def __init__(self, fail_commit: bool = False) -> None:
        self.fail_commit = fail_commit
        self.begun: List[List[str]] = []
        self.ended: List[str] = []
        self.lock = threading.Lock()

    def begin(self) -> List[str]:
        with self.lock:
            self.begun.append([])
            return self.begun[-1]

    def commit(self, conn: List[str]) -> None:
        if self.fail_commit:
            self.ended.append("rolled back")
            raise OSError("disk I/O error")
        self.ended.append("committed")

    def rollback(self, conn: List[str]) -> None:
        self.ended.append("rolled back")

    def groups(self, **options: Any) -> WriteGroups[List[str]]:
        return WriteGroups(
            begin=self.begin,
            commit=self.commit,
            rollback=self.rollback,
            execute=lambda conn, sql: conn.append(sql),
            **{"timeout": WAIT, "max_seconds": 60.0, **options},
        )


def _member(groups: WriteGroups[List[str]], work: Callable[[List[str]], None], out: Dict[str, Any]) -> None:
    try:
        with groups.member() as conn:
            work(conn)
    except BaseException as exc:
        out["error"] = exc
    out["done"] = True


def test_a_failed_commit_fails_every_writer_of_the_group() -> None:
    db = Fake(fail_commit=True)
    groups = db.groups()
    inside, release = threading.Event(), threading.Event()

    def first(conn: List[str]) -> None:
        conn.append("first")
        inside.set()
        assert release.wait(WAIT)

    outs: List[Dict[str, Any]] = [{}, {}]
    a = threading.Thread(target=_member, args=(groups, first, outs[0]))
    a.start()
    assert inside.wait(WAIT)
    b = threading.Thread(target=_member, args=(groups, lambda conn: conn.append("second"), outs[1]))
    b.start()
    _until(lambda: groups.waiting == 1)
    release.set()
    a.join(WAIT)
    b.join(WAIT)
    assert db.begun == [["first", "SAVEPOINT cozekit_member", "second", "RELEASE cozekit_member"]]
    assert db.ended == ["rolled back"]
    for out in outs:
        assert isinstance(out["error"], GroupFailed)
        assert isinstance(out["error"].__cause__, OSError)


def test_a_writer_that_waits_longer_than_the_timeout_runs_alone() -> None:
    db = Fake()
    groups = db.groups(timeout=0.05)
    inside, release = threading.Event(), threading.Event()

    def first(conn: List[str]) -> None:
        conn.append("first")
        inside.set()
        assert release.wait(WAIT)

    a_out: Dict[str, Any] = {}
    a = threading.Thread(target=_member, args=(groups, first, a_out))
    a.start()
    assert inside.wait(WAIT)
    b_out: Dict[str, Any] = {}
    _member(groups, lambda conn: conn.append("alone"), b_out)  # returns while a holds its transaction
    assert b_out == {"done": True}
    assert db.begun == [["first"], ["alone"]]
    assert groups.waiting == 0
    release.set()
    a.join(WAIT)
    assert a_out == {"done": True}
    assert db.ended == ["committed", "committed"]


def test_a_failed_begin_gives_the_turn_to_the_next_writer() -> None:
    db = Fake()
    calls = {"n": 0}
    begin = db.begin

    def flaky() -> List[str]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("database is locked")
        return begin()

    db.begin = flaky  # type: ignore[method-assign]
    groups = db.groups()
    out: Dict[str, Any] = {}
    _member(groups, lambda conn: conn.append("x"), out)
    assert isinstance(out["error"], OSError)
    out = {}
    _member(groups, lambda conn: conn.append("y"), out)  # the turn was given back: no wait, no hang
    assert out == {"done": True}
    assert db.begun == [["y"]]
