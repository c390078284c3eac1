"""The emulator's store: JSON documents keyed by kind and id, owned by an account, in SQLite or PostgreSQL.

Backends read and write whole documents. Lists are read a page at a time in the database (`page`,
`count`): filters, order, cursor or offset and limit run in SQL on indexed columns, so a page costs
O(page) whatever the table holds (in id order, and in the orders `schema.ORDERED_KINDS` indexes for a
kind; a page of another kind in such an order sorts the rows its filters match). Creates are plain
INSERTs (`insert`: an existing id is `DuplicateId`, never an overwrite), changes are UPDATEs (`update`),
and `transaction()` groups them.

Engines: a SQLite file (WAL, a busy timeout, write transactions begun IMMEDIATE so workers in several
processes queue instead of failing; a process's own writers queue in `write_groups` and, under load, share
one transaction and one COMMIT), SQLite in memory (one connection behind a lock: tests), or a
PostgreSQL URL (`postgresql://...`, the psycopg driver). The schema and its migrations live in
`schema.py`; the store brings a database up to date when it opens it.

Speed: a store call is a few driver calls, not a trip through the pool. The store keeps the connections
it has used (`_Conn`: a SQLAlchemy connection and its driver connection) and hands a free one to each
call; every kept connection is in autocommit at the driver, so a read outside `transaction()` sees
every commit before it (WAL readers never wait), and the store begins and ends write transactions
itself. The hot statements (a keyed read, an insert, an update) are compiled once per dialect and run
on the driver connection; lists and filters are SQLAlchemy statements built once per shape, and on
SQLite run on the driver connection too (`_Plain`; a shape it cannot render runs through SQLAlchemy).
A SQLite file's write-ahead log is checkpointed by a thread of the store (`checkpoint`), never by a
commit.

Lost connections (PostgreSQL restarted, a backend ended by `pg_terminate_backend`): a kept connection is
not pinged, but checked without a round trip when it is handed out (an idle connection the server has
ended has its goodbye, or the end of the stream, waiting on its socket: one `poll`), and dropped. One that
is lost anyway (ended in between, or silently) fails its call with `ConnectionLost`, which the store retries
once on a new connection where nothing can be applied twice: a read, a transaction whose BEGIN failed,
and a single write the server refused before running it (SQLSTATE 57P0x, the server's shutdown notice).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import logging
import secrets
import select
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Dict, List, Optional, ParamSpec, Sequence, Set, Tuple, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from . import loopguard, schema
from .schema import objects
from .write_groups import WriteGroups

Doc = Dict[str, Any]
log = logging.getLogger("cozekit.emulator")

ORDERS = ("seq", "created_at", "updated_at", "name")
"""The columns a page can be ordered by (`seq`: the id, i.e. creation order); ties go by id."""
COLUMNS = ("id", "seq", "name", "created_at", "updated_at")
"""`where` keys that are columns; any other key is a field of the JSON document (`a.b.0`: a path into it,
numbers indexing lists)."""
ID_NODES = 1024
"""Id nodes handed out by `claim_id_node` (10 bits of every id; see `ids.IdGenerator`)."""
_LOCK_KEY = 0x0C02E
"""PostgreSQL advisory lock taken by migrations and node claims."""
SQLITE_BUSY_TIMEOUT = 30.0
CHECKPOINT_SECONDS = 0.5
"""How often a SQLite file's write-ahead log is copied back into the database (`Store.checkpoint`, in a
thread of its own). SQLite's default does it in the commit that fills 1,000 pages of log, with an fsync,
while that writer still holds the write lock: every writer of the process waited for the disk."""


class DuplicateId(Exception):
    """`insert` of an id that already exists for its kind: a create never overwrites."""


class MissingDocument(LookupError):
    """`update` of a document that does not exist (deleted meanwhile)."""


class ConnectionLost(Exception):
    """The database connection broke during a call (the server restarted or ended the session); the
    driver's error is the cause. `retry`: nothing of the call can have been applied, so running it again
    on a new connection is safe (the store does, once)."""

    def __init__(self, retry: bool) -> None:
        super().__init__("the database connection was lost")
        self.retry = retry


_SHUTDOWN_STATES = ("57P01", "57P02", "57P03")
"""PostgreSQL's admin_shutdown, crash_shutdown and cannot_connect_now: the server ended the session
before running the statement (a statement it had committed would have been answered first)."""
P = ParamSpec("P")
R = TypeVar("R")


def _once_more(method: Callable[P, R]) -> Callable[P, R]:
    """A store call that met a lost connection runs again, once, when that is safe (`ConnectionLost`)."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except ConnectionLost as lost:
            if not lost.retry:
                raise
        return method(*args, **kwargs)

    return call


@dataclasses.dataclass(frozen=True)
class Cond:
    """A `where` condition other than equality (a value) or membership (a list): see the helpers below."""

    op: str
    value: Any = None


def contains(text: str) -> Cond:
    """The field contains `text`, ignoring case (a name search)."""
    return Cond("contains", text)


def is_null() -> Cond:
    """The field is JSON null or absent."""
    return Cond("null")


def not_null() -> Cond:
    """The field is present and not JSON null."""
    return Cond("not_null")


def not_in(values: Sequence[Any]) -> Cond:
    return Cond("not_in", list(values))


Where = Optional[Mapping[str, Any]]


@dataclasses.dataclass
class Page:
    """One page of documents in list order, and whether more follow it (in the direction read)."""

    items: List[Doc]
    has_more: bool


def _is_url(target: str) -> bool:
    return "://" in target


def _sqlite_hooks(engine: Engine) -> None:
    """Every SQLite connection in autocommit at the driver (the store, not the driver, begins
    transactions), with the busy timeout and WAL's usual durability."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT * 1000)}")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def make_engine(target: str) -> Engine:
    """An engine for a database URL, a SQLite file path or `:memory:`."""
    if not _is_url(target):
        target = "sqlite://" if target == ":memory:" else f"sqlite:///{target}"
    url = sa.make_url(target)
    if url.get_backend_name() == "postgresql":
        if url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return sa.create_engine(
            url,
            json_serializer=_json_dumps,
            pool_size=5,
            max_overflow=35,
            pool_pre_ping=True,
        )
    if url.get_backend_name() != "sqlite":
        raise ValueError(f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql")
    memory = url.database in (None, "", ":memory:")
    if memory:
        engine = sa.create_engine(
            url,
            json_serializer=_json_dumps,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )
    else:
        engine = sa.create_engine(
            url,
            json_serializer=_json_dumps,
            pool_size=8,
            max_overflow=56,
            pool_timeout=120,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT},
        )
    _sqlite_hooks(engine)  # before the first connection, so every connection gets them
    if not memory:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode = WAL")
    return engine


_BY_KEY = (objects.c.kind == sa.bindparam("b_kind"), objects.c.id == sa.bindparam("b_id"))
_GET = sa.select(objects.c.data).where(*_BY_KEY)
_GET_OWNED = _GET.where(objects.c.owner == sa.bindparam("b_owner"))
_SET = ("owner", "parent", "seq", "name", "created_at", "updated_at", "data")
_HOT = {
    "get": _GET,
    "get_owned": _GET_OWNED,
    "get_locked": _GET.with_for_update(),
    "get_owned_locked": _GET_OWNED.with_for_update(),
    "insert": objects.insert(),
    "update": objects.update().where(*_BY_KEY).values({c: sa.bindparam("v_" + c) for c in _SET}),
}
"""The hot statements, compiled once per store for its dialect and run on the driver connection (a keyed
read costs about a tenth of a SQLAlchemy execution of the same statement)."""
_SHAPES_MAX = 512
"""Statements kept per store, one per shape of call (`Store._shaped`)."""
_FREE_MAX = 64
"""Connections kept for reuse beyond this many are closed when handed back."""


class _Conn:
    """A connection the store keeps: SQLAlchemy's (statements built per call) and its driver's (the hot
    statements; transaction control), both autocommit unless the store has begun a transaction."""

    __slots__ = ("raw", "sa")

    def __init__(self, conn: Connection) -> None:
        self.sa = conn
        self.raw: Any = conn.connection.driver_connection


class _Plain:
    """A shaped statement as driver SQL for one set of list lengths (SQLite): its `?` parameters in
    order, each a value of the call (an item of a list), or a constant of the statement (a JSON path),
    with SQLAlchemy's bind processing. Built with SQLAlchemy's public compiler API (the expanded state,
    `binds`, each type's bind processor); whatever fails or does not add up raises, and the store runs
    that shape through SQLAlchemy (`Store._values`)."""

    __slots__ = ("slots", "sql")

    def __init__(self, compiled: Any, params: Dict[str, Any], dialect: Any) -> None:
        state = compiled.construct_expanded_state(params)
        binds: Mapping[str, Any] = compiled.binds

        def processor(name: str) -> Any:
            return binds[name].type.dialect_impl(dialect).bind_processor(dialect)

        expanded = {
            new: (old, i) for old, news in state.parameter_expansion.items() for i, new in enumerate(news)
        }
        order = [n for name in compiled.positiontup for n in state.parameter_expansion.get(name, [name])]
        if list(state.positiontup or ()) != order:
            raise ValueError("the expanded parameters are not in the statement's order")
        self.sql: str = state.statement
        self.slots: List[Tuple[Optional[str], Any, Any]] = []
        """(name, index, processor) for a value of the call; (None, value, None) for a constant."""
        for name in order:
            if name in expanded:
                old, index = expanded[name]
                if not isinstance(params.get(old), list) or index >= len(params[old]):
                    raise ValueError(f"{name!r} expands no list item of the call")
                self.slots.append((old, index, processor(old)))
            elif name in params:
                self.slots.append((name, None, processor(name)))
            else:
                value = state.parameters[name]
                fn = processor(name)
                self.slots.append((None, fn(value) if fn else value, None))
        if not isinstance(self.sql, str) or self.sql.count("?") != len(self.slots):
            raise ValueError("the statement's parameters and its `?` markers differ")

    def bind(self, params: Dict[str, Any]) -> Tuple[Any, ...]:
        out = []
        for name, index, processor in self.slots:
            if name is None:
                out.append(index)
                continue
            value = params[name] if index is None else params[name][index]
            out.append(processor(value) if processor else value)
        return tuple(out)


class Store:
    """Documents in a database: a SQLite path (default `:memory:`) or a SQLAlchemy URL."""

    def __init__(self, target: str = ":memory:") -> None:
        self.path = target
        self.engine = make_engine(target)
        self.dialect = self.engine.dialect.name
        self.memory = self.dialect == "sqlite" and self.engine.url.database in (None, "", ":memory:")
        self._lock = threading.RLock()
        """In memory, one connection serves every thread: whole operations take turns on it."""
        self._local = threading.local()
        self._groups: Optional[WriteGroups[_Conn]] = None
        """A SQLite file's writers, one transaction at a time (group commit, `core.write_groups`)."""
        if self.dialect == "sqlite" and not self.memory:
            self._groups = WriteGroups(
                begin=self._open_write,
                commit=self._commit_and_hand_back,
                rollback=self._abandon,
                execute=lambda conn, sql: conn.raw.execute(sql),
                timeout=SQLITE_BUSY_TIMEOUT,
            )
        self._free: List[_Conn] = []
        self._free_lock = threading.Lock()
        self._shapes: Dict[Tuple[Any, ...], Any] = {}
        self._plain: Dict[Tuple[Any, ...], _Plain] = {}
        self._unplain: Set[Tuple[Any, ...]] = set()
        """Shapes `_Plain` could not render: run through SQLAlchemy."""
        self._unplain_said = False
        self.changes: Dict[str, int] = {}
        """Updates and deletes this process made, per kind (`*`: wipes): a cache of documents of a kind is
        stale once its count has moved. Counted before the write and again once it is committed, so a
        reader that notes the count before reading never keeps what a write replaced."""
        self._sql = {name: _compiled(stmt, self.engine.dialect) for name, stmt in _HOT.items()}
        self._begin = "BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN"
        self.loop_guard = loopguard.enabled()
        """Refuse calls made on a thread running an event loop (`core.loopguard`; tests turn it on)."""
        dbapi = self.engine.dialect.loaded_dbapi
        self._integrity_errors = (sa.exc.IntegrityError, dbapi.IntegrityError)
        with self._write() as conn:
            self._lock_database(conn)
            schema.migrate(conn.sa)
        self._checkpoints: Optional[threading.Event] = None
        if self.dialect == "sqlite" and not self.memory:
            self._checkpoints = threading.Event()
            threading.Thread(
                target=_checkpoint_loop,
                args=(weakref.ref(self), self._checkpoints),
                name="cozekit-emulator-checkpoint",
                daemon=True,
            ).start()

    # -- connections and transactions ------------------------------------------------------------------

    @contextlib.contextmanager
    def _serial(self) -> Iterator[None]:
        if self.memory:
            with self._lock:
                yield
        else:
            yield

    def _current(self) -> Optional[_Conn]:
        conn: Optional[_Conn] = getattr(self._local, "conn", None)
        return conn

    def _connect(self) -> _Conn:
        conn = self.engine.connect()
        if self.dialect == "postgresql":
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        kept = _Conn(conn)
        if self.dialect == "sqlite" and not self.memory:
            kept.raw.execute("PRAGMA wal_autocheckpoint = 0")  # `checkpoint` does it, off the commit
        return kept

    def checkpoint(self) -> Optional[Tuple[int, int, int]]:
        """Copy a SQLite file's write-ahead log into the database (a passive checkpoint: it waits for no
        reader or writer), as the checkpoint thread does every `CHECKPOINT_SECONDS`; returns SQLite's
        (busy, pages of log, pages copied), or None for other databases."""
        if self.dialect != "sqlite" or self.memory:
            return None
        with self._checkout() as conn:
            busy, log, copied = conn.raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(busy), int(log), int(copied)

    def _idle(self, conn: _Conn) -> bool:
        """Whether a connection handed back is fit to keep: open, and in no transaction."""
        if conn.sa.invalidated or conn.sa.closed:
            return False
        raw = conn.raw
        if self.dialect == "sqlite":
            return not raw.in_transaction
        return not raw.closed and not raw.broken and int(raw.info.transaction_status) == 0

    def _kept(self) -> Optional[_Conn]:
        """A kept connection, if one is free and the server has not ended it (PostgreSQL: `_ended`)."""
        while True:
            with self._free_lock:
                conn = self._free.pop() if self._free else None
            if conn is None or self.dialect != "postgresql" or not _ended(conn.raw):
                return conn
            _drop(conn)

    def _begun(self, conn: _Conn, kept: bool) -> _Conn:
        """`conn` in a new write transaction; a kept connection that turns out lost at BEGIN (nothing
        done yet) is replaced by a new one."""
        try:
            conn.raw.execute(self._begin)
            return conn
        except Exception:
            if not (kept and self._lost(conn)):
                raise
        _drop(conn)
        conn = self._connect()
        try:
            conn.raw.execute(self._begin)
        except BaseException:
            _drop(conn)
            raise
        return conn

    def _lost(self, conn: _Conn) -> bool:
        """Whether a failed call's PostgreSQL connection is broken (rather than the statement refused)."""
        if self.dialect != "postgresql":
            return False
        raw = conn.raw
        return bool(conn.sa.invalidated or raw.closed or raw.broken)

    @contextlib.contextmanager
    def _checkout(self, mode: str = "", begin: bool = False) -> Iterator[_Conn]:
        """A connection for one call or transaction (a kept one, else a new one), handed back after it;
        `begin`: in a new write transaction. A failure on a connection that broke meanwhile is
        `ConnectionLost`, retryable for `mode` "read" and for "single" (one write statement) when the
        server refused it before running it."""
        if self.loop_guard:  # every call outside a transaction, and every transaction, passes here
            loopguard.check("a store call")
        conn, kept = self._kept_or_new()
        try:
            if begin:
                conn = self._begun(conn, kept)
            yield conn
        except Exception as exc:
            if not self._lost(conn):
                raise
            retry = mode == "read" or (mode == "single" and _sqlstate(exc) in _SHUTDOWN_STATES)
            raise ConnectionLost(retry) from exc
        finally:
            self._hand_back(conn)

    def _hand_back(self, conn: _Conn) -> None:
        """Keep a connection a call is done with for the next call, or close it (in a transaction still,
        broken, or one too many)."""
        if conn.sa.in_transaction() and self._idle(conn):
            with contextlib.suppress(Exception):
                conn.sa.rollback()  # SQLAlchemy's own bookkeeping: the driver is in autocommit
        keep = self._idle(conn)
        if keep:
            with self._free_lock:
                keep = len(self._free) < _FREE_MAX
                if keep:
                    self._free.append(conn)
        if not keep and self._lost(conn):
            _drop(conn)
        elif not keep:
            with contextlib.suppress(Exception):
                conn.sa.close()

    def _kept_or_new(self) -> Tuple[_Conn, bool]:
        """A kept connection (and True), else a new one (and False)."""
        conn = self._kept()
        return (conn, True) if conn is not None else (self._connect(), False)

    def _open_write(self) -> _Conn:
        """A connection in a new write transaction (a group's, `_groups`)."""
        conn, kept = self._kept_or_new()
        try:
            return self._begun(conn, kept)
        except BaseException:
            self._hand_back(conn)
            raise

    def _commit_and_hand_back(self, conn: _Conn) -> None:
        """Commit a group's transaction (`_commit`) and hand its connection back."""
        try:
            _commit(conn)
        finally:
            self._hand_back(conn)

    def _abandon(self, conn: _Conn) -> None:
        _rollback(conn)
        self._hand_back(conn)

    @contextlib.contextmanager
    def _read(self) -> Iterator[_Conn]:
        """A connection for one operation: the transaction's, else a kept one in autocommit (a read sees
        every commit before it; a single-statement write is its own transaction)."""
        current = self._current()
        if current is not None:
            yield current
            return
        with self._serial(), self._checkout("read") as conn:
            yield conn

    @contextlib.contextmanager
    def _single(self) -> Iterator[_Conn]:
        """A connection for one write statement: the transaction's, else a kept one in autocommit (the
        statement is its own transaction); on a SQLite file, a transaction of its own in the queue of
        this process's writers (`_write`)."""
        current = self._current()
        if current is not None:
            yield current
            return
        if self._groups is not None:
            with self._write() as conn:
                yield conn
            return
        with self._serial(), self._checkout("single") as conn:
            yield conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[_Conn]:
        """The calling thread's write transaction: the one it is in, else a new one for the block
        (`_transaction`), which the store's calls in the block join."""
        current = self._current()
        if current is not None:
            yield current
            return
        pending: Set[str] = set()
        try:
            with self._transaction() as conn:
                self._local.conn = conn
                self._local.pending = pending
                try:
                    yield conn
                finally:
                    self._local.conn = None
        finally:
            for kind in pending:
                self._count(kind)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[_Conn]:
        """A connection in a new write transaction, committed when the block ends (rolled back if it
        raises). On a SQLite file, which takes one writer at a time, this process's writers queue in
        `_groups` (woken as soon as the turn is theirs, where the database lock's busy timeout sleeps
        milliseconds between tries) and share transactions under load: each in a savepoint, one COMMIT
        for all. Other processes' writers still meet the busy timeout."""
        if self._groups is not None:
            if self.loop_guard:  # a writer handed a transaction takes no connection of its own
                loopguard.check("a store call")
            with self._groups.member() as conn:
                yield conn
            return
        with self._serial(), self._checkout(begin=True) as conn:
            try:
                yield conn
            except BaseException:
                _rollback(conn)
                raise
            _commit(conn)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group reads and writes in one database transaction; nested use joins the outer one."""
        with self._write():
            yield

    @contextlib.contextmanager
    def _changing(self, kind: str) -> Iterator[None]:
        """Around a write of documents of `kind`: count it (`changes`) before, and after it is committed
        (at the end of the transaction it is in)."""
        self._count(kind)
        try:
            yield
        finally:
            if self._current() is None:
                self._count(kind)
            else:
                self._local.pending.add(kind)

    def _count(self, kind: str) -> None:
        with self._free_lock:
            self.changes[kind] = self.changes.get(kind, 0) + 1

    def _run(self, conn: _Conn, name: str, params: Mapping[str, Any]) -> Any:
        """Run a hot statement on the driver connection; returns the driver's cursor."""
        sql, names = self._sql[name]
        return conn.raw.execute(sql, params if names is None else tuple(params[n] for n in names))

    def _lock_database(self, conn: _Conn) -> None:
        """Inside a write transaction, hold the database-wide lock until it ends (SQLite's IMMEDIATE
        transaction already does)."""
        if self.dialect == "postgresql":
            conn.sa.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))

    # -- documents ------------------------------------------------------------------------------------

    @_once_more
    def insert(self, kind: str, doc: Doc, *, owner: str, parent: str = "") -> Doc:
        """Create a document; its id must be new for its kind (else `DuplicateId`)."""
        row = schema.row_of(kind, doc, owner, parent)
        row["data"] = _json_dumps(doc)
        try:
            with self._single() as conn:
                if conn is self._current() and self.dialect == "postgresql":
                    # a failed statement must not end the outer transaction
                    conn.raw.execute("SAVEPOINT cozekit_insert")
                    try:
                        self._run(conn, "insert", row)
                    except BaseException:
                        conn.raw.execute("ROLLBACK TO SAVEPOINT cozekit_insert")
                        raise
                    conn.raw.execute("RELEASE SAVEPOINT cozekit_insert")
                else:
                    self._run(conn, "insert", row)
        except self._integrity_errors:
            raise DuplicateId(f"{kind} {doc['id']} exists") from None
        return doc

    @_once_more
    def update(self, kind: str, doc: Doc, *, owner: str, parent: str = "") -> Doc:
        """Replace an existing document (and its owner, parent and indexed columns)."""
        row = schema.row_of(kind, doc, owner, parent)
        row["data"] = _json_dumps(doc)
        params = {"b_kind": kind, "b_id": row["id"], **{"v_" + c: row[c] for c in _SET}}
        with self._changing(kind), self._single() as conn:
            count = self._run(conn, "update", params).rowcount
        if count == 0:
            raise MissingDocument(f"{kind} {row['id']} does not exist")
        return doc

    def upsert(self, kind: str, doc: Doc, *, owner: str, parent: str = "") -> Doc:
        """Set a document kept under a natural key (a singleton setting, a hash, `scope:keyword`): update
        it, or create it when missing. Never for documents with minted ids: those `insert`."""
        with self._write():
            try:
                return self.update(kind, doc, owner=owner, parent=parent)
            except MissingDocument:
                pass
            try:
                return self.insert(kind, doc, owner=owner, parent=parent)
            except DuplicateId:  # another process created it meanwhile (PostgreSQL, read committed)
                return self.update(kind, doc, owner=owner, parent=parent)

    def insert_missing(self, kind: str, doc: Doc, *, owner: str, parent: str = "") -> bool:
        """Create the document unless its id exists (seeding several workers at once); True if created."""
        try:
            self.insert(kind, doc, owner=owner, parent=parent)
        except DuplicateId:
            return False
        return True

    @_once_more
    def get(self, kind: str, id: str, *, owner: Optional[str] = None, lock: bool = False) -> Optional[Doc]:
        """A document, or None. `lock` (inside `transaction()`): hold it against other writers until the
        transaction ends, for a read-check-write (PostgreSQL's FOR UPDATE; SQLite's write transactions
        already exclude each other)."""
        params = {"b_kind": kind, "b_id": id}
        name = "get"
        if owner is not None:
            params["b_owner"] = owner
            name = "get_owned"
        if lock:
            name += "_locked"
        with self._read() as conn:
            row = self._run(conn, name, params).fetchone()
        return None if row is None else _loaded(row[0])

    def _shaped(self, shape: Tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """The statement for a call's shape (which filters, conditions and order, not their values),
        built once: later calls of the same shape only bind new values."""
        statement = self._shapes.get(shape)
        if statement is None:
            statement = build()
            if len(self._shapes) >= _SHAPES_MAX:
                self._shapes.clear()
            self._shapes[shape] = statement
        return statement

    def _selection(
        self,
        base: Callable[[], Any],
        name: str,
        kind: str,
        owner: Optional[str],
        parent: Optional[str],
        where: Where,
        literal: bool = False,
    ) -> Tuple[Any, Dict[str, Any], Tuple[Any, ...]]:
        """`base()` filtered by kind, owner, parent and `where`: the statement (built once per shape),
        this call's values and the shape. `literal`: the kind is written into the statement (a partial
        index's condition; `_kind_literal`), so it is part of the shape."""
        conditions = list((where or {}).items())
        shape = (
            name,
            kind if literal else None,
            owner is not None,
            parent is not None,
            tuple((k, _shape_of(v)) for k, v in conditions),
        )

        def build() -> Any:
            query = base().where(
                objects.c.kind == (_kind_literal(kind) if literal else sa.bindparam("f_kind"))
            )
            if owner is not None:
                query = query.where(objects.c.owner == sa.bindparam("f_owner"))
            if parent is not None:
                query = query.where(objects.c.parent == sa.bindparam("f_parent"))
            for i, (key, value) in enumerate(conditions):
                query = query.where(_condition(key, value, f"w{i}"))
            return query

        params: Dict[str, Any] = {} if literal else {"f_kind": kind}
        if owner is not None:
            params["f_owner"] = owner
        if parent is not None:
            params["f_parent"] = parent
        for i, (_key, value) in enumerate(conditions):
            params.update(_condition_values(value, f"w{i}"))
        return self._shaped(shape, build), params, shape

    def _values(self, conn: _Conn, query: Any, params: Dict[str, Any], shape: Tuple[Any, ...]) -> List[Any]:
        """The first column of a shaped statement's rows. On SQLite the statement runs on the driver
        connection, its SQL expanded for this call's list lengths once (`_Plain`), like the hot
        statements; elsewhere, and for a shape `_Plain` cannot render (another SQLAlchemy's compiler),
        through SQLAlchemy."""
        if self.dialect == "sqlite" and shape not in self._unplain:
            key = (shape, tuple(len(v) for v in params.values() if isinstance(v, list)))
            plain = self._plain.get(key)
            if plain is None:
                plain = self._plain_for(query, params, shape)
                if plain is not None:
                    if len(self._plain) >= _SHAPES_MAX:
                        self._plain.clear()
                    self._plain[key] = plain
            if plain is not None:
                try:
                    values = plain.bind(params)
                except Exception as exc:  # a processor of another SQLAlchemy: through it, from now on
                    self._no_plain(shape, exc)
                    self._plain.pop(key, None)
                else:
                    return [row[0] for row in conn.raw.execute(plain.sql, values).fetchall()]
        return [row[0] for row in conn.sa.execute(query, params)]

    def _plain_for(self, query: Any, params: Dict[str, Any], shape: Tuple[Any, ...]) -> Optional[_Plain]:
        """The shape's `_Plain` for these list lengths, or None (noted for the shape) when SQLAlchemy's
        compiler does not give what it needs."""
        try:
            return _Plain(query.compile(dialect=self.engine.dialect), params, self.engine.dialect)
        except Exception as exc:
            self._no_plain(shape, exc)
            return None

    def _no_plain(self, shape: Tuple[Any, ...], exc: Exception) -> None:
        """Run `shape` through SQLAlchemy from now on (said once per store, at warning level)."""
        with self._free_lock:
            if len(self._unplain) >= _SHAPES_MAX:
                self._unplain.clear()
            first = not self._unplain_said
            self._unplain_said = True
            self._unplain.add(shape)
        log.log(
            logging.WARNING if first else logging.DEBUG,
            "emulator store: a %s statement runs through SQLAlchemy (its SQLite fast path failed: %r)",
            shape[0],
            exc,
        )

    @_once_more
    def find(
        self, kind: str, *, owner: Optional[str] = None, parent: Optional[str] = None, where: Where = None
    ) -> List[Doc]:
        """All matching documents, oldest id first. For bounded sets only; lists read `page`."""

        def base() -> Any:
            return sa.select(objects.c.data).order_by(objects.c.seq, objects.c.id)

        query, params, shape = self._selection(base, "find", kind, owner, parent, where)
        with self._read() as conn:
            return [_loaded(data) for data in self._values(conn, query, params, shape)]

    @_once_more
    def count(
        self, kind: str, *, owner: Optional[str] = None, parent: Optional[str] = None, where: Where = None
    ) -> int:
        def base() -> Any:
            return sa.select(sa.func.count()).select_from(objects)

        query, params, shape = self._selection(base, "count", kind, owner, parent, where)
        with self._read() as conn:
            return int(self._values(conn, query, params, shape)[0] or 0)

    @_once_more
    def page(
        self,
        kind: str,
        *,
        owner: Optional[str] = None,
        parent: Optional[str] = None,
        where: Where = None,
        order: str = "seq",
        desc: bool = False,
        after: Optional[str] = None,
        before: Optional[str] = None,
        offset: int = 0,
        limit: int = 20,
    ) -> Page:
        """`limit` documents in list order (`order`, `desc`; ties by id): from `offset`, or those after
        the document `after` (next page), or the last `limit` before the document `before` (previous
        page, still in list order). A cursor document that no longer exists pages from its id. A kind
        listed in `order` by a service has a partial index in that order (`schema.ORDERED_KINDS`), which
        the statement reads by naming the kind literally."""
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}")
        column = objects.c[order]
        literal = schema.is_ordered(order, kind)
        backwards = before is not None
        cursor = before if backwards else after
        reverse = desc != backwards
        seq = schema.seq_of(cursor) if cursor is not None else 0
        # the common cursors (none, or an id in id order) are a bound value; others build their statement
        by_seq = cursor is not None and order == "seq" and seq > 0
        shaped = cursor is None or by_seq

        def base() -> Any:
            query = sa.select(objects.c.data)
            if by_seq:
                bound = sa.bindparam("p_seq", type_=sa.BigInteger)
                query = query.where(objects.c.seq < bound if reverse else objects.c.seq > bound)
            query = query.order_by(*_ordering(column, reverse))
            query = query.limit(sa.bindparam("p_limit", type_=sa.Integer))
            if offset and cursor is None:
                query = query.offset(sa.bindparam("p_offset", type_=sa.Integer))
            return query

        name = f"page:{order}:{reverse}:{by_seq}:{bool(offset and cursor is None)}"
        shape: Tuple[Any, ...] = ()
        if shaped:
            query, params, shape = self._selection(base, name, kind, owner, parent, where, literal)
        else:
            query = self._shapeless(kind, owner, parent, where, literal)
            params = {}
        params["p_limit"] = limit + 1
        if by_seq:
            params["p_seq"] = seq
        if offset and cursor is None:
            params["p_offset"] = offset
        with self._read() as conn:
            if not shaped:
                assert cursor is not None
                query = query.where(self._beyond(conn, kind, column, cursor, reverse))
                query = query.order_by(*_ordering(column, reverse))
                query = query.limit(sa.bindparam("p_limit", type_=sa.Integer))
                items = [dict(data) for data in conn.sa.execute(query, params).scalars()]
            else:
                items = [_loaded(data) for data in self._values(conn, query, params, shape)]
        has_more = len(items) > limit
        items = items[:limit]
        if backwards:
            items.reverse()
        return Page(items, has_more)

    def _shapeless(
        self, kind: str, owner: Optional[str], parent: Optional[str], where: Where, literal: bool
    ) -> Any:
        """A page's selection built for one call (a cursor that is not a bound value)."""
        query = sa.select(objects.c.data).where(objects.c.kind == (_kind_literal(kind) if literal else kind))
        if owner is not None:
            query = query.where(objects.c.owner == owner)
        if parent is not None:
            query = query.where(objects.c.parent == parent)
        for i, (key, value) in enumerate((where or {}).items()):
            query = query.where(_condition(key, value, f"w{i}").params(_condition_values(value, f"w{i}")))
        return query

    def _beyond(self, conn: _Conn, kind: str, column: Any, cursor: str, reverse: bool) -> Any:
        """Rows after the cursor document in the order read."""
        seq = schema.seq_of(cursor)
        if column is objects.c.seq:
            if seq:
                return objects.c.seq < seq if reverse else objects.c.seq > seq
            key: Any = (0, cursor)
            cols = sa.tuple_(objects.c.seq, objects.c.id)
        else:
            value = conn.sa.execute(
                sa.select(column).where(objects.c.kind == kind, objects.c.id == cursor)
            ).scalar()
            if value is None:
                value = 0 if column.type.python_type is int else ""
            key = (value, seq, cursor)
            cols = sa.tuple_(column, objects.c.seq, objects.c.id)
        return cols < sa.tuple_(*key) if reverse else cols > sa.tuple_(*key)

    @_once_more
    def delete(self, kind: str, id: str) -> None:
        with self._changing(kind), self._single() as conn:
            conn.sa.execute(objects.delete().where(objects.c.kind == kind, objects.c.id == id))

    @_once_more
    def delete_where(
        self, kind: str, *, owner: Optional[str] = None, parent: Optional[str] = None, where: Where = None
    ) -> int:
        """Delete every matching document in one statement; returns how many."""
        query, params, _shape = self._selection(objects.delete, "delete", kind, owner, parent, where)
        with self._changing(kind), self._single() as conn:
            return int(conn.sa.execute(query, params).rowcount)

    # -- blobs -------------------------------------------------------------------------------------

    def put_blob(self, id: str, data: bytes) -> None:
        with self._write() as conn:
            conn.sa.execute(schema.blobs.delete().where(schema.blobs.c.id == id))
            conn.sa.execute(schema.blobs.insert().values(id=id, data=data))

    @_once_more
    def get_blob(self, id: str) -> Optional[bytes]:
        with self._read() as conn:
            data = conn.sa.execute(sa.select(schema.blobs.c.data).where(schema.blobs.c.id == id)).scalar()
        return None if data is None else bytes(data)

    # -- the database ---------------------------------------------------------------------------------

    def claim_id_node(self) -> int:
        """A node number (0..1023) for this process's ids no other running process holds: a free one at
        random, else the one claimed longest ago (its process has long gone)."""
        if self.memory:
            return secrets.randbelow(ID_NODES)
        nodes = schema.id_nodes
        with self._write() as conn:
            self._lock_database(conn)
            taken = {int(r.node): int(r.claimed_at) for r in conn.sa.execute(sa.select(nodes))}
            free = [n for n in range(ID_NODES) if n not in taken]
            node = secrets.choice(free) if free else min(taken, key=lambda n: taken[n])
            conn.sa.execute(nodes.delete().where(nodes.c.node == node))
            conn.sa.execute(nodes.insert().values(node=node, claimed_at=time.time_ns()))
        return node

    @_once_more
    def schema_version(self) -> Optional[int]:
        with self._read() as conn:
            return schema.current_version(conn.sa)

    def wipe(self) -> None:
        with self._changing("*"), self._write() as conn:
            conn.sa.execute(objects.delete())
            conn.sa.execute(schema.blobs.delete())

    def close(self) -> None:
        if self._checkpoints is not None:
            self._checkpoints.set()  # the last connection closed checkpoints what is left
        with self._free_lock:
            kept, self._free = self._free, []
        for conn in kept:
            with contextlib.suppress(Exception):
                conn.sa.close()
        self.engine.dispose()


def _checkpoint_loop(store: weakref.ReferenceType[Store], stop: threading.Event) -> None:
    """The checkpoint thread: until the store is closed or gone."""
    while not stop.wait(CHECKPOINT_SECONDS):
        kept = store()
        if kept is None:
            return
        with contextlib.suppress(Exception):  # a database being closed, or locked elsewhere: next time
            kept.checkpoint()
        del kept


def _cast(sample: Any) -> str:
    """How a JSON field is read to compare with `sample` (a list's first item)."""
    if isinstance(sample, (list, tuple, set)):
        sample = next(iter(sample), "")
    if isinstance(sample, bool):
        return "bool"
    if isinstance(sample, int):
        return "int"
    return "str"


def _shape_of(value: Any) -> Tuple[Any, ...]:
    """What of a `where` value shapes the statement (the rest is a bound value)."""
    if isinstance(value, Cond):
        return ("cond", value.op, _cast(value.value), bool(value.value) if value.op == "not_in" else None)
    if isinstance(value, (list, tuple, set)):
        return ("in", _cast(value), bool(value))
    return ("eq", _cast(value), value is None)


def _condition_values(value: Any, name: str) -> Dict[str, Any]:
    """The bound values of a `where` condition built by `_condition` under `name`."""
    if isinstance(value, Cond):
        if value.op == "contains":
            return {name: "%" + _escape_like(str(value.value).lower()) + "%"}
        if value.op == "not_in" and value.value:
            return {name: list(value.value)}
        return {}
    if isinstance(value, (list, tuple, set)):
        return {name: list(value)} if value else {}
    return {} if value is None else {name: value}


def _condition(key: str, value: Any, name: str) -> Any:
    """A `where` condition whose values are bound parameters named after `name` (`_condition_values`)."""
    if key in COLUMNS:
        column: Any = objects.c[key]
        text = column
    else:
        path = tuple(int(p) if p.isdigit() else p for p in key.split("."))
        field = objects.c.data[path if len(path) > 1 else key]
        sample = value.value if isinstance(value, Cond) else value
        cast = _cast(sample)
        if cast == "bool":
            column = field.as_boolean()
        elif cast == "int":
            column = field.as_integer()
        else:
            column = field.as_string()
        text = field.as_string()
    if isinstance(value, Cond):
        if value.op == "contains":
            return sa.func.lower(text).like(sa.bindparam(name, type_=sa.String), escape="\\")
        if value.op == "null":
            return text.is_(None)
        if value.op == "not_null":
            return text.is_not(None)
        if value.op == "not_in":
            if not value.value:
                return sa.true()
            return sa.or_(column.is_(None), column.not_in(sa.bindparam(name, expanding=True)))
        raise ValueError(f"unknown condition {value.op!r}")
    if isinstance(value, (list, tuple, set)):
        return column.in_(sa.bindparam(name, expanding=True)) if value else sa.false()
    if value is None:
        return column.is_(None)
    return column == sa.bindparam(name)


def _ordering(column: Any, reverse: bool) -> List[Any]:
    """A page's ORDER BY: `column`, ties by seq, then id. The id order names seq once: for `seq, seq, id`
    SQLite walks the index on (..., seq, id) but adds a sort step (a temp B-tree for the right part)."""
    columns = (
        [objects.c.seq, objects.c.id] if column is objects.c.seq else [column, objects.c.seq, objects.c.id]
    )
    return [c.desc() for c in columns] if reverse else columns


def _kind_literal(kind: str) -> Any:
    """A kind as a SQL literal, for a page that reads the kind's partial index: PostgreSQL uses one only
    when the query itself implies the index's condition, which a bound value does not in a generic plan."""
    if not schema.KIND_PATTERN.fullmatch(kind):
        raise ValueError(f"kind {kind!r} cannot be written as a literal")
    return sa.literal_column(f"'{kind}'", sa.String)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _compiled(statement: Any, dialect: Any) -> Tuple[str, Optional[Tuple[str, ...]]]:
    """A statement's SQL for `dialect`, and its parameter names in order when the driver's parameters
    are positional (SQLite's `?`; psycopg's are named). Documented attributes only (`Compiled.string`,
    `SQLCompiler.positiontup`, `Dialect.positional`); the values go to the driver as they are (the store
    writes `data` as JSON text itself, and the other columns' types process nothing)."""
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup) if dialect.positional and compiled.positiontup else None
    if names is not None and dialect.paramstyle == "qmark" and compiled.string.count("?") != len(names):
        raise RuntimeError(f"SQLAlchemy {sa.__version__} compiled a statement the store cannot run")
    return compiled.string, names


def _loaded(data: Any) -> Doc:
    """A `data` value as read by the driver: JSON text (SQLite) or already decoded (psycopg)."""
    doc: Doc = json.loads(data) if isinstance(data, (str, bytes)) else data
    return doc


def _ended(raw: Any) -> bool:
    """Whether the server has ended an idle psycopg connection: closed, or its socket readable (an idle
    connection is sent nothing until it asks; the server's goodbye or the stream's end is waiting)."""
    if raw.closed or raw.broken:
        return True
    try:
        poller = select.poll()
        poller.register(raw.fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError, AttributeError):  # no poll (Windows), or no socket left
        return False


def _drop(conn: _Conn) -> None:
    """Close a lost connection for good (the pool must not hand its driver connection out again)."""
    with contextlib.suppress(Exception):
        conn.sa.invalidate()
    with contextlib.suppress(Exception):
        conn.sa.close()


def _sqlstate(exc: BaseException) -> str:
    """The SQLSTATE of a driver error, directly or as SQLAlchemy's wrapper's cause."""
    cause = getattr(exc, "orig", None) or exc
    return str(getattr(cause, "sqlstate", "") or "")


def _commit(conn: _Conn) -> None:
    """COMMIT, or roll back if that fails (and raise)."""
    try:
        conn.raw.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise


def _rollback(conn: _Conn) -> None:
    with contextlib.suppress(Exception):  # a broken connection is dropped when handed back
        conn.raw.execute("ROLLBACK")
