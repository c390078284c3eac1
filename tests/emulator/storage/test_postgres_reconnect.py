"""PostgreSQL sessions ended under the emulator (a server restart, `pg_terminate_backend`): the store keeps
its connections between requests without pinging them, so it must notice a lost one rather than answer
500. Over real sockets the next SDK calls succeed, and a write is applied once. At the store: a kept
connection the server ended is dropped when handed out (`_ended`); and when that check is taken away (a
connection lost in between), the call that meets it is retried once where that is safe. And after a
real restart of the server (`pg_ctl restart`), the next SDK calls succeed."""

from __future__ import annotations

import time
from typing import Iterator, List

import psycopg
import pytest

import cozekit.emulator.core.store as store_module
from cozekit import Coze, TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.core.config import EmulatorConfig
from cozekit.emulator.core.store import Store
from sync_or_async import MODES, collect, open_client, run

from ..postgres_server import PostgresServer


def terminate_sessions(database: str) -> List[int]:
    """End every other session on `database` (as an administrator would) and wait until they are gone."""
    with psycopg.connect(database, autocommit=True) as admin:
        pids = [
            int(row[0])
            for row in admin.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            left = "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)"
            row = admin.execute(left, (pids,)).fetchone()
            if row is not None and row[0] == 0:
                break
            time.sleep(0.01)
    return pids


def rows(database: str, kind: str) -> int:
    with psycopg.connect(database) as conn:
        row = conn.execute("SELECT count(*) FROM objects WHERE kind = %s", (kind,)).fetchone()
        assert row is not None
        return int(row[0])


@pytest.fixture
def emulator(postgres_url: str) -> Iterator[ThreadedEmulator]:
    with ThreadedEmulator(EmulatorConfig.from_env(database_url=postgres_url)) as emu:
        yield emu


@pytest.mark.parametrize("mode", MODES)
async def test_the_next_sdk_calls_after_the_sessions_were_ended_succeed(
    mode: str, emulator: ThreadedEmulator, postgres_url: str
) -> None:
    async with open_client(mode, emulator.base_url, emulator.token) as coze:
        conv = await run(coze.conversations.create(bot_id=emulator.demo_bot_id))
        await run(
            coze.conversations.messages.create(
                conversation_id=conv.id, role="user", content="one", content_type="text"
            )
        )
        assert terminate_sessions(postgres_url)  # the emulator's kept connections, among others

        messages = coze.conversations.messages
        made = await run(
            messages.create(conversation_id=conv.id, role="user", content="two", content_type="text")
        )
        assert terminate_sessions(postgres_url)
        listed = await collect(await run(coze.conversations.messages.list(conversation_id=conv.id)))
        assert [m.content for m in listed] == ["two", "one"] and listed[0].id == made.id
        assert terminate_sessions(postgres_url)
        assert (await run(coze.conversations.retrieve(conversation_id=conv.id))).id == conv.id
    assert rows(postgres_url, "message") == 2  # the write after the end was applied once


def test_a_kept_connection_the_server_ended_is_dropped_before_use(postgres_url: str) -> None:
    store = Store(postgres_url)
    try:
        store.insert("thing", {"id": "1", "n": 1}, owner="u")
        kept = list(store._free)
        assert kept and not any(store_module._ended(conn.raw) for conn in kept)  # alive: nothing to read
        assert terminate_sessions(postgres_url)
        assert all(store_module._ended(conn.raw) for conn in kept)  # the goodbye waits on the socket
        assert store.get("thing", "1") == {"id": "1", "n": 1}
        assert not any(conn in store._free for conn in kept)  # dropped, not handed back
        terminate_sessions(postgres_url)
        store.insert("thing", {"id": "2"}, owner="u")
        assert rows(postgres_url, "thing") == 2
    finally:
        store.close()


def test_a_lost_connection_met_by_a_call_is_retried_once_where_safe(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "_ended", lambda raw: bool(raw.closed))  # the check misses it
    store = Store(postgres_url)
    try:
        store.insert("thing", {"id": "1", "n": 1}, owner="u")
        terminate_sessions(postgres_url)
        assert store.get("thing", "1") == {"id": "1", "n": 1}  # a read: retried
        terminate_sessions(postgres_url)
        assert [d["id"] for d in store.page("thing").items] == ["1"]  # a list (SQLAlchemy's path)
        terminate_sessions(postgres_url)
        store.insert("thing", {"id": "2"}, owner="u")  # refused by the ended session (57P01): retried
        terminate_sessions(postgres_url)
        with store.transaction():  # BEGIN meets the lost connection: begun again on a new one
            doc = store.get("thing", "2", lock=True)
            assert doc is not None
            store.update("thing", {**doc, "n": 2}, owner="u")
        assert rows(postgres_url, "thing") == 2 and store.get("thing", "2") == {"id": "2", "n": 2}
    finally:
        store.close()


def test_the_next_sdk_calls_after_a_server_restart_succeed() -> None:
    server = PostgresServer().start()  # its own server: the suite's keeps running for the others
    try:
        database = server.create_database()
        with ThreadedEmulator(EmulatorConfig.from_env(database_url=database)) as emu:
            coze = Coze(auth=TokenAuth(emu.token), base_url=emu.base_url)
            conv = coze.conversations.create(bot_id=emu.demo_bot_id)
            server._run("pg_ctl", "-D", server.data, "-l", server.log, "-m", "fast", "-w", "restart")
            made = coze.conversations.messages.create(
                conversation_id=conv.id, role="user", content="after", content_type="text"
            )
            listed = coze.conversations.messages.list(conversation_id=conv.id)
            assert [m.id for m in listed.items] == [made.id]
            coze.close()
        assert rows(database, "message") == 1
    finally:
        server.stop()
