"""The emulator on PostgreSQL, end to end: the SDK (sync and async) over real sockets creates and pages
through conversations, messages, bots and knowledge bases; the rows are in the PostgreSQL database."""

from __future__ import annotations

from typing import Any, Iterator, List

import psycopg
import pytest

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.core.config import EmulatorConfig
from sync_or_async import MODES, collect, open_client, run

from ..postgres_server import PostgresServer


@pytest.fixture(scope="module")
def database(postgres: PostgresServer) -> str:
    return postgres.create_database()


@pytest.fixture(scope="module")
def emulator(database: str) -> Iterator[ThreadedEmulator]:
    with ThreadedEmulator(EmulatorConfig.from_env(database_url=database)) as emu:
        yield emu


@pytest.fixture
def emu(emulator: ThreadedEmulator) -> ThreadedEmulator:
    emulator.reset()
    return emulator


def _rows(database: str, kind: str) -> int:
    with psycopg.connect(database) as conn:
        row = conn.execute("SELECT count(*) FROM objects WHERE kind = %s", (kind,)).fetchone()
        assert row is not None
        return int(row[0])


def test_the_state_lives_in_postgresql(emu: ThreadedEmulator, database: str) -> None:
    assert emu.state.store.dialect == "postgresql"
    assert _rows(database, "bot") == 1  # the seeded demo bot
    assert emu.control.info()["config"]["database_url"] == database


@pytest.mark.parametrize("mode", MODES)
async def test_conversations_and_messages_page_on_postgresql(
    mode: str, emu: ThreadedEmulator, database: str
) -> None:
    bot = emu.demo_bot_id
    async with open_client(mode, emu.base_url, emu.token) as client:
        made = [(await run(client.conversations.create(bot_id=bot))).id for _ in range(7)]
        first = await run(client.conversations.list(bot_id=bot, page_num=1, page_size=3))
        assert [c.id for c in first.items] == made[::-1][:3] and first.has_more
        third = await run(client.conversations.list(bot_id=bot, page_num=3, page_size=3))
        assert [c.id for c in third.items] == made[:1] and not third.has_more
        everything = await collect(await run(client.conversations.list(bot_id=bot, page_size=2)))
        assert [c.id for c in everything] == made[::-1]

        conv = made[0]
        texts = [f"message {i}" for i in range(5)]
        ids: List[str] = []
        for text in texts:
            msg = await run(
                client.conversations.messages.create(
                    conversation_id=conv, role="user", content=text, content_type="text"
                )
            )
            ids.append(msg.id)
        listed = await collect(await run(client.conversations.messages.list(conversation_id=conv, limit=2)))
        assert [m.id for m in listed] == ids[::-1]
        older = await run(client.conversations.messages.list(conversation_id=conv, after_id=ids[3], limit=2))
        assert [m.content for m in older.items] == ["message 2", "message 1"] and older.has_more
    assert _rows(database, "conversation") == 7 and _rows(database, "message") == 5


@pytest.mark.parametrize("mode", MODES)
async def test_bots_and_datasets_page_on_postgresql(mode: str, emu: ThreadedEmulator) -> None:
    ws = emu.workspace_id
    async with open_client(mode, emu.base_url, emu.token) as client:
        bots = [(await run(client.bots.create(workspace_id=ws, name=f"Bot {i}"))).bot_id for i in range(3)]
        for bot_id in bots:
            await run(client.bots.publish(bot_id=bot_id))
        listed = await collect(await run(client.bots.list(workspace_id=ws, page_size=2)))
        assert set(bots) <= {b.bot_id for b in listed} and len(listed) == 4  # with the demo bot
        page = await run(client.bots.list(workspace_id=ws, page_num=1, page_size=2))
        assert len(page.items) == 2 and page.has_more

        made: List[Any] = []
        for name in ("alpha notes", "beta notes", "alpha facts"):
            made.append((await run(client.datasets.create(name=name, space_id=ws, format_type=0))).dataset_id)
        alpha = await run(client.datasets.list(space_id=ws, name="ALPHA", page_size=10))
        assert [d.name for d in alpha.items] == ["alpha facts", "alpha notes"] and alpha.total == 2
        pages = await run(client.datasets.list(space_id=ws, page_num=2, page_size=2))
        assert [d.dataset_id for d in pages.items] == [made[0]] and pages.total == 3
