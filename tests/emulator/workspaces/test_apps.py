"""Apps (list, collaborators) and copy tasks in the emulator, driven through the SDK."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from cozekit import BadRequestError, NotFoundError, PermissionDeniedError
from sync_or_async import Client, collect, open_client, run

from ..raw import raw


async def _team(client: Client, *members: str) -> str:
    team: str = (await run(client.workspaces.create(name="Team", description="d"))).id
    for user_id in members:
        users = [{"user_id": user_id, "role_type": "member"}]
        await run(client.workspaces.members.create(workspace_id=team, users=users))
    return team


async def test_the_app_list_filters_by_publish_status_and_channel(client: Client, coze_emulator: Any) -> None:
    control, ws = coze_emulator.control, coze_emulator.workspace_id
    online = control.create_app(name="online", description="live")
    sdk_only = control.create_app(name="sdk", connector_ids=["999"])
    draft = control.create_app(name="draft", draft_changed=True)
    never = control.create_app(name="never", published=False, folder_id="7000000000000000777")

    default = await collect(client.apps.list(workspace_id=ws))
    assert [a.id for a in default] == [online]
    assert (default[0].name, default[0].description, default[0].is_published) == ("online", "live", True)
    assert default[0].owner_user_id == coze_emulator.user_id and default[0].published_at is not None

    on_sdk = await collect(
        client.apps.list(workspace_id=ws, publish_status="published_online", connector_id="999")
    )
    assert [a.id for a in on_sdk] == [sdk_only]
    drafts = await collect(client.apps.list(workspace_id=ws, publish_status="published_draft"))
    assert [a.id for a in drafts] == [draft]
    unpublished = await collect(client.apps.list(workspace_id=ws, publish_status="unpublished_draft"))
    assert [(a.id, a.is_published, a.published_at, a.folder_id) for a in unpublished] == [
        (never, False, None, "7000000000000000777")
    ]
    everything = await collect(client.apps.list(workspace_id=ws, publish_status="all", page_size=3))
    assert [a.id for a in everything] == [online, sdk_only, draft, never]

    with pytest.raises(BadRequestError):
        await collect(client.apps.list(workspace_id=ws, publish_status="deleted"))
    other = control.create_account("other")
    with pytest.raises(NotFoundError):  # not my workspace
        await collect(client.apps.list(workspace_id=other["workspace_id"]))
    assert raw(coze_emulator, "GET", "/v1/apps", None)["code"] == 4000


async def test_app_collaborators(client: Client, coze_emulator: Any) -> None:
    alice = coze_emulator.control.create_account("alice")
    bob = coze_emulator.control.create_account("bob")
    team = await _team(client, alice["user_id"])
    app = coze_emulator.control.create_app(workspace_id=team, name="shared")

    await run(client.apps.collaborators.create(app_id=app, user_id=alice["user_id"]))
    await run(client.apps.collaborators.create(app_id=app, user_id=alice["user_id"]))  # already one: fine
    with pytest.raises(BadRequestError):  # not in the workspace
        await run(client.apps.collaborators.create(app_id=app, user_id=bob["user_id"]))
    with pytest.raises(NotFoundError):
        await run(client.apps.collaborators.create(app_id=app, user_id="404"))
    with pytest.raises(NotFoundError):
        await run(client.apps.collaborators.create(app_id="1", user_id=alice["user_id"]))
    body = {"collaborators": [{"user_id": alice["user_id"]}, {"user_id": bob["user_id"]}]}
    assert raw(coze_emulator, "POST", f"/v1/apps/{app}/collaborators", body)["code"] == 4000

    # a collaborator may manage collaborators; an outsider cannot see the app at all
    async with open_client("async", coze_emulator.base_url, alice["token"]) as as_alice:
        listed = await collect(as_alice.apps.list(workspace_id=team))
        assert [a.id for a in listed] == [app]
        await run(as_alice.apps.collaborators.delete(app_id=app, user_id=alice["user_id"]))
        with pytest.raises(PermissionDeniedError):  # no longer a collaborator
            await run(as_alice.apps.collaborators.create(app_id=app, user_id=alice["user_id"]))
    async with open_client("sync", coze_emulator.base_url, bob["token"]) as as_bob:
        with pytest.raises(NotFoundError):
            await run(as_bob.apps.collaborators.delete(app_id=app, user_id=alice["user_id"]))
    with pytest.raises(NotFoundError):  # not a collaborator any more
        await run(client.apps.collaborators.delete(app_id=app, user_id=alice["user_id"]))


async def test_copy_a_bot_within_its_workspace_at_once(client: Client, coze_emulator: Any) -> None:
    done = await run(
        client.entities.copy_tasks.create(entity_id=coze_emulator.demo_bot_id, entity_type="bot")
    )
    assert done.task_id is None and done.copied_entity_id
    copy = await run(client.bots.retrieve(bot_id=done.copied_entity_id, is_published=False))
    original = await run(client.bots.retrieve(bot_id=coze_emulator.demo_bot_id))
    assert copy.name == original.name and copy.prompt_info == original.prompt_info
    assert copy.bot_id != original.bot_id


async def test_copy_tasks_run_in_the_background(client: Client, coze_emulator: Any) -> None:
    source_ws, target_ws = await _team(client), await _team(client)
    bot = (await run(client.bots.create(workspace_id=source_ws, name="helper"))).bot_id
    await run(client.bots.publish(bot_id=bot))
    app = coze_emulator.control.create_app(workspace_id=source_ws, name="shop")

    coze_emulator.control.hold_copy_tasks(True)
    bot_task = await run(
        client.entities.copy_tasks.create(entity_id=bot, entity_type="bot", to_workspace_id=target_ws)
    )
    app_task = await run(client.entities.copy_tasks.create(entity_id=app, entity_type="app"))
    assert bot_task.task_id and bot_task.copied_entity_id is None
    held = await run(client.entities.copy_tasks.retrieve(task_id=bot_task.task_id))
    assert (held.task_status, held.entity_type, held.source_entity_id) == ("in_progress", "bot", bot)
    assert held.target_workspace_id == target_ws and not held.target_entity_id

    coze_emulator.control.hold_copy_tasks(False)
    finished = await run(client.entities.copy_tasks.retrieve(task_id=bot_task.task_id))
    assert finished.task_status == "successful" and finished.target_entity_id
    copied = await collect(client.bots.list(workspace_id=target_ws, publish_status="all"))
    assert [b.bot_id for b in copied] == [finished.target_entity_id]
    draft = await run(client.bots.retrieve(bot_id=finished.target_entity_id, is_published=False))
    assert draft.name == "helper"

    app_done = await run(client.entities.copy_tasks.retrieve(task_id=app_task.task_id or ""))
    assert (app_done.task_status, app_done.target_workspace_id) == ("successful", source_ws)
    apps = await collect(client.apps.list(workspace_id=source_ws, publish_status="all"))
    assert [(a.id, a.is_published) for a in apps] == [(app, True), (app_done.target_entity_id, False)]
    again = await run(client.entities.copy_tasks.retrieve(task_id=bot_task.task_id))
    assert again.target_entity_id == finished.target_entity_id  # done once


async def test_copy_rules(client: Client, coze_emulator: Any) -> None:
    team = await _team(client)
    with pytest.raises(BadRequestError):  # personal resources stay in the personal workspace
        await run(
            client.entities.copy_tasks.create(
                entity_id=coze_emulator.demo_bot_id, entity_type="bot", to_workspace_id=team
            )
        )
    with pytest.raises(NotFoundError):
        await run(client.entities.copy_tasks.create(entity_id="1", entity_type="workflow"))
    with pytest.raises(NotFoundError):
        await run(client.entities.copy_tasks.retrieve(task_id="1"))
    other = coze_emulator.control.create_account("other")
    async with open_client("sync", coze_emulator.base_url, other["token"]) as them:
        with pytest.raises(NotFoundError):  # not in the source's workspace
            await run(them.entities.copy_tasks.create(entity_id=coze_emulator.demo_bot_id, entity_type="bot"))
    body = {"entity_id": coze_emulator.demo_bot_id, "entity_type": "plugin"}
    assert raw(coze_emulator, "POST", "/v1/entities/copy_tasks", body)["code"] == 4000


async def test_copy_a_workflow_into_another_workspace(client: Client, coze_emulator: Any) -> None:
    source_ws, target_ws = await _team(client), await _team(client)
    definition = {
        "name": "shout",
        "nodes": [
            {"id": "start", "type": "start", "inputs": {"text": "string"}},
            {"id": "end", "type": "end", "outputs": {"output": "{{start.text}}"}},
        ],
    }
    workflow_id = coze_emulator.control.create_workflow(definition, workspace_id=source_ws)["workflow_id"]
    task = await run(
        client.entities.copy_tasks.create(
            entity_id=workflow_id, entity_type="workflow", to_workspace_id=target_ws
        )
    )
    done = await run(client.entities.copy_tasks.retrieve(task_id=task.task_id or ""))
    assert (done.task_status, done.entity_type, done.failed_reasons) == ("successful", "workflow", [])
    drafts = await collect(client.workflows.list(workspace_id=target_ws, publish_status="unpublished_draft"))
    assert [(w.workflow_id, w.workflow_name) for w in drafts] == [(done.target_entity_id, "shout")]


async def test_a_copy_fails_when_its_source_is_gone(client: Client, coze_emulator: Any) -> None:
    app = coze_emulator.control.create_app(name="doomed")
    coze_emulator.control.hold_copy_tasks(True)
    task = await run(client.entities.copy_tasks.create(entity_id=app, entity_type="app"))
    await asyncio.to_thread(coze_emulator.app.state.emulator.store.delete, "app", app)  # no API deletes apps
    coze_emulator.control.hold_copy_tasks(False)
    failed = await run(client.entities.copy_tasks.retrieve(task_id=task.task_id or ""))
    assert (failed.task_status, failed.target_entity_id) == ("failed", "")
    (reason,) = failed.failed_reasons
    assert (reason.entity_id, reason.entity_type) == (app, "app") and reason.failed_reason
