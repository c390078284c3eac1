"""Wire format of copy tasks (copy a bot, app or workflow; read a background copy's result)."""

from __future__ import annotations

import pytest

from cozekit.types.entity import CopyTask, CopyTaskStatus, CreateCopyTaskResp, EntityType
from fake_server import ok

from ..conftest import Wire


async def test_create_copies_a_bot_in_place_at_once(wire: Wire) -> None:
    wire.reply(ok({"copied_entity_id": "7530"}))
    made = await wire.call(
        lambda c: c.entities.copy_tasks.create(entity_id="7529", entity_type=EntityType.BOT)
    )
    wire.check("POST", "/v1/entities/copy_tasks", body={"entity_id": "7529", "entity_type": "bot"})
    assert isinstance(made, CreateCopyTaskResp)
    assert made.copied_entity_id == "7530"
    assert made.task_id is None


async def test_create_across_workspaces_returns_a_task(wire: Wire) -> None:
    wire.reply(ok({"task_id": "t1"}))
    made = await wire.call(
        lambda c: c.entities.copy_tasks.create(entity_id="9", entity_type="workflow", to_workspace_id="ws2")
    )
    assert wire.json() == {"entity_id": "9", "entity_type": "workflow", "to_workspace_id": "ws2"}
    assert made.task_id == "t1"


@pytest.mark.parametrize(("entity_id", "entity_type"), [("", "bot"), ("9", "plugin"), ("9", "")])
async def test_create_checks_before_any_request(wire: Wire, entity_id: str, entity_type: str) -> None:
    with pytest.raises(ValueError):
        await wire.call(lambda c: c.entities.copy_tasks.create(entity_id=entity_id, entity_type=entity_type))
    assert wire.requests == []


async def test_retrieve_reads_status_and_failed_reasons(wire: Wire) -> None:
    wire.reply(
        ok(
            {
                "task_id": "t1",
                "entity_type": "app",
                "task_status": "failed",
                "source_entity_id": "7530",
                "failed_reasons": [
                    {
                        "entity_id": "5",
                        "entity_name": "kb",
                        "entity_type": "knowledge",
                        "failed_reason": "quota",
                    }
                ],
            }
        )
    )
    task = await wire.call(lambda c: c.entities.copy_tasks.retrieve(task_id="t1"))
    wire.check("GET", "/v1/entities/copy_tasks/t1")
    assert isinstance(task, CopyTask)
    assert task.task_status == CopyTaskStatus.FAILED
    assert task.entity_type == EntityType.APP
    assert task.failed_reasons[0].entity_type == EntityType.KNOWLEDGE
    assert task.failed_reasons[0].failed_reason == "quota"
    assert task.target_entity_id is None


async def test_retrieve_keeps_unknown_statuses(wire: Wire) -> None:
    wire.reply(ok({"task_id": "t1", "task_status": "queued", "target_entity_id": "8"}))
    task = await wire.call(lambda c: c.entities.copy_tasks.retrieve(task_id="t1"))
    assert task.task_status == "queued"
    assert not task.task_status.is_known
    assert task.failed_reasons == []


async def test_retrieve_refuses_an_empty_or_dot_id(wire: Wire) -> None:
    for task_id in ("", "."):
        with pytest.raises(ValueError):
            await wire.call(lambda c, t=task_id: c.entities.copy_tasks.retrieve(task_id=t))
    assert wire.requests == []
