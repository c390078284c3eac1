"""Database nodes (insert, query, update, delete, custom SQL) on the emulator's tables, through cozekit."""

from __future__ import annotations

from typing import Any, Dict, List

import httpx
import pytest

from cozekit import CozeAPIError
from cozekit.emulator import ThreadedEmulator
from sync_or_async import Client, run

from .build import chain, end_vars, lit, load, node, out, param, ref, start

S = "100001"
ROW = [out("name"), out("score", "integer")]
ROWS = ("list", {"type": "object", "schema": ROW})
DB_OUT = [out("outputList", *ROWS), out("rowNum", "integer")]


@pytest.fixture
def table(emu: ThreadedEmulator) -> Dict[str, Any]:
    fields = [{"name": "name", "type": "string", "required": True}, {"name": "score", "type": "integer"}]
    made = emu.control.create_database("players", fields)
    return {"id": made["database_id"], **{f["name"]: f["id"] for f in made["fields"]}}


def db_node(id: str, type: int, table: Dict[str, Any], **inputs: Any) -> Dict[str, Any]:
    inputs = {"databaseInfoList": [{"databaseInfoID": table["id"]}], **inputs}
    return node(id, type, f"db {id}", inputs=inputs, outputs=DB_OUT)


def clause(field: str, op: str, right: Any = None) -> List[Dict[str, Any]]:
    parts = [param("left", lit(field)), param("operation", lit(op))]
    return parts + ([param("right", right)] if right is not None else [])


def values(*pairs: Any) -> List[List[Dict[str, Any]]]:
    return [[param("fieldID", lit(f)), param("fieldValue", v)] for f, v in pairs]


def result(id: str) -> List[Dict[str, Any]]:
    return [param("rows", ref(id, "outputList", *ROWS)), param("n", ref(id, "rowNum", "integer"))]


def writer(table: Dict[str, Any]) -> Dict[str, Any]:
    insert = db_node(
        "46001",
        46,
        table,
        insertParam={
            "fieldInfo": values((table["name"], ref(S, "name")), (table["score"], ref(S, "score", "integer")))
        },
    )
    select = {
        "fieldList": [
            {"fieldID": table["name"], "isDistinct": False},
            {"fieldID": table["score"], "isDistinct": False},
        ],
        "orderByList": [{"fieldID": table["score"], "isAsc": False}],
        "limit": 2,
        "condition": {
            "conditionList": [clause("score", "GREATER_EQUAL", lit(10, "integer"))],
            "logic": "AND",
        },
    }
    query = db_node("43001", 43, table, selectParam=select)
    return chain(
        start(out("name", required=True), out("score", "integer")),
        insert,
        query,
        end_vars(param("inserted", ref("46001", "rowNum", "integer")), *result("43001")),
    )


async def test_insert_then_query_with_condition_order_and_limit(
    client: Client, emu: ThreadedEmulator, table: Dict[str, Any]
) -> None:
    wf = load(emu, writer(table), "writer")
    for name, score in (("ann", 12), ("bob", 5), ("cid", 30)):
        got = await run(
            client.workflows.runs.create(workflow_id=wf, parameters={"name": name, "score": score})
        )
    assert got.parsed_data == {
        "inserted": 1,
        "rows": [{"name": "cid", "score": 30}, {"name": "ann", "score": 12}],
        "n": 2,
    }
    rows = emu.control.database_rows(table["id"])
    assert [(r["id"], r["name"], r["score"], r["uuid"]) for r in rows] == [
        (1, "ann", 12, emu.user_id),
        (2, "bob", 5, emu.user_id),
        (3, "cid", 30, emu.user_id),
    ]


async def test_update_and_delete_report_the_rows_they_changed(
    client: Client, emu: ThreadedEmulator, table: Dict[str, Any]
) -> None:
    wf = load(emu, writer(table), "writer")
    for name, score in (("ann", 12), ("bob", 5), ("cid", 30)):
        await run(client.workflows.runs.create(workflow_id=wf, parameters={"name": name, "score": score}))
    upd = db_node(
        "42001",
        42,
        table,
        updateParam={
            "condition": {
                "conditionList": [clause("name", "IN", ref(S, "names", "list", {"type": "string"}))],
                "logic": "AND",
            },
            "fieldInfo": values((table["score"], lit(0, "integer"))),
        },
    )
    rm = db_node(
        "44001",
        44,
        table,
        deleteParam={
            "condition": {
                "conditionList": [
                    clause("score", "EQUAL", lit(0, "integer")),
                    clause("name", "LIKE", lit("b")),
                ],
                "logic": "AND",
            }
        },
    )
    canvas = chain(
        start(out("names", "list", {"type": "string"})),
        upd,
        rm,
        end_vars(
            param("updated", ref("42001", "rowNum", "integer")),
            param("deleted", ref("44001", "rowNum", "integer")),
        ),
    )
    fix = load(emu, canvas, "fix")
    got = await run(client.workflows.runs.create(workflow_id=fix, parameters={"names": ["ann", "bob"]}))
    assert got.parsed_data == {"updated": 2, "deleted": 1}
    assert [(r["name"], r["score"]) for r in emu.control.database_rows(table["id"])] == [
        ("ann", 0),
        ("cid", 30),
    ]


def sql_canvas(table: Dict[str, Any], sql: str) -> Dict[str, Any]:
    sql_node = node(
        "12001",
        12,
        "SQL",
        inputs={"databaseInfoList": [{"databaseInfoID": table["id"]}], "sql": sql},
        params=[param("who", ref(S, "who")), param("top", ref(S, "top", "integer"))],
        outputs=DB_OUT,
    )
    return chain(start(out("who"), out("top", "integer")), sql_node, end_vars(*result("12001")))


async def test_custom_sql_runs_over_the_table(
    client: Client, emu: ThreadedEmulator, table: Dict[str, Any]
) -> None:
    wf = load(emu, writer(table), "writer")
    for name, score in (("ann", 12), ("bob", 5)):
        await run(client.workflows.runs.create(workflow_id=wf, parameters={"name": name, "score": score}))
    change = load(
        emu, sql_canvas(table, "UPDATE players SET score = score + {{top}} WHERE name = '{{who}}'"), "change"
    )
    changed = await run(
        client.workflows.runs.create(workflow_id=change, parameters={"who": "bob", "top": 100})
    )
    assert changed.parsed_data == {"rows": [], "n": 1}
    read = load(
        emu, sql_canvas(table, "SELECT name, score FROM players WHERE score > {{top}} ORDER BY name"), "read"
    )
    got = await run(client.workflows.runs.create(workflow_id=read, parameters={"who": "", "top": 10}))
    assert got.parsed_data == {"rows": [{"name": "ann", "score": 12}, {"name": "bob", "score": 105}], "n": 2}
    # a quoted value is a parameter: it cannot break out of its string
    sneaky = await run(
        client.workflows.runs.create(workflow_id=change, parameters={"who": "x' OR '1'='1", "top": 1})
    )
    assert sneaky.parsed_data["n"] == 0
    attach = load(emu, sql_canvas(table, "ATTACH DATABASE 'other.db' AS other"), "attach")
    with pytest.raises(CozeAPIError, match="not authorized"):
        await run(client.workflows.runs.create(workflow_id=attach, parameters={"who": "", "top": 0}))


def test_a_database_node_without_a_table_is_refused(emu: ThreadedEmulator) -> None:
    canvas = chain(
        start(), node("43001", 43, "Query", inputs={"selectParam": {"limit": 1}}, outputs=DB_OUT), end_vars()
    )
    resp = httpx.post(f"{emu.base_url}/_emulator/workflows", json={"canvas": canvas, "name": "x"}, timeout=10)
    assert "node 43001: a database node needs databaseInfoList with a databaseInfoID" in resp.json()["msg"]


async def test_a_single_user_table_keeps_each_users_rows_apart(client: Client, emu: ThreadedEmulator) -> None:
    # Coze Studio's single-user mode (BotTableRWMode_LimitedReadWrite): queries, updates, deletes and
    # custom SQL see only the rows of the run's user (ext.user_id, else the token's user)
    fields = [{"name": "name", "type": "string", "required": True}, {"name": "score", "type": "integer"}]
    made = emu.control.create_database("players", fields, rw_mode="limited")
    assert made["rw_mode"] == "limited"
    table = {"id": made["database_id"], **{f["name"]: f["id"] for f in made["fields"]}}
    wf = load(emu, writer(table), "writer")
    for user, name, score in (("u-a", "ann", 12), ("u-b", "bob", 40), ("u-a", "amy", 20)):
        got = await run(
            client.workflows.runs.create(
                workflow_id=wf, parameters={"name": name, "score": score}, ext={"user_id": user}
            )
        )
    assert got.parsed_data["rows"] == [{"name": "amy", "score": 20}, {"name": "ann", "score": 12}]
    bob = await run(
        client.workflows.runs.create(
            workflow_id=wf, parameters={"name": "ben", "score": 1}, ext={"user_id": "u-b"}
        )
    )
    assert bob.parsed_data["rows"] == [{"name": "bob", "score": 40}]
    # custom SQL: u-b changes and deletes only its own rows, and its inserts do not take u-a's ids
    change = load(emu, sql_canvas(table, "UPDATE players SET score = {{top}}"), "change")
    changed = await run(
        client.workflows.runs.create(
            workflow_id=change, parameters={"who": "", "top": 7}, ext={"user_id": "u-b"}
        )
    )
    assert changed.parsed_data["n"] == 2
    add = load(emu, sql_canvas(table, "INSERT INTO players (name, score) VALUES ('{{who}}', {{top}})"), "add")
    await run(
        client.workflows.runs.create(
            workflow_id=add, parameters={"who": "bea", "top": 3}, ext={"user_id": "u-b"}
        )
    )
    rows = emu.control.database_rows(table["id"])
    assert sorted((r["id"], r["name"], r["score"], r["uuid"]) for r in rows) == [
        (1, "ann", 12, "u-a"),
        (2, "bob", 7, "u-b"),
        (3, "amy", 20, "u-a"),
        (4, "ben", 7, "u-b"),
        (5, "bea", 3, "u-b"),
    ]


async def test_a_read_only_table_refuses_writes(client: Client, emu: ThreadedEmulator) -> None:
    made = emu.control.create_database("facts", [{"name": "name", "type": "string"}], rw_mode="read_only")
    table = {"id": made["database_id"], "name": made["fields"][0]["id"], "score": "score"}
    add = load(emu, sql_canvas(table, "INSERT INTO facts (name) VALUES ('{{who}}')"), "add")
    with pytest.raises(CozeAPIError, match="read-only"):
        await run(client.workflows.runs.create(workflow_id=add, parameters={"who": "x", "top": 0}))
    read = load(emu, sql_canvas(table, "SELECT name FROM facts"), "read")
    got = await run(client.workflows.runs.create(workflow_id=read, parameters={"who": "", "top": 0}))
    assert got.parsed_data == {"rows": [], "n": 0}


async def test_custom_sql_knows_common_mysql_functions(
    client: Client, emu: ThreadedEmulator, table: Dict[str, Any]
) -> None:
    wf = load(emu, writer(table), "writer")
    for name, score in (("ann", 12), ("bob", 5)):
        await run(client.workflows.runs.create(workflow_id=wf, parameters={"name": name, "score": score}))
    sql = (
        "SELECT CONCAT(UCASE(name), '#', score) AS name, IF(score > {{top}}, 1, 0) AS score "
        "FROM players ORDER BY id"
    )
    read = load(emu, sql_canvas(table, sql), "read")
    got = await run(client.workflows.runs.create(workflow_id=read, parameters={"who": "", "top": 10}))
    assert got.parsed_data == {
        "rows": [{"name": "ANN#12", "score": 1}, {"name": "BOB#5", "score": 0}],
        "n": 2,
    }
