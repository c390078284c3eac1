"""Databases of the emulator: the tables Coze workflows' database nodes read and write.

A database is one table with typed fields (`string`, `integer`, `number`, `boolean`, `time`), defined
through the control plane. Each row is a document of the emulator's store. Every table also has Coze's
system fields: `id` (a number that grows), `uuid` (the user who wrote the row), `sys_platform` (the
channel) and `bstudio_create_time`.

A table's `rw_mode` is Coze Studio's: `limited` (1, single-user: each user reads, changes and deletes
only the rows they wrote, keyed by `uuid`), `read_only` (2: workflows read it, writes fail) or
`unlimited` (3, the default: rows shared by every user).

`execute_sql` runs one SQL statement over a table: the rows are copied into an in-memory SQLite
database, the statement runs there, and a changed table is written back. SQLite's dialect applies.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ..core.base import Account, Backend
from ..core.errors import bad_request, not_found

FIELD_TYPES = ("string", "integer", "number", "boolean", "time")
SYSTEM_FIELDS: Dict[str, str] = {
    "id": "integer",
    "uuid": "string",
    "sys_platform": "string",
    "bstudio_create_time": "time",
}
OPERATORS = (
    "EQUAL",
    "NOT_EQUAL",
    "GREATER_THAN",
    "LESS_THAN",
    "GREATER_EQUAL",
    "LESS_EQUAL",
    "IN",
    "NOT_IN",
    "IS_NULL",
    "IS_NOT_NULL",
    "LIKE",
    "NOT_LIKE",
)
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
RW_MODES = {"limited": 1, "read_only": 2, "unlimited": 3}
"""Coze's table modes (`BotTableRWMode`) by name."""
MAX_ROWS = 1000
"""The most rows a query returns (Coze caps its queries too)."""


class DatabaseError(ValueError):
    """A request a table cannot serve (unknown field, bad value, bad SQL)."""


Clause = Tuple[str, str, Any]
"""`(field name, operator, right value)`."""


def _coerce(value: Any, kind: str, field: str) -> Any:
    """A value as a field of type `kind` stores it (null stays null)."""
    if value is None:
        return None
    try:
        if kind == "integer":
            if isinstance(value, bool):
                raise ValueError
            return int(value) if not isinstance(value, str) else int(value.strip())
        if kind == "number":
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if kind == "boolean":
            if isinstance(value, str):
                lowered = value.strip().lower()
                if lowered not in ("true", "false", "1", "0"):
                    raise ValueError
                return lowered in ("true", "1")
            return bool(value)
    except (TypeError, ValueError):
        raise DatabaseError(f"field {field} takes {kind} values, not {value!r}") from None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _like(pattern: str) -> re.Pattern[str]:
    """SQL LIKE (`%`, `_`) as a case-insensitive regular expression that may match anywhere."""
    parts = [".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.I | re.S)


_ALLOWED_ACTIONS = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_INSERT,
    sqlite3.SQLITE_UPDATE,
    sqlite3.SQLITE_DELETE,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_RECURSIVE,
}


def _concat(*parts: Any) -> Optional[str]:
    return None if any(p is None for p in parts) else "".join(_sql_text(p) for p in parts)


def _sql_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _concat_ws(sep: Any, *parts: Any) -> Optional[str]:
    if sep is None:
        return None
    return _sql_text(sep).join(_sql_text(p) for p in parts if p is not None)


MYSQL_FUNCTIONS: Dict[str, Tuple[int, Any]] = {
    "CONCAT": (-1, _concat),
    "CONCAT_WS": (-1, _concat_ws),
    "NOW": (0, lambda: time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())),
    "CURDATE": (0, lambda: time.strftime("%Y-%m-%d", time.gmtime())),
    "IF": (3, lambda cond, yes, no: yes if cond else no),
    "LCASE": (1, lambda s: None if s is None else _sql_text(s).lower()),
    "UCASE": (1, lambda s: None if s is None else _sql_text(s).upper()),
    "CHAR_LENGTH": (1, lambda s: None if s is None else len(_sql_text(s))),
    "LOCATE": (2, lambda sub, s: None if sub is None or s is None else _sql_text(s).find(_sql_text(sub)) + 1),
}
"""MySQL functions Coze's SQL may use that SQLite lacks, registered on the statement's database."""


def _only_rows(action: int, *_: Any) -> int:
    """SQLite authorizer: reading and writing rows only (no ATTACH, PRAGMA, schema changes)."""
    return sqlite3.SQLITE_OK if action in _ALLOWED_ACTIONS else sqlite3.SQLITE_DENY


class DatabasesBackend(Backend):
    KIND, ROW = "database", "database_row"

    # -- tables ------------------------------------------------------------------------------------

    def create(
        self,
        account: Account,
        workspace_id: str,
        name: str,
        fields: Sequence[Dict[str, Any]],
        database_id: Optional[str] = None,
        rw_mode: Any = "unlimited",
    ) -> Dict[str, Any]:
        """Define (or redefine, keeping rows) a table: fields `{name, type, required?, description?, id?}`;
        `rw_mode` a name of RW_MODES or its number."""
        mode = RW_MODES.get(str(rw_mode), rw_mode)
        if mode not in RW_MODES.values() or isinstance(mode, bool):
            raise bad_request("rw_mode must be limited (1), read_only (2) or unlimited (3)")
        if not NAME.match(name or ""):
            raise bad_request("name must be letters, digits and _ (at most 64), not starting with a digit")
        if not fields:
            raise bad_request("fields must not be empty")
        out: List[Dict[str, Any]] = []
        for i, f in enumerate(fields):
            fname, kind = str(f.get("name") or ""), str(f.get("type") or "string")
            if not NAME.match(fname) or fname in SYSTEM_FIELDS:
                raise bad_request(
                    f"fields[{i}].name {fname!r} is not a valid field name (or is a system field)"
                )
            if kind not in FIELD_TYPES:
                raise bad_request(f"fields[{i}].type must be one of {', '.join(FIELD_TYPES)}")
            out.append(
                {
                    "id": str(f.get("id") or self.ids.next()),
                    "name": fname,
                    "type": kind,
                    "required": bool(f.get("required", False)),
                    "description": str(f.get("description") or ""),
                }
            )
        if len({f["name"] for f in out}) != len(out):
            raise bad_request("field names must be unique")
        doc_id = database_id or self.ids.next()
        old = self.store.get(self.KIND, doc_id)
        if old is not None and old["owner"] != account.user_id:
            raise not_found("database_id", doc_id)
        doc = {
            "id": doc_id,
            "name": name,
            "workspace_id": workspace_id,
            "fields": out,
            "rw_mode": int(mode),
            "owner": account.user_id,
            "create_time": old["create_time"] if old else self.now(),
        }
        return self.store.upsert(self.KIND, doc, owner=account.user_id, parent=workspace_id)

    def get(self, account: Account, database_id: str) -> Dict[str, Any]:
        doc = self.store.get(self.KIND, database_id, owner=account.user_id)
        if doc is None:
            raise not_found("database_id", database_id)
        return doc

    def list(self, account: Account, workspace_id: str) -> List[Dict[str, Any]]:
        return self.store.find(self.KIND, owner=account.user_id, parent=workspace_id)

    def delete(self, account: Account, database_id: str) -> None:
        self.get(account, database_id)
        with self.store.transaction():
            for row in self.store.find(self.ROW, parent=database_id):
                self.store.delete(self.ROW, row["id"])
            self.store.delete(self.KIND, database_id)

    def types(self, table: Dict[str, Any]) -> Dict[str, str]:
        """Every field's type by name, system fields included."""
        return {**SYSTEM_FIELDS, **{f["name"]: f["type"] for f in table["fields"]}}

    def field_name(self, table: Dict[str, Any], ref: Any) -> str:
        """A field by id (what the editor's field lists hold) or by name."""
        key = str(ref)
        for f in table["fields"]:
            if key in (f["id"], f["name"]):
                return str(f["name"])
        if key in SYSTEM_FIELDS:
            return key
        raise DatabaseError(f"table {table['name']} has no field {key}")

    # -- rows --------------------------------------------------------------------------------------

    def rows(self, account: Account, database_id: str) -> List[Dict[str, Any]]:
        """Every row, oldest first: `{field name: value}` with the system fields."""
        self.get(account, database_id)
        docs = self.store.find(self.ROW, parent=database_id)
        docs.sort(key=lambda d: int(d["values"]["id"]))
        return [dict(d["values"]) for d in docs]

    @staticmethod
    def mode(table: Dict[str, Any]) -> int:
        return int(table.get("rw_mode") or RW_MODES["unlimited"])

    def _visible(self, account: Account, table: Dict[str, Any], user: Optional[str]) -> List[Dict[str, Any]]:
        """The rows a user works on: in a single-user (`limited`) table only the rows they wrote."""
        rows = self.rows(account, table["id"])
        if self.mode(table) == RW_MODES["limited"] and user is not None:
            rows = [r for r in rows if r.get("uuid") == user]
        return rows

    def _writable(self, table: Dict[str, Any]) -> None:
        if self.mode(table) == RW_MODES["read_only"]:
            raise DatabaseError(
                f"table {table['name']} is read-only: rows cannot be added, changed or deleted"
            )

    def _save(self, database_id: str, owner: str, values: Dict[str, Any]) -> None:
        doc = {"id": f"{database_id}:{values['id']}", "values": values}
        self.store.upsert(self.ROW, doc, owner=owner, parent=database_id)

    def _hold(self, database_id: str) -> None:
        """Inside a transaction: lock the table's record until it ends, so row writes (and the next row
        id) of two requests at once take turns (FOR UPDATE on PostgreSQL)."""
        self.store.get(self.KIND, database_id, lock=True)

    def _next_id(self, database_id: str) -> int:
        ids = [int(d["values"]["id"]) for d in self.store.find(self.ROW, parent=database_id)]
        return max(ids, default=0) + 1

    def insert(
        self, account: Account, database_id: str, values: Dict[str, Any], user: str, platform: str
    ) -> Dict[str, Any]:
        """Add a row (`values` by field id or name); required fields must be given."""
        table = self.get(account, database_id)
        self._writable(table)
        types = self.types(table)
        row: Dict[str, Any] = {f["name"]: None for f in table["fields"]}
        for key, value in values.items():
            name = self.field_name(table, key)
            if name in SYSTEM_FIELDS:
                raise DatabaseError(f"system field {name} cannot be written")
            row[name] = _coerce(value, types[name], name)
        for f in table["fields"]:
            if f["required"] and row[f["name"]] is None:
                raise DatabaseError(f"field {f['name']} is required")
        with self.store.transaction():
            self._hold(database_id)
            row.update(
                id=self._next_id(database_id),
                uuid=user,
                sys_platform=platform,
                bstudio_create_time=time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
            )
            self._save(database_id, account.user_id, row)
        return row

    def _matches(
        self, table: Dict[str, Any], row: Dict[str, Any], logic: str, clauses: Iterable[Clause]
    ) -> bool:
        types = self.types(table)
        results = []
        for field, op, right in clauses:
            name = self.field_name(table, field)
            results.append(self._test(row.get(name), op, right, types[name], name))
        if not results:
            return True
        return any(results) if logic.upper() == "OR" else all(results)

    @staticmethod
    def _test(left: Any, op: str, right: Any, kind: str, name: str) -> bool:
        if op not in OPERATORS:
            raise DatabaseError(f"unknown operator {op}")
        if op == "IS_NULL":
            return left is None
        if op == "IS_NOT_NULL":
            return left is not None
        if op in ("IN", "NOT_IN"):
            items = right if isinstance(right, list) else [right]
            found = left is not None and left in [_coerce(i, kind, name) for i in items if i is not None]
            return found if op == "IN" else not found
        if op in ("LIKE", "NOT_LIKE"):
            hit = left is not None and bool(_like(str(right or "")).search(str(left)))
            return hit if op == "LIKE" else not hit
        if left is None or right is None:
            return False
        value = _coerce(right, kind, name)
        if op == "EQUAL":
            return bool(left == value)
        if op == "NOT_EQUAL":
            return bool(left != value)
        try:
            return bool(
                {
                    "GREATER_THAN": left > value,
                    "LESS_THAN": left < value,
                    "GREATER_EQUAL": left >= value,
                    "LESS_EQUAL": left <= value,
                }[op]
            )
        except TypeError:
            raise DatabaseError(f"cannot compare field {name} with {right!r}") from None

    def query(
        self,
        account: Account,
        database_id: str,
        fields: Sequence[Any],
        logic: str,
        clauses: Sequence[Clause],
        order: Sequence[Tuple[Any, bool]],
        limit: int,
        distinct: bool = False,
        user: Optional[str] = None,
    ) -> List[Dict[str, Any]]:
        """Rows that match, ordered (`(field, ascending)`; nulls first going up), at most `limit`, with
        the chosen fields (all when none are chosen); `user`'s rows only in a single-user table."""
        if limit <= 0:
            raise DatabaseError("limit must be greater than 0")
        table = self.get(account, database_id)
        rows = [r for r in self._visible(account, table, user) if self._matches(table, r, logic, clauses)]
        for field, ascending in reversed(list(order)):
            name = self.field_name(table, field)
            rows.sort(key=lambda r: (r.get(name) is not None, r.get(name)), reverse=not ascending)
        names = [self.field_name(table, f) for f in fields] or list(self.types(table))
        picked: List[Dict[str, Any]] = []
        for r in rows:
            item = {n: r.get(n) for n in names}
            if not (distinct and item in picked):
                picked.append(item)
        return picked[: min(limit, MAX_ROWS)]

    def update(
        self,
        account: Account,
        database_id: str,
        logic: str,
        clauses: Sequence[Clause],
        values: Dict[str, Any],
        user: Optional[str] = None,
    ) -> int:
        """Set `values` (by field id or name) on every matching row (`user`'s only, in a single-user
        table); the number of rows changed."""
        table = self.get(account, database_id)
        self._writable(table)
        types = self.types(table)
        changes = {}
        for key, value in values.items():
            name = self.field_name(table, key)
            if name in SYSTEM_FIELDS:
                raise DatabaseError(f"system field {name} cannot be written")
            changes[name] = _coerce(value, types[name], name)
        count = 0
        with self.store.transaction():
            self._hold(database_id)
            for row in self._visible(account, table, user):
                if self._matches(table, row, logic, clauses):
                    row.update(changes)
                    self._save(database_id, account.user_id, row)
                    count += 1
        return count

    def delete_rows(
        self,
        account: Account,
        database_id: str,
        logic: str,
        clauses: Sequence[Clause],
        user: Optional[str] = None,
    ) -> int:
        table = self.get(account, database_id)
        self._writable(table)
        count = 0
        with self.store.transaction():
            self._hold(database_id)
            for row in self._visible(account, table, user):
                if self._matches(table, row, logic, clauses):
                    self.store.delete(self.ROW, f"{database_id}:{row['id']}")
                    count += 1
        return count

    # -- SQL ---------------------------------------------------------------------------------------

    def execute_sql(
        self, account: Account, database_id: str, sql: str, params: Sequence[Any], user: str, platform: str
    ) -> Tuple[List[Dict[str, Any]], int]:
        """One SQL statement over the table (SQLite's dialect): the rows it returns, and the number of
        rows it changed (or returned). In a single-user table the statement sees only `user`'s rows, as
        Coze Studio adds `uuid = <user>` to it; a read-only table takes only statements that change
        nothing. The rows are read and written back under the table's lock."""
        with self.store.transaction():
            self._hold(database_id)
            return self._execute_sql(account, database_id, sql, params, user, platform)

    def _execute_sql(
        self, account: Account, database_id: str, sql: str, params: Sequence[Any], user: str, platform: str
    ) -> Tuple[List[Dict[str, Any]], int]:
        table = self.get(account, database_id)
        types = self.types(table)
        names = list(types)
        db = sqlite3.connect(":memory:")
        try:
            columns = ", ".join(f'"{n}"' + (" INTEGER PRIMARY KEY" if n == "id" else "") for n in names)
            db.execute(f'CREATE TABLE "{table["name"]}" ({columns})')
            marks = ", ".join("?" for _ in names)
            before = self._visible(account, table, user)
            db.executemany(
                f'INSERT INTO "{table["name"]}" VALUES ({marks})',
                [[r.get(n) for n in names] for r in before],
            )
            for fname, (arity, fn) in MYSQL_FUNCTIONS.items():
                db.create_function(fname, arity, fn, deterministic=fname not in ("NOW", "CURDATE"))
            db.set_authorizer(_only_rows)
            try:
                cursor = db.execute(sql, list(params))
            except (sqlite3.Error, sqlite3.Warning) as exc:
                raise DatabaseError(f"SQL error: {exc}") from None
            if cursor.description is not None:
                cols = [c[0] for c in cursor.description]
                found = [dict(zip(cols, r)) for r in cursor.fetchmany(MAX_ROWS)]
                return found, len(found)
            changed = max(cursor.rowcount, 0)
            if db.total_changes:
                self._writable(table)
            self._write_back(account, database_id, db, table, names, before, user, platform)
            return [], changed
        finally:
            db.close()

    def _write_back(
        self,
        account: Account,
        database_id: str,
        db: sqlite3.Connection,
        table: Dict[str, Any],
        names: List[str],
        before: List[Dict[str, Any]],
        user: str,
        platform: str,
    ) -> None:
        types = self.types(table)
        after = [dict(zip(names, r)) for r in db.execute(f'SELECT * FROM "{table["name"]}"')]
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        known = {int(r["id"]) for r in before}
        kept = {int(r["id"]) for r in after if r.get("id") is not None}
        with self.store.transaction():
            for row in before:
                if int(row["id"]) not in kept:
                    self.store.delete(self.ROW, f"{database_id}:{row['id']}")
            next_id = max(known | {self._next_id(database_id) - 1}) + 1
            for row in after:
                if row.get("id") is None or int(row["id"]) not in known:  # a new row: an id of the table's
                    row["id"], next_id = next_id, next_id + 1
                row = {n: _coerce(row.get(n), types[n], n) for n in names}
                row["uuid"] = row.get("uuid") or user
                row["sys_platform"] = row.get("sys_platform") or platform
                row["bstudio_create_time"] = row.get("bstudio_create_time") or now
                self._save(database_id, account.user_id, row)
