"""Rows written into one workflow database table by several requests at once, on SQLite and PostgreSQL:
each inserted row gets an id of its own (none overwritten), also when an SQL statement writes the table
meanwhile."""

from __future__ import annotations

from typing import Any

from cozekit.emulator.seed import WORKSPACE_ID

from ..races import race

ROUNDS = 15


def test_rows_inserted_at_once_each_get_their_own_id(engine_state: Any) -> None:
    account = engine_state.accounts.authenticate(engine_state.info["token"])
    databases = engine_state.databases
    table = databases.create(account, WORKSPACE_ID, "notes", [{"name": "text", "type": "string"}])["id"]
    for n in range(ROUNDS):
        race(
            lambda n=n: databases.insert(account, table, {"text": f"a{n}"}, "u", "api"),
            lambda n=n: databases.insert(account, table, {"text": f"b{n}"}, "u", "api"),
            lambda n=n: databases.execute_sql(
                account, table, "INSERT INTO notes (text) VALUES (?)", [f"c{n}"], "u", "api"
            ),
        )
    rows = databases.rows(account, table)
    assert sorted(r["text"] for r in rows) == sorted(f"{k}{n}" for n in range(ROUNDS) for k in "abc")
    assert len({r["id"] for r in rows}) == len(rows)
