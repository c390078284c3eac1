"""The emulator's store on both engines: a SQLite file and a real PostgreSQL server (loopback)."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import sqlalchemy as sa
from psycopg import sql as pgsql
from sqlalchemy.sql.compiler import SQLCompiler

from cozekit.emulator.core import schema
from cozekit.emulator.core.ids import IdGenerator
from cozekit.emulator.core.store import (
    _HOT,
    DuplicateId,
    MissingDocument,
    Store,
    _Plain,
    contains,
    is_null,
    not_in,
    not_null,
)

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "emulator.sqlite3")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(target: str) -> Iterator[Store]:
    s = Store(target)
    yield s
    s.close()


def _doc(id: str, **fields: Any) -> Dict[str, Any]:
    return {"id": id, **fields}


def _fill(store: Store, n: int, parent: str = "bot1", owner: str = "u1") -> List[str]:
    ids = IdGenerator(node=1)
    made = []
    for i in range(n):
        doc = _doc(ids.next(), name=f"conv {i:03d}", created_at=1000 + i // 2, hidden=i % 5 == 0, n=i)
        doc["kind_of"] = "even" if i % 2 == 0 else "odd"
        store.insert("conversation", doc, owner=owner, parent=parent)
        made.append(doc["id"])
    return made


def test_the_engine_is_the_one_asked_for(store: Store, target: str) -> None:
    assert store.dialect == ("postgresql" if target.startswith("postgresql") else "sqlite")
    assert store.schema_version() == schema.VERSION


def test_insert_get_update_delete(store: Store) -> None:
    doc = _doc("7000000000000000100", name="first", meta={"k": "v"}, text="中文")
    assert store.insert("bot", doc, owner="u1", parent="ws1") == doc
    assert store.get("bot", doc["id"]) == doc
    assert store.get("bot", doc["id"], owner="u1") == doc
    assert store.get("bot", doc["id"], owner="someone else") is None
    assert store.get("conversation", doc["id"]) is None  # ids are per kind
    store.update("bot", {**doc, "name": "renamed"}, owner="u1", parent="ws1")
    assert store.get("bot", doc["id"]) == {**doc, "name": "renamed"}
    store.delete("bot", doc["id"])
    assert store.get("bot", doc["id"]) is None


def test_a_duplicate_id_is_an_error_never_an_overwrite(store: Store) -> None:
    store.insert("message", _doc("1", content="original"), owner="u1")
    with pytest.raises(DuplicateId):
        store.insert("message", _doc("1", content="intruder"), owner="u2")
    assert store.get("message", "1") == _doc("1", content="original")
    assert store.insert_missing("message", _doc("1", content="again"), owner="u1") is False
    assert store.insert_missing("message", _doc("2", content="new"), owner="u1") is True


def test_updating_a_missing_document_is_an_error(store: Store) -> None:
    with pytest.raises(MissingDocument):
        store.update("message", _doc("404"), owner="u1")
    assert store.get("message", "404") is None
    store.upsert("setting", _doc("clock", offset=1), owner="")
    store.upsert("setting", _doc("clock", offset=2), owner="")
    assert store.find("setting") == [_doc("clock", offset=2)]


def test_page_by_offset_in_both_orders_with_count(store: Store) -> None:
    ids = _fill(store, 25)
    first = store.page("conversation", owner="u1", parent="bot1", limit=10)
    assert [d["id"] for d in first.items] == ids[:10] and first.has_more
    last = store.page("conversation", owner="u1", parent="bot1", offset=20, limit=10)
    assert [d["id"] for d in last.items] == ids[20:] and not last.has_more
    newest = store.page("conversation", owner="u1", parent="bot1", desc=True, offset=5, limit=5)
    assert [d["id"] for d in newest.items] == ids[::-1][5:10]
    assert store.count("conversation", owner="u1", parent="bot1") == 25
    assert store.count("conversation", owner="u1", parent="other bot") == 0
    assert store.page("conversation", owner="u2", parent="bot1", limit=5).items == []


def test_cursor_pages_forward_and_back(store: Store) -> None:
    ids = _fill(store, 12)
    page = store.page("conversation", parent="bot1", after=ids[3], limit=4)
    assert [d["id"] for d in page.items] == ids[4:8] and page.has_more
    page = store.page("conversation", parent="bot1", after=ids[7], limit=4)
    assert [d["id"] for d in page.items] == ids[8:12] and not page.has_more
    back = store.page("conversation", parent="bot1", before=ids[8], limit=3)
    assert [d["id"] for d in back.items] == ids[5:8] and back.has_more
    back = store.page("conversation", parent="bot1", before=ids[2], limit=3)
    assert [d["id"] for d in back.items] == ids[:2] and not back.has_more
    newest_first = store.page("conversation", parent="bot1", desc=True, after=ids[6], limit=3)
    assert [d["id"] for d in newest_first.items] == [ids[5], ids[4], ids[3]]
    newest_first = store.page("conversation", parent="bot1", desc=True, before=ids[6], limit=3)
    assert [d["id"] for d in newest_first.items] == [ids[9], ids[8], ids[7]]


def test_pages_ordered_by_a_column_keep_ties_in_id_order(store: Store) -> None:
    ids = _fill(store, 10)  # created_at: two documents per second
    desc = store.page("conversation", parent="bot1", order="created_at", desc=True, limit=4)
    assert [d["id"] for d in desc.items] == [ids[9], ids[8], ids[7], ids[6]]
    after = store.page("conversation", parent="bot1", order="created_at", desc=True, after=ids[6], limit=3)
    assert [d["id"] for d in after.items] == [ids[5], ids[4], ids[3]]
    by_name = store.page("conversation", parent="bot1", order="name", desc=True, limit=2)
    assert [d["name"] for d in by_name.items] == ["conv 009", "conv 008"]


def test_where_filters_json_fields_and_columns(store: Store) -> None:
    ids = _fill(store, 20)
    visible = store.find("conversation", parent="bot1", where={"hidden": False})
    assert [d["id"] for d in visible] == [i for n, i in enumerate(ids) if n % 5 != 0]
    odd = store.page("conversation", parent="bot1", where={"kind_of": "odd", "hidden": False}, limit=50)
    assert [d["n"] for d in odd.items] == [1, 3, 7, 9, 11, 13, 17, 19]
    assert store.count("conversation", where={"n": [1, 2, 3]}) == 3
    assert store.count("conversation", where={"n": 7}) == 1
    assert store.count("conversation", where={"name": contains("CONV 01")}) == 10
    assert store.count("conversation", where={"name": contains("%")}) == 0
    assert store.count("conversation", where={"kind_of": []}) == 0
    store.insert("bot", _doc("1", published=None), owner="u1")
    store.insert("bot", _doc("2", published={"version": "1"}), owner="u1")
    store.insert("bot", _doc("3"), owner="u1")
    assert [d["id"] for d in store.find("bot", where={"published": not_null()})] == ["2"]
    assert [d["id"] for d in store.find("bot", where={"published": is_null()})] == ["1", "3"]
    store.insert("workflow", _doc("1", versions=[]), owner="u1")
    store.insert("workflow", _doc("2", versions=[{"version": "v1", "meta": {"by": "ann"}}]), owner="u1")
    assert [d["id"] for d in store.find("workflow", where={"versions.0": not_null()})] == ["2"]
    assert [d["id"] for d in store.find("workflow", where={"versions.0": is_null()})] == ["1"]
    assert [d["id"] for d in store.find("workflow", where={"versions.0.meta.by": "ann"})] == ["2"]
    assert store.delete_where("conversation", parent="bot1", where={"kind_of": "even"}) == 10
    assert store.count("conversation") == 10


def test_a_transaction_is_all_or_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.insert("file", _doc("1"), owner="u1")
        with store.transaction():  # nested: joins the outer one
            store.insert("file", _doc("2"), owner="u1")
        assert store.count("file") == 2  # visible inside
        raise RuntimeError("abort")
    assert store.count("file") == 0
    with store.transaction():
        store.insert("file", _doc("3"), owner="u1")
        store.update("file", _doc("3", bytes=5), owner="u1")
    assert store.get("file", "3") == _doc("3", bytes=5)


def test_a_failed_insert_inside_a_transaction_can_be_recovered(store: Store) -> None:
    store.insert("token", _doc("t"), owner="u1")
    with store.transaction():
        assert store.insert_missing("token", _doc("t"), owner="u1") is False
        store.insert("token", _doc("u"), owner="u1")
    assert store.count("token") == 2


def test_ids_are_unique_across_stores_on_one_database(target: str) -> None:
    stores = [Store(target) for _ in range(3)]
    try:
        nodes = [s.claim_id_node() for s in stores]
        assert len(set(nodes)) == 3
        generators = [IdGenerator(node=n) for n in nodes]
        minted = [[g.next() for _ in range(5000)] for g in generators]
        everything = [i for batch in minted for i in batch]
        assert len(set(everything)) == len(everything)
        for batch in minted:
            assert all(len(i) == 19 and i.isdigit() for i in batch)
            assert [int(i) for i in batch] == sorted(int(i) for i in batch)
    finally:
        for s in stores:
            s.close()


def test_writes_from_many_threads_all_land(store: Store) -> None:
    ids = IdGenerator()
    errors: List[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(40):
                with store.transaction():
                    doc = _doc(ids.next(), t=t, i=i)
                    store.insert("message", doc, owner="u1", parent=f"c{t % 2}")
                    assert store.get("message", doc["id"]) == doc
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert store.count("message") == 320
    assert store.count("message", parent="c0") == 160


def test_wipe_empties_documents_and_blobs(store: Store) -> None:
    _fill(store, 3)
    store.put_blob("b1", b"\x00\x01")
    assert store.get_blob("b1") == b"\x00\x01"
    store.wipe()
    assert store.count("conversation") == 0 and store.get_blob("b1") is None
    assert store.schema_version() == schema.VERSION


def _version_zero(target: str, rows: List[Dict[str, Any]]) -> None:
    """A database as the store's first schema wrote it (before schema versions)."""
    url = target if "://" in target else f"sqlite:///{target}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE objects (kind TEXT NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL, "
                "parent TEXT NOT NULL DEFAULT '', data TEXT NOT NULL, PRIMARY KEY (kind, id))"
            )
        )
        conn.execute(sa.text("CREATE INDEX objects_by_owner ON objects (kind, owner, parent)"))
        blob_type = "BYTEA" if url.startswith("postgresql") else "BLOB"
        conn.execute(sa.text(f"CREATE TABLE blobs (id TEXT PRIMARY KEY, data {blob_type} NOT NULL)"))
        for r in rows:
            conn.execute(
                sa.text("INSERT INTO objects VALUES (:kind, :id, :owner, :parent, :data)"),
                {**r, "data": json.dumps(r["data"])},
            )
        conn.execute(sa.text("INSERT INTO blobs VALUES ('f1', :data)"), {"data": b"bytes"})
    engine.dispose()


def test_a_version_zero_database_is_migrated_in_place(target: str) -> None:
    rows = [
        {
            "kind": "conversation",
            "id": str(7000000000000000200 + i),
            "owner": "u1",
            "parent": "bot1",
            "data": {"id": str(7000000000000000200 + i), "name": f"c{i}", "updated_at": 50 - i},
        }
        for i in range(5)
    ]
    rows.append({"kind": "oauth_clock", "id": "clock", "owner": "", "parent": "", "data": {"id": "clock"}})
    _version_zero(target, rows)
    store = Store(target)
    try:
        assert store.schema_version() == schema.VERSION
        assert store.count("conversation", owner="u1", parent="bot1") == 5
        newest = store.page("conversation", parent="bot1", order="updated_at", desc=True, limit=2)
        assert [d["name"] for d in newest.items] == ["c0", "c1"]  # the indexed columns were filled in
        assert store.get("oauth_clock", "clock") == {"id": "clock"}
        assert store.get_blob("f1") == b"bytes"
        with pytest.raises(DuplicateId):
            store.insert("conversation", rows[0]["data"], owner="u1", parent="bot1")
    finally:
        store.close()
    again = Store(target)  # opening an up-to-date database changes nothing
    try:
        assert again.count("conversation") == 5 and again.schema_version() == schema.VERSION
    finally:
        again.close()


def test_an_empty_database_gets_the_current_schema(target: str) -> None:
    store = Store(target)
    try:
        tables = set(sa.inspect(store.engine).get_table_names())
        assert {"objects", "blobs", "schema_version", "id_nodes"} <= tables
        assert _indexes(store) == V2_INDEXES
    finally:
        store.close()


V1_INDEXES = {
    "objects_by_parent": "kind, owner, parent, seq, id",
    "objects_by_owner": "kind, owner, seq, id",
    "objects_by_parent_only": "kind, parent, seq, id",
    "objects_by_updated": "kind, owner, parent, updated_at, seq, id",
    "objects_by_created": "kind, owner, parent, created_at, seq, id",
    "objects_by_name": "kind, owner, parent, name, seq, id",
}
V2_INDEXES = {
    "objects_by_parent",
    "objects_by_owner",
    "objects_by_parent_only",
    "objects_bot_by_updated_at",
    "objects_workflow_by_updated_at",
    "objects_dataset_by_created_at",
}


def _indexes(store: Store) -> set[str]:
    return {str(i["name"]) for i in sa.inspect(store.engine).get_indexes("objects")}


def _version_one(target: str, rows: List[Dict[str, Any]]) -> None:
    """A database as schema version 1 wrote it: six indexes over every document, three of them ordered by
    a column."""
    url = target if "://" in target else f"sqlite:///{target}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    blob_type = "BYTEA" if url.startswith("postgresql") else "BLOB"
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE objects (kind VARCHAR(64) NOT NULL, id VARCHAR(255) NOT NULL, "
                "owner VARCHAR(255) NOT NULL, parent VARCHAR(255) DEFAULT '' NOT NULL, "
                "seq BIGINT DEFAULT '0' NOT NULL, name VARCHAR(255) DEFAULT '' NOT NULL, "
                "created_at BIGINT DEFAULT '0' NOT NULL, updated_at BIGINT DEFAULT '0' NOT NULL, "
                "data JSON NOT NULL, PRIMARY KEY (kind, id))"
            )
        )
        for name, columns in V1_INDEXES.items():
            conn.execute(sa.text(f"CREATE INDEX {name} ON objects ({columns})"))
        conn.execute(sa.text(f"CREATE TABLE blobs (id VARCHAR(255) PRIMARY KEY, data {blob_type} NOT NULL)"))
        conn.execute(sa.text("CREATE TABLE id_nodes (node INTEGER PRIMARY KEY, claimed_at BIGINT NOT NULL)"))
        conn.execute(sa.text("CREATE TABLE schema_version (version INTEGER NOT NULL)"))
        conn.execute(sa.text("INSERT INTO schema_version VALUES (1)"))
        conn.execute(schema.objects.insert(), rows)
    engine.dispose()


def _listed(n: int, kind: str, parent: str, order: str) -> List[Dict[str, Any]]:
    """`n` documents of `kind` whose times run against their ids (the newest id the oldest time)."""
    return [_doc(str(7000000000000000300 + i), name=f"{kind} {i}", **{order: 5000 - i}) for i in range(n)]


def test_a_version_one_database_is_migrated_in_place(target: str) -> None:
    """Version 2 keeps an ordered index only for the kinds listed in that order, partial to their rows."""
    bots = _listed(6, "bot", "ws1", "updated_at")
    datasets = _listed(4, "dataset", "ws1", "created_at")
    conversations = _listed(3, "conversation", "bot1", "updated_at")
    rows = [schema.row_of("bot", d, "u1", "ws1") for d in bots]
    rows += [schema.row_of("dataset", d, "u1", "ws1") for d in datasets]
    rows += [schema.row_of("conversation", d, "u1", "bot1") for d in conversations]
    _version_one(target, rows)
    store = Store(target)
    try:
        assert store.schema_version() == 2
        assert _indexes(store) == V2_INDEXES
        assert store.get("bot", bots[2]["id"]) == bots[2]
        assert store.count("bot", owner="u1", parent="ws1") == 6
        newest = store.page("bot", owner="u1", parent="ws1", order="updated_at", desc=True, limit=4)
        assert [d["id"] for d in newest.items] == [d["id"] for d in bots[:4]] and newest.has_more
        oldest = store.page("dataset", owner="u1", parent="ws1", order="created_at", offset=1, limit=2)
        assert [d["id"] for d in oldest.items] == [datasets[2]["id"], datasets[1]["id"]]
        unindexed = store.page("conversation", owner="u1", parent="bot1", order="updated_at", limit=5)
        assert [d["id"] for d in unindexed.items] == [d["id"] for d in conversations[::-1]]
        store.insert("bot", _doc("7000000000000000400", updated_at=9999), owner="u1", parent="ws1")
        first = store.page("bot", owner="u1", parent="ws1", order="updated_at", desc=True, limit=1)
        assert [d["id"] for d in first.items] == ["7000000000000000400"]
    finally:
        store.close()
    again = Store(target)  # opening it again changes nothing
    try:
        assert again.schema_version() == 2 and _indexes(again) == V2_INDEXES
        assert again.count("bot") == 7
    finally:
        again.close()


def test_a_newer_database_is_refused(target: str) -> None:
    Store(target).close()
    url = target if "://" in target else f"sqlite:///{target}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(schema.schema_version.update().values(version=schema.VERSION + 1))
    engine.dispose()
    with pytest.raises(RuntimeError, match="newer than this cozekit"):
        Store(target)


Statement = Tuple[str, Optional[Dict[str, Any]]]


@pytest.fixture
def recorded(target: str) -> Iterator[Tuple[Store, List[Statement]]]:
    """A store, and the statements it runs as the database receives them: SQLite's, with their values
    written in (the driver's trace), or PostgreSQL's, with their parameters."""
    seen: List[Statement] = []

    def trace(dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.set_trace_callback(lambda sql: seen.append((sql, None)))

    def execute(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        seen.append((statement, dict(parameters or {})))

    sa.event.listen(sa.pool.Pool, "connect", trace)  # every connection, the store's first one too
    try:
        store = Store(target)
    finally:
        sa.event.remove(sa.pool.Pool, "connect", trace)
    sa.event.listen(store.engine, "before_cursor_execute", execute)
    yield store, seen
    store.close()


def _plan(store: Store, statement: Statement) -> str:
    """The database's plan for a statement the store ran. PostgreSQL plans it as a prepared statement's
    generic plan (the one it settles on for a statement run again and again: its values unknown), with
    scans and sorts of the whole table priced out, so the plan reads an index whenever one can serve."""
    sql, params = statement
    if store.dialect == "sqlite":
        db = sqlite3.connect(store.path)
        try:
            return " | ".join(str(row[-1]) for row in db.execute("EXPLAIN QUERY PLAN " + sql))
        finally:
            db.close()
    assert params is not None
    names: List[str] = []

    def numbered(match: re.Match[str]) -> str:
        names.append(match.group(1))
        return f"${len(names)}"

    prepared = re.sub(r"%\((\w+)\)s", numbered, sql)
    with store.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        for setting in ("enable_seqscan = off", "enable_sort = off", "plan_cache_mode = force_generic_plan"):
            raw.execute(f"SET {setting}")
        raw.execute(f"PREPARE listed AS {prepared}")
        values = pgsql.SQL(", ").join(pgsql.Literal(params[n]) for n in names)
        explain = pgsql.SQL("EXPLAIN EXECUTE listed ({})").format(values)
        plan = " | ".join(str(row[0]) for row in raw.execute(explain))
        raw.execute("DEALLOCATE listed")
        conn.rollback()
    return plan


def _page_statement(seen: List[Statement]) -> Statement:
    pages = [s for s in seen if s[0].lstrip().upper().startswith("SELECT") and "ORDER BY" in s[0]]
    assert pages, seen
    return pages[-1]


def test_pages_read_their_index_in_list_order(recorded: Tuple[Store, List[Statement]]) -> None:
    """A page walks an index in list order and stops at the page (no full scan, no sort): an id index for
    every kind, and for a kind a service lists by a time, that kind's partial index, also as the generic
    plan PostgreSQL settles on for a statement run again and again."""
    store, seen = recorded
    conversations = _fill(store, 30)
    listed = {}
    for kind, order in (("bot", "updated_at"), ("workflow", "updated_at"), ("dataset", "created_at")):
        listed[kind] = [d["id"] for d in _listed(30, kind, "ws1", order)]  # newest first
        for doc in _listed(30, kind, "ws1", order):
            store.insert(kind, doc, owner="u1", parent="ws1")
        store.insert(kind, _doc("7000000000000000900", **{order: 9999}), owner="u2", parent="ws1")
    cases: List[Tuple[Dict[str, Any], List[str], Tuple[str, ...]]] = [
        (
            dict(kind="conversation", owner="u1", parent="bot1", where={"hidden": False}, desc=True, limit=5),
            [i for n, i in reversed(list(enumerate(conversations))) if n % 5 != 0][:5],
            ("objects_by_parent", "objects_by_owner"),
        ),
        (
            dict(
                kind="bot",
                owner="u1",
                parent="ws1",
                where={"published": is_null()},
                order="updated_at",
                desc=True,
                offset=20,
                limit=5,
            ),
            listed["bot"][20:25],
            ("objects_bot_by_updated_at",),
        ),
        (
            dict(kind="workflow", owner="u1", parent="ws1", order="updated_at", desc=True, limit=5),
            listed["workflow"][:5],
            ("objects_workflow_by_updated_at",),
        ),
        (
            dict(kind="dataset", owner="u1", parent="ws1", order="created_at", offset=3, limit=5),
            listed["dataset"][::-1][3:8],
            ("objects_dataset_by_created_at",),
        ),
    ]
    for call, expected, indexes in cases:
        for _ in range(2):  # the second run is the cached statement's
            page = store.page(**call)
            assert [d["id"] for d in page.items] == expected and page.has_more
        plan = _plan(store, _page_statement(seen))
        assert any(index in plan for index in indexes), (call, plan)
        assert "TEMP B-TREE" not in plan and "Sort" not in plan, (call, plan)


def test_sqlite_file_is_in_wal_mode(tmp_path: Path) -> None:
    path = str(tmp_path / "wal.sqlite3")
    Store(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_sqlite_commits_leave_the_log_to_the_checkpoint_thread(tmp_path: Path) -> None:
    """A commit never copies the write-ahead log back (that fsync held every writer up); `checkpoint`,
    run by the store's own thread, does, and what was written is read back after a reopen."""
    path = str(tmp_path / "wal.sqlite3")
    store = Store(path)
    try:
        with store._checkout() as conn:
            assert conn.raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        for i in range(50):
            store.insert("message", _doc(str(1000 + i), text="x" * 2000), owner="u1", parent="c1")
        result = store.checkpoint()
        assert result is not None
        busy, log, copied = result
        assert (busy, copied) == (0, log) and log > 0
    finally:
        store.close()
    reopened = Store(path)
    try:
        assert reopened.count("message", owner="u1", parent="c1") == 50
    finally:
        reopened.close()
    assert Store(":memory:").checkpoint() is None


def _lists_read_right(store: Store, ids: List[str]) -> None:
    """Finds, pages and counts with list parameters (two lengths of one shape among them) give the right
    documents; `ids` are `_fill`'s 20 (`n` = position; `hidden` every fifth; `kind_of` by parity)."""

    def ns(docs: List[Dict[str, Any]]) -> List[int]:
        return [d["n"] for d in docs]

    assert ns(store.find("conversation", where={"n": [1, 2, 3, 15]})) == [1, 2, 3, 15]
    assert ns(store.find("conversation", where={"n": [4]})) == [4]
    assert ns(store.find("conversation", where={"n": [6, 2, 4], "hidden": False, "kind_of": ["even"]})) == [
        2,
        4,
        6,
    ]
    assert ns(store.find("conversation", owner="u1", where={"n": not_in(list(range(16)))})) == [
        16,
        17,
        18,
        19,
    ]
    page = store.page("conversation", parent="bot1", where={"n": [5, 6, 7, 8, 9, 10]}, offset=2, limit=2)
    assert ns(page.items) == [7, 8] and page.has_more
    page = store.page("conversation", parent="bot1", where={"kind_of": ["odd"]}, desc=True, limit=3)
    assert ns(page.items) == [19, 17, 15] and page.has_more
    page = store.page("conversation", where={"n": list(range(1, 11))}, after=ids[3], limit=3)
    assert ns(page.items) == [4, 5, 6] and page.has_more
    assert store.count("conversation", where={"n": [1, 2, 3]}) == 3
    assert store.count("conversation", where={"n": [1, 2, 3, 30]}) == 3
    assert store.count("conversation", where={"name": ["conv 001", "conv 017"]}) == 2
    assert store.count("conversation", where={"name": contains("conv 01"), "hidden": True}) == 2


def test_sqlite_lists_take_the_fast_path(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "fast.sqlite3"))
    try:
        _lists_read_right(store, _fill(store, 20))
        assert store._plain and not store._unplain  # every shape ran on the driver connection
    finally:
        store.close()


def _broken(how: str, monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """Break what `_Plain` takes from SQLAlchemy's compiler, as another SQLAlchemy might; returns the list
    that each call of the broken part is noted in."""
    calls: List[str] = []
    expand = SQLCompiler.construct_expanded_state

    def construct_expanded_state(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(how)
        if how == "missing":
            raise AttributeError("'SQLiteCompiler' object has no attribute 'construct_expanded_state'")
        if how == "signature":
            raise TypeError("construct_expanded_state() got an unexpected keyword argument")
        state = expand(self, *args, **kwargs)
        if how == "reordered":  # the same parameters, in another order: rows would be wrong
            return state._replace(positiontup=list(reversed(state.positiontup)))
        if how == "unexpanded":  # the list items' names not linked to their lists: values would be stale
            return state._replace(parameter_expansion={})
        return state._replace(statement=state.statement.replace("?", "?, ?", 1))  # "markers"

    def bind(self: Any, params: Dict[str, Any]) -> Any:
        calls.append(how)
        raise TypeError("a bind processor of another signature")

    if how == "bind":
        monkeypatch.setattr(_Plain, "bind", bind)
    else:
        monkeypatch.setattr(SQLCompiler, "construct_expanded_state", construct_expanded_state)
    return calls


@pytest.mark.parametrize("how", ["missing", "signature", "reordered", "unexpanded", "markers", "bind"])
def test_sqlite_lists_go_through_sqlalchemy_when_its_compiler_is_not_as_expected(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """`_Plain` uses SQLAlchemy's compiler beyond plain execution: when that fails or does not add up,
    each shape runs through SQLAlchemy instead, decided once per shape, and the rows are the same."""
    store = Store(str(tmp_path / "fallback.sqlite3"))
    try:
        ids = _fill(store, 20)
        calls = _broken(how, monkeypatch)
        with caplog.at_level(logging.DEBUG, logger="cozekit.emulator"):
            _lists_read_right(store, ids)
            assert store._unplain
            if how == "unexpanded":  # only shapes without a list can do without the link
                assert all(lengths == () for _shape, lengths in store._plain)
            else:
                assert not store._plain
            tried = len(calls)
            # one try per shape that failed, whatever its list lengths
            assert tried == len(store._unplain) + len(store._plain)
            _lists_read_right(store, ids)  # decided: no second try
            assert len(calls) == tried
        said = [r for r in caplog.records if "runs through SQLAlchemy" in r.getMessage()]
        assert [r.levelno for r in said] == [logging.WARNING] + [logging.DEBUG] * (len(store._unplain) - 1)
        store.insert("conversation", _doc("7400000000000000999", n=3), owner="u1", parent="bot1")
        assert store.count("conversation", where={"n": [1, 2, 3]}) == 4  # fresh values, not kept ones
    finally:
        store.close()


def test_the_hot_statements_take_their_values_as_they_are(store: Store) -> None:
    """The hot statements run on the driver connection without SQLAlchemy's bind processing: none of
    their parameters' types processes anything, but `data`'s (JSON, which the store writes as text)."""
    dialect = store.engine.dialect
    for name, statement in _HOT.items():
        compiled = statement.compile(dialect=dialect)
        processed = {
            key
            for key, bind in compiled.binds.items()
            if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None
        }
        assert processed <= {"data", "v_data"}, name
        sql, names = store._sql[name]
        assert sql == compiled.string
        if store.dialect == "sqlite":
            assert names is not None and len(names) == sql.count("?") == len(compiled.positiontup)
        else:
            assert names is None
