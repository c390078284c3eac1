"""Global variables and the variable assigner (type 40) in canvas runs, through cozekit, sync and async."""

from __future__ import annotations

from typing import Any, Dict

import httpx

from cozekit.emulator import ThreadedEmulator
from sync_or_async import Client, collect, run

from .build import chain, end_vars, lit, load, node, out, param, ref, start, var


def assign(id: str, *pairs: Dict[str, Any]) -> Dict[str, Any]:
    return node(id, 40, "Assign", params=list(pairs), outputs=[out("isSuccess", "boolean")])


def pair(left: Dict[str, Any], value: Dict[str, Any]) -> Dict[str, Any]:
    return {"name": left["value"]["content"]["path"][0], "left": left, "input": value}


TEXT = {"type": "string"}
READ = [
    param("visits", var("app", "visits", "integer")),
    param("tags", var("app", "tags", "list", {"type": "string"})),
    param("city", var("user", "city")),
    param("uid", var("system", "sys_uuid")),
]
DECLARED = {"app": {"visits": 1, "tags": []}, "user": {"city": "Paris"}}


async def test_app_variables_last_for_the_run_and_user_variables_are_stored(
    client: Client, emu: ThreadedEmulator
) -> None:
    writer = chain(
        start(out("city", required=True)),
        assign(
            "200001",
            pair(var("app", "visits", "integer"), lit(2, "integer")),
            pair(
                var("app", "tags", "list", {"type": "string"}), lit('["a","b"]', "list", {"type": "string"})
            ),
            pair(var("user", "city"), ref("100001", "city")),
        ),
        end_vars(*READ, param("ok", ref("200001", "isSuccess", "boolean"))),
    )
    reader = chain(start(), end_vars(*READ))
    wf = load(emu, writer, "writer", variables=DECLARED)
    rd = load(emu, reader, "reader", variables=DECLARED)

    before = await run(client.workflows.runs.create(workflow_id=rd, ext={"user_id": "u-1"}))
    assert before.parsed_data == {"visits": 1, "tags": [], "city": "Paris", "uid": "u-1"}
    wrote = await run(
        client.workflows.runs.create(workflow_id=wf, parameters={"city": "Oslo"}, ext={"user_id": "u-1"})
    )
    assert wrote.parsed_data == {"visits": 2, "tags": ["a", "b"], "city": "Oslo", "uid": "u-1", "ok": True}
    # app variables were assigned for that run only; the user variable is kept for user u-1 only
    again = await run(client.workflows.runs.create(workflow_id=rd, ext={"user_id": "u-1"}))
    assert again.parsed_data == {"visits": 1, "tags": [], "city": "Oslo", "uid": "u-1"}
    other = await run(client.workflows.runs.create(workflow_id=rd, ext={"user_id": "u-2"}))
    assert other.parsed_data["city"] == "Paris"


async def test_user_variables_of_a_bot_run_show_in_the_variables_api(
    client: Client, emu: ThreadedEmulator
) -> None:
    bot = await run(client.bots.create(space_id=emu.workspace_id, name="memo"))
    await run(client.bots.publish(bot_id=bot.bot_id, connector_ids=["1024"]))
    writer = chain(start(), assign("200001", pair(var("user", "mood"), lit("calm"))), end_vars())
    wf = load(emu, writer, "mood")
    await run(client.workflows.runs.create(workflow_id=wf, bot_id=bot.bot_id, ext={"user_id": "u-9"}))
    found = await collect(client.variables.retrieve(bot_id=bot.bot_id, connector_uid="u-9"))
    assert [(v.keyword, v.value) for v in found] == [("mood", "calm")]


def test_system_variables_cannot_be_assigned(emu: ThreadedEmulator) -> None:
    bad = chain(start(), assign("200001", pair(var("system", "sys_uuid"), lit("x"))), end_vars())
    resp = httpx.post(f"{emu.base_url}/_emulator/workflows", json={"canvas": bad, "name": "bad"}, timeout=10)
    assert resp.json()["code"] == 4000
    assert "node 200001: assignment 0: system variables are read-only" in resp.json()["msg"]
