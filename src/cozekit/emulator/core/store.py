"""The emulator's store: JSON documents keyed by kind and id, owned by an account, in SQLite or PostgreSQL.

Backends read and write whole documents. Lists are read a page at a time in the database (`page`,
`count`): filters, order, cursor or offset and limit run in SQL on indexed columns, so a page costs
O(page) whatever the table holds. Creates are plain INSERTs (`insert`: an existing id is `DuplicateId`,
never an overwrite), changes are UPDATEs (`update`), and `transaction()` groups them.

Engines: a SQLite file (WAL, a busy timeout, a pooled connection per thread, write transactions begun
IMMEDIATE so workers in several processes queue instead of failing), SQLite in memory (one connection
behind a lock: tests), or a PostgreSQL URL (`postgresql://...`, the psycopg driver). The schema and its
migrations live in `schema.py`; the store brings a database up to date when it opens it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import secrets
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any, Dict, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

from . import schema
from .schema import objects

Doc = Dict[str, Any]

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


class DuplicateId(Exception):
    """`insert` of an id that already exists for its kind: a create never overwrites."""


class MissingDocument(LookupError):
    """`update` of a document that does not exist (deleted meanwhile)."""


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


def _sqlite_begin_hooks(engine: Engine) -> None:
    """Let the store, not the driver, begin SQLite transactions: reads run without one (WAL readers never
    wait), writes begin IMMEDIATE (they queue on the busy timeout instead of failing on upgrade)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT * 1000)}")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        if conn.get_execution_options().get("cozekit_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")


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
    _sqlite_begin_hooks(engine)  # before the first connection, so every connection gets them
    if not memory:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode = WAL")
    return engine


_BY_KEY = (objects.c.kind == sa.bindparam("b_kind"), objects.c.id == sa.bindparam("b_id"))
_GET = sa.select(objects.c.data).where(*_BY_KEY)
_GET_OWNED = _GET.where(objects.c.owner == sa.bindparam("b_owner"))
_GET_LOCKED = _GET.with_for_update()
_GET_OWNED_LOCKED = _GET_OWNED.with_for_update()
_INSERT = objects.insert()
_SET = ("owner", "parent", "seq", "name", "created_at", "updated_at", "data")
_UPDATE = objects.update().where(*_BY_KEY).values({c: sa.bindparam("v_" + c) for c in _SET})
"""The hot statements, built once: SQLAlchemy then reuses their compiled form and cache key instead of
building a statement per call (a keyed read costs about a quarter as much)."""


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
        with self._write() as conn:
            self._lock_database(conn)
            schema.migrate(conn)

    # -- connections and transactions ------------------------------------------------------------------

    @contextlib.contextmanager
    def _serial(self) -> Iterator[None]:
        if self.memory:
            with self._lock:
                yield
        else:
            yield

    def _current(self) -> Optional[Connection]:
        conn: Optional[Connection] = getattr(self._local, "conn", None)
        return conn

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        current = self._current()
        if current is not None:
            yield current
            return
        with self._serial(), self.engine.connect() as conn:
            yield conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        current = self._current()
        if current is not None:
            yield current
            return
        with self._serial(), self.engine.connect() as conn:
            conn.execution_options(cozekit_write=True)
            with conn.begin():
                self._local.conn = conn
                try:
                    yield conn
                finally:
                    self._local.conn = None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group reads and writes in one database transaction; nested use joins the outer one."""
        with self._write():
            yield

    def _lock_database(self, conn: Connection) -> None:
        """Inside a write transaction, hold the database-wide lock until it ends (SQLite's IMMEDIATE
        transaction already does)."""
        if self.dialect == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))

    # -- documents ------------------------------------------------------------------------------------

    def insert(self, kind: str, doc: Doc, *, owner: str, parent: str = "") -> Doc:
        """Create a document; its id must be new for its kind (else `DuplicateId`)."""
        joined = self._current() is not None
        try:
            with self._write() as conn:
                if joined and self.dialect == "postgresql":  # a failed statement must not end the outer one
                    with conn.begin_nested():
                        conn.execute(_INSERT, schema.row_of(kind, doc, owner, parent))
                else:
                    conn.execute(_INSERT, schema.row_of(kind, doc, owner, parent))
        except sa.exc.IntegrityError:
            raise DuplicateId(f"{kind} {doc['id']} exists") from None
        return doc

    def update(self, kind: str, doc: Doc, *, owner: str, parent: str = "") -> Doc:
        """Replace an existing document (and its owner, parent and indexed columns)."""
        row = schema.row_of(kind, doc, owner, parent)
        with self._write() as conn:
            params = {"b_kind": kind, "b_id": row["id"], **{"v_" + c: row[c] for c in _SET}}
            result = conn.execute(_UPDATE, params)
        if result.rowcount == 0:
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

    def get(self, kind: str, id: str, *, owner: Optional[str] = None, lock: bool = False) -> Optional[Doc]:
        """A document, or None. `lock` (inside `transaction()`): hold it against other writers until the
        transaction ends, for a read-check-write (PostgreSQL's FOR UPDATE; SQLite's write transactions
        already exclude each other)."""
        params = {"b_kind": kind, "b_id": id}
        if owner is not None:
            params["b_owner"] = owner
        if owner is None:
            query = _GET_LOCKED if lock else _GET
        else:
            query = _GET_OWNED_LOCKED if lock else _GET_OWNED
        with self._read() as conn:
            data = conn.execute(query, params).scalar()
        return None if data is None else dict(data)

    def _filtered(
        self, query: Any, kind: str, owner: Optional[str], parent: Optional[str], where: Where
    ) -> Any:
        query = query.where(objects.c.kind == kind)
        if owner is not None:
            query = query.where(objects.c.owner == owner)
        if parent is not None:
            query = query.where(objects.c.parent == parent)
        for key, value in (where or {}).items():
            query = query.where(_condition(key, value))
        return query

    def find(
        self, kind: str, *, owner: Optional[str] = None, parent: Optional[str] = None, where: Where = None
    ) -> List[Doc]:
        """All matching documents, oldest id first. For bounded sets only; lists read `page`."""
        query = self._filtered(sa.select(objects.c.data), kind, owner, parent, where)
        query = query.order_by(objects.c.seq, objects.c.id)
        with self._read() as conn:
            return [dict(data) for data in conn.execute(query).scalars()]

    def count(
        self, kind: str, *, owner: Optional[str] = None, parent: Optional[str] = None, where: Where = None
    ) -> int:
        query = self._filtered(sa.select(sa.func.count()).select_from(objects), kind, owner, parent, where)
        with self._read() as conn:
            return int(conn.execute(query).scalar() or 0)

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
        page, still in list order). A cursor document that no longer exists pages from its id."""
        if order not in ORDERS:
            raise ValueError(f"order must be one of {ORDERS}")
        column = objects.c[order]
        query = self._filtered(sa.select(objects.c.data), kind, owner, parent, where)
        backwards = before is not None
        cursor = before if backwards else after
        reverse = desc != backwards
        with self._read() as conn:
            if cursor is not None:
                query = query.where(self._beyond(conn, kind, column, cursor, reverse))
            if reverse:
                query = query.order_by(column.desc(), objects.c.seq.desc(), objects.c.id.desc())
            else:
                query = query.order_by(column, objects.c.seq, objects.c.id)
            query = query.limit(limit + 1)
            if offset and cursor is None:
                query = query.offset(offset)
            items = [dict(data) for data in conn.execute(query).scalars()]
        has_more = len(items) > limit
        items = items[:limit]
        if backwards:
            items.reverse()
        return Page(items, has_more)

    def _beyond(self, conn: Connection, kind: str, column: Any, cursor: str, reverse: bool) -> Any:
        """Rows after the cursor document in the order read."""
        seq = schema.seq_of(cursor)
        if column is objects.c.seq:
            if seq:
                return objects.c.seq < seq if reverse else objects.c.seq > seq
            key: Any = (0, cursor)
            cols = sa.tuple_(objects.c.seq, objects.c.id)
        else:
            value = conn.execute(
                sa.select(column).where(objects.c.kind == kind, objects.c.id == cursor)
            ).scalar()
            if value is None:
                value = 0 if column.type.python_type is int else ""
            key = (value, seq, cursor)
            cols = sa.tuple_(column, objects.c.seq, objects.c.id)
        return cols < sa.tuple_(*key) if reverse else cols > sa.tuple_(*key)

    def delete(self, kind: str, id: str) -> None:
        with self._write() as conn:
            conn.execute(objects.delete().where(objects.c.kind == kind, objects.c.id == id))

    def delete_where(
        self, kind: str, *, owner: Optional[str] = None, parent: Optional[str] = None, where: Where = None
    ) -> int:
        """Delete every matching document in one statement; returns how many."""
        query = self._filtered(objects.delete(), kind, owner, parent, where)
        with self._write() as conn:
            return int(conn.execute(query).rowcount)

    # -- blobs -------------------------------------------------------------------------------------

    def put_blob(self, id: str, data: bytes) -> None:
        with self._write() as conn:
            conn.execute(schema.blobs.delete().where(schema.blobs.c.id == id))
            conn.execute(schema.blobs.insert().values(id=id, data=data))

    def get_blob(self, id: str) -> Optional[bytes]:
        with self._read() as conn:
            data = conn.execute(sa.select(schema.blobs.c.data).where(schema.blobs.c.id == id)).scalar()
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
            taken = {int(r.node): int(r.claimed_at) for r in conn.execute(sa.select(nodes))}
            free = [n for n in range(ID_NODES) if n not in taken]
            node = secrets.choice(free) if free else min(taken, key=lambda n: taken[n])
            conn.execute(nodes.delete().where(nodes.c.node == node))
            conn.execute(nodes.insert().values(node=node, claimed_at=time.time_ns()))
        return node

    def schema_version(self) -> Optional[int]:
        with self._read() as conn:
            return schema.current_version(conn)

    def wipe(self) -> None:
        with self._write() as conn:
            conn.execute(objects.delete())
            conn.execute(schema.blobs.delete())

    def close(self) -> None:
        self.engine.dispose()


def _condition(key: str, value: Any) -> Any:
    if key in COLUMNS:
        column: Any = objects.c[key]
        text = column
    else:
        path = tuple(int(p) if p.isdigit() else p for p in key.split("."))
        field = objects.c.data[path if len(path) > 1 else key]
        sample = value.value if isinstance(value, Cond) else value
        if isinstance(sample, (list, tuple, set)):
            sample = next(iter(sample), "")
        if isinstance(sample, bool):
            column = field.as_boolean()
        elif isinstance(sample, int):
            column = field.as_integer()
        else:
            column = field.as_string()
        text = field.as_string()
    if isinstance(value, Cond):
        if value.op == "contains":
            pattern = "%" + _escape_like(str(value.value).lower()) + "%"
            return sa.func.lower(text).like(pattern, escape="\\")
        if value.op == "null":
            return text.is_(None)
        if value.op == "not_null":
            return text.is_not(None)
        if value.op == "not_in":
            return sa.or_(column.is_(None), column.not_in(value.value)) if value.value else sa.true()
        raise ValueError(f"unknown condition {value.op!r}")
    if isinstance(value, (list, tuple, set)):
        return column.in_(list(value)) if value else sa.false()
    return column == value


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
