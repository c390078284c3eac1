"""Workspace resources changed by two requests at once, on SQLite and PostgreSQL: a copy task read by
two requests at once copies once, and a channel installed into several workspaces at once keeps them all."""

from __future__ import annotations

from typing import Any

from cozekit.emulator.seed import WORKSPACE_ID

from ..races import race

ROUNDS = 10


def test_a_copy_task_read_twice_at_once_copies_once(engine_state: Any) -> None:
    account = engine_state.accounts.authenticate(engine_state.info["token"])
    raw = {"name": "copied", "nodes": [{"id": "start", "type": "start"}, {"id": "end", "type": "end"}]}
    workflow_id = str(engine_state.workflows.load(account, WORKSPACE_ID, raw)["workflow_id"])
    tasks = engine_state.copy_tasks
    for _ in range(ROUNDS):
        tasks.hold(True)
        task_id = tasks.create(account, "workflow", workflow_id, None)["task_id"]
        tasks.hold(False)
        first, second = race(*[lambda t=task_id: tasks.retrieve(account, t)] * 2)
        assert first["task_status"] == second["task_status"] == "successful", (first, second)
        assert first["target_entity_id"] == second["target_entity_id"]
    copies = engine_state.store.find("workflow", parent=WORKSPACE_ID)
    assert len(copies) == 1 + ROUNDS  # the original and one copy per task


def test_installs_into_several_workspaces_at_once_are_all_kept(engine_state: Any) -> None:
    account = engine_state.accounts.authenticate(engine_state.info["token"])
    channel = engine_state.connectors.create(account, "channel", [])["id"]
    installed = []
    for n in range(ROUNDS):
        spaces = [engine_state.workspaces.create(account, f"ws {n}/{k}", "d")["id"] for k in range(3)]
        race(*[lambda w=w: engine_state.connectors.install(account, channel, w) for w in spaces])
        installed += spaces
    assert sorted(engine_state.connectors.get(channel)["installed_workspaces"]) == sorted(installed)


def test_a_name_and_a_description_changed_at_once_are_both_kept(engine_state: Any) -> None:
    account = engine_state.accounts.authenticate(engine_state.info["token"])
    space = engine_state.workspaces.create(account, "team", "d")["id"]
    for n in range(ROUNDS):
        race(
            lambda n=n: engine_state.workspaces.update(account, space, f"team {n}", None),
            lambda n=n: engine_state.workspaces.update(account, space, None, f"about {n}"),
        )
        stored = engine_state.store.get("workspace", space)
        assert (stored["name"], stored["description"]) == (f"team {n}", f"about {n}")
