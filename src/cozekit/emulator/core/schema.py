"""The emulator's one database schema (SQLAlchemy Core) and its ordered migrations.

`objects` holds every document as JSON beside the columns lists filter and sort on (kind, owner, parent,
the numeric id, name, created and updated times), indexed so a page is read in index order: every kind by
id, and the kinds listed by a time (`ORDERED_KINDS`) by that time, in a partial index of their own (an
index on every document of every kind costs every write). `blobs` holds uploaded bytes. `schema_version`
records the last migration applied; `id_nodes` hands each running process its own id node (see
`ids.IdGenerator`).

A migration is a function of an open connection, applied in order inside one transaction that holds a
database-wide lock (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: an advisory lock), so several workers starting
at once migrate once. Version 0 is a database written before versions existed (the store's first schema:
`objects (kind, id, owner, parent, data)` and `blobs`).
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

metadata = sa.MetaData()

ID_LENGTH = 64
KEY_LENGTH = 255

objects = sa.Table(
    "objects",
    metadata,
    sa.Column("kind", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("id", sa.String(KEY_LENGTH), primary_key=True),
    sa.Column("owner", sa.String(KEY_LENGTH), nullable=False),
    sa.Column("parent", sa.String(KEY_LENGTH), nullable=False, server_default=""),
    # the id as a number (0 for ids that are not int64 digits): ids are time-ordered, so this is the
    # creation order and the default list order
    sa.Column("seq", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("name", sa.String(KEY_LENGTH), nullable=False, server_default=""),
    sa.Column("created_at", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("updated_at", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("data", sa.JSON, nullable=False),
)
_C = objects.c
# Every list reads one of these in order and stops after the page (ties go by seq, then id).
sa.Index("objects_by_parent", _C.kind, _C.owner, _C.parent, _C.seq, _C.id)
sa.Index("objects_by_owner", _C.kind, _C.owner, _C.seq, _C.id)
sa.Index("objects_by_parent_only", _C.kind, _C.parent, _C.seq, _C.id)

ORDERED_KINDS: Mapping[str, Tuple[str, ...]] = {
    "updated_at": ("bot", "workflow"),
    "created_at": ("dataset",),
}
"""The kinds a service lists by a column other than the id, per column: each has a partial index on (owner,
parent, column, seq, id) of its kind's rows (`ordered_index`). A page of another kind in such an order is
still right, filtered on an id index and sorted."""
KIND_PATTERN = re.compile(r"[a-z_]+")
"""What a kind must look like to be written into SQL as a literal (a partial index's condition, and the
page that reads it: a bound kind cannot prove the index's condition to PostgreSQL's generic plans)."""


def ordered_index(order: str, kind: str) -> str:
    """The name of the partial index of `kind`'s documents in `order`."""
    return f"objects_{kind}_by_{order}"


def is_ordered(order: str, kind: str) -> bool:
    """Whether pages of `kind` in `order` have a partial index (and must name the kind literally)."""
    return kind in ORDERED_KINDS.get(order, ())


def _ordered_indexes() -> List[sa.Index]:
    indexes = []
    for order, kinds in ORDERED_KINDS.items():
        for kind in kinds:
            if not KIND_PATTERN.fullmatch(kind) or order not in _C:
                raise ValueError(f"no ordered index for kind {kind!r} by {order!r}")
            only = _C.kind == kind  # rendered as a literal in the index's DDL
            index = sa.Index(
                ordered_index(order, kind),
                _C.owner,
                _C.parent,
                _C[order],
                _C.seq,
                _C.id,
                sqlite_where=only,
                postgresql_where=only,
            )
            indexes.append(index)
    return indexes


ORDERED_INDEXES = _ordered_indexes()

blobs = sa.Table(
    "blobs",
    metadata,
    sa.Column("id", sa.String(KEY_LENGTH), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, nullable=False),
)

id_nodes = sa.Table(
    "id_nodes",
    metadata,
    sa.Column("node", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("claimed_at", sa.BigInteger, nullable=False),
)

MAX_SEQ = 2**63 - 1


def seq_of(id: str) -> int:
    """The sort number of an id: the id itself when it is an int64 in digits, else 0."""
    if id.isdigit() and len(id) <= 19:
        value = int(id)
        if value <= MAX_SEQ:
            return value
    return 0


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 18:
        return int(value)
    return 0


def row_of(kind: str, doc: Dict[str, Any], owner: str, parent: str) -> Dict[str, Any]:
    """The `objects` row of a document: the indexed columns are read from the document."""
    id = str(doc["id"])
    name = doc.get("name")
    return {
        "kind": kind,
        "id": id,
        "owner": owner,
        "parent": parent,
        "seq": seq_of(id),
        "name": name[:KEY_LENGTH] if isinstance(name, str) else "",
        "created_at": _int(doc.get("created_at", doc.get("create_time"))),
        "updated_at": _int(doc.get("updated_at", doc.get("update_time", doc.get("update_time_ms")))),
        "data": doc,
    }


# -- migrations -------------------------------------------------------------------------------------


def _v1_create_or_promote(conn: Connection) -> None:
    """Create the tables; a version-0 database's documents are copied into `objects` with their indexed
    columns filled in, and its blobs kept."""
    inspector = sa.inspect(conn)
    legacy = "objects" in inspector.get_table_names() and "seq" not in {
        c["name"] for c in inspector.get_columns("objects")
    }
    if legacy:
        old = sa.Table(
            "objects",
            sa.MetaData(),
            sa.Column("kind", sa.Text),
            sa.Column("id", sa.Text),
            sa.Column("owner", sa.Text),
            sa.Column("parent", sa.Text),
            sa.Column("data", sa.Text),
        )
        rows = [dict(r._mapping) for r in conn.execute(sa.select(old))]
        old.drop(conn)
        objects.create(conn)
        batch: List[Dict[str, Any]] = []
        for r in rows:
            batch.append(row_of(r["kind"], json.loads(r["data"]), r["owner"], r["parent"] or ""))
            if len(batch) >= 500:
                conn.execute(objects.insert(), batch)
                batch = []
        if batch:
            conn.execute(objects.insert(), batch)
    metadata.create_all(conn, tables=[objects, blobs, id_nodes])


_V1_ORDERED = ("objects_by_updated", "objects_by_created", "objects_by_name")
"""Version 1's ordered indexes: (kind, owner, parent, column, seq, id) over every document."""


def _v2_partial_ordered_indexes(conn: Connection) -> None:
    """Version 1's three ordered indexes over every document become partial indexes of the kinds listed in
    those orders (`ORDERED_KINDS`). Idempotent: version 1's step builds the current metadata, which
    already has them."""
    for name in _V1_ORDERED:
        conn.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
    for index in ORDERED_INDEXES:
        index.create(conn, checkfirst=True)


MIGRATIONS: List[Callable[[Connection], None]] = [_v1_create_or_promote, _v2_partial_ordered_indexes]
"""Migration `i` takes the schema from version `i` to `i + 1`; append, never edit a released step."""

VERSION = len(MIGRATIONS)


def current_version(conn: Connection) -> Optional[int]:
    """The recorded version; 0 for a version-0 database; None for an empty one."""
    names = sa.inspect(conn).get_table_names()
    if "schema_version" in names:
        value = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
        return int(value or 0)
    return 0 if "objects" in names else None


def migrate(conn: Connection) -> int:
    """Bring the database to `VERSION` (the caller holds the migration lock); returns the version."""
    found = current_version(conn)
    start = found or 0
    if start > VERSION:
        raise RuntimeError(
            f"the emulator database is at schema version {start}, newer than this cozekit ({VERSION})"
        )
    for step in MIGRATIONS[start:]:
        step(conn)
    if start < VERSION or found is None:
        schema_version.create(conn, checkfirst=True)
        conn.execute(schema_version.delete())
        conn.execute(schema_version.insert().values(version=VERSION))
    return VERSION
