"""The embedded SQLite store: JSON documents keyed by kind and id, owned by an account.

Backends read and write whole documents; the lock makes the store safe to share between the
server's event loop and threads (tests, the threaded server's control helper).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from typing import Any, Dict, List, Optional

Doc = Dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    kind   TEXT NOT NULL,
    id     TEXT NOT NULL,
    owner  TEXT NOT NULL,
    parent TEXT NOT NULL DEFAULT '',
    data   TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX IF NOT EXISTS objects_by_owner ON objects (kind, owner, parent);
CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, data BLOB NOT NULL);
"""


class Store:
    """A tiny document store over one SQLite connection (a file, or `:memory:`)."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock and group writes; nested use joins the outer transaction."""
        with self._lock:
            if self._db.in_transaction:
                yield
                return
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def put(self, kind: str, doc: Doc, *, owner: str, parent: str = "") -> Doc:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO objects (kind, id, owner, parent, data) VALUES (?, ?, ?, ?, ?)",
                (kind, doc["id"], owner, parent, json.dumps(doc, ensure_ascii=False)),
            )
        return doc

    def get(self, kind: str, id: str, *, owner: Optional[str] = None) -> Optional[Doc]:
        sql = "SELECT data FROM objects WHERE kind = ? AND id = ?"
        args: List[Any] = [kind, id]
        if owner is not None:
            sql += " AND owner = ?"
            args.append(owner)
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def find(self, kind: str, *, owner: Optional[str] = None, parent: Optional[str] = None) -> List[Doc]:
        """All documents of a kind (optionally one owner's, one parent's), oldest id first."""
        sql = "SELECT data FROM objects WHERE kind = ?"
        args: List[Any] = [kind]
        if owner is not None:
            sql += " AND owner = ?"
            args.append(owner)
        if parent is not None:
            sql += " AND parent = ?"
            args.append(parent)
        sql += " ORDER BY length(id), id"
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [dict(json.loads(r[0])) for r in rows]

    def delete(self, kind: str, id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM objects WHERE kind = ? AND id = ?", (kind, id))

    def put_blob(self, id: str, data: bytes) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO blobs (id, data) VALUES (?, ?)", (id, data))

    def get_blob(self, id: str) -> Optional[bytes]:
        with self._lock:
            row = self._db.execute("SELECT data FROM blobs WHERE id = ?", (id,)).fetchone()
        return None if row is None else bytes(row[0])

    def wipe(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM objects")
            self._db.execute("DELETE FROM blobs")

    def close(self) -> None:
        with self._lock:
            self._db.close()
