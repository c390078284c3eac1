"""One bot changed by two requests at once, on SQLite and PostgreSQL: every publish is recorded with a
version of its own, and an edit, a publish, an unpublish or a tool change made meanwhile is never undone."""

from __future__ import annotations

from typing import Any

from ..races import race

ROUNDS = 20


def test_concurrent_publishes_and_edits_are_all_kept(engine_state: Any) -> None:
    bots = engine_state.bots
    account = engine_state.accounts.authenticate(engine_state.info["token"])
    bot_id = engine_state.info["demo_bot_id"]
    before = len(bots.get(account, bot_id)["versions"])
    for n in range(ROUNDS):
        tools = [{"name": f"tool{n}"}]
        race(
            lambda: bots.publish(account, bot_id, ["1024"]),
            lambda: bots.publish(account, bot_id, ["999"]),
            lambda n=n: bots.update(account, bot_id, {"description": f"edit {n}"}),
            lambda tools=tools: bots.set_local_tools(account, bot_id, tools),
        )
        bot = bots.get(account, bot_id)
        assert bot["draft"]["description"] == f"edit {n}"
        assert bot["local_tools"] == tools
        assert {"1024", "999"} <= set(bot["connectors"])
    versions = [v["version"] for v in bots.get(account, bot_id)["versions"]]
    assert len(versions) == before + 2 * ROUNDS
    assert len(set(versions)) == len(versions)  # each publish a version of its own
