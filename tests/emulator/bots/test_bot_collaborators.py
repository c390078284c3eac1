"""Bot collaborators and collaboration mode through the SDK against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from cozekit import BadRequestError, NotFoundError
from sync_or_async import run


async def test_collaborators_need_collaboration_mode_and_workspace_membership(
    client: Any, coze_emulator: Any
) -> None:
    alice = coze_emulator.control.create_account("alice")
    bob = coze_emulator.control.create_account("bob")
    team = (await run(client.workspaces.create(name="Team", description="d"))).id
    await run(
        client.workspaces.members.create(
            workspace_id=team, users=[{"user_id": alice["user_id"], "role_type": "member"}]
        )
    )
    bot = (await run(client.bots.create(workspace_id=team, name="helper"))).bot_id

    with pytest.raises(BadRequestError, match="single-user mode"):
        await run(client.bots.collaborators.create(bot_id=bot, user_id=alice["user_id"]))
    await run(client.bots.switch_collaboration_mode(bot_id=bot, collaboration_mode="collaboration"))
    await run(client.bots.collaborators.create(bot_id=bot, user_id=alice["user_id"]))
    with pytest.raises(BadRequestError, match="not a member"):
        await run(client.bots.collaborators.create(bot_id=bot, user_id=bob["user_id"]))
    with pytest.raises(NotFoundError):
        await run(client.bots.collaborators.create(bot_id=bot, user_id="404"))

    with pytest.raises(BadRequestError, match="remove all collaborators"):
        await run(client.bots.switch_collaboration_mode(bot_id=bot, collaboration_mode="single"))
    await run(client.bots.collaborators.delete(bot_id=bot, user_id=alice["user_id"]))
    with pytest.raises(NotFoundError):
        await run(client.bots.collaborators.delete(bot_id=bot, user_id=alice["user_id"]))
    await run(client.bots.switch_collaboration_mode(bot_id=bot, collaboration_mode="single"))


async def test_someone_else_s_bot_is_not_found(client: Any, coze_emulator: Any) -> None:
    with pytest.raises(NotFoundError):
        await run(client.bots.switch_collaboration_mode(bot_id="404", collaboration_mode="collaboration"))
    with pytest.raises(NotFoundError):
        await run(client.bots.collaborators.delete(bot_id="404", user_id="1"))


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/bots/abc/collaborators", {"collaborators": [{"user_id": "5"}]}),
        ("DELETE", "/v1/bots/abc/collaborators/5", None),
        ("POST", "/v1/workflows/abc/collaboration_mode", {"collaboration_mode": "single"}),
        ("DELETE", "/v1/apps/abc/collaborators/5", None),
    ],
)
def test_collaborator_routes_check_the_object_id(api: Any, method: str, path: str, body: Any) -> None:
    """The shared collaborator routes validate the object's id as its own routes do (4000, naming it)."""
    answer = api.call(method, path, json=body)
    assert answer["code"] == 4000
    assert path.split("/")[2][:-1] + "_id" in answer["msg"]
