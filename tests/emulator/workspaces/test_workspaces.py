"""Workspaces and their members through the SDK against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from cozekit import BadRequestError, NotFoundError, PermissionDeniedError
from sync_or_async import collect, run

from .conftest import Clients


async def test_create_then_list_and_rename(client: Any) -> None:
    made = await run(client.workspaces.create(name="Docs", description="for the docs team"))
    assert made.id
    listed = {w.id: w for w in await collect(client.workspaces.list())}
    assert listed[made.id].name == "Docs"
    assert listed[made.id].workspace_type == "team"
    assert listed[made.id].role_type == "owner"
    await run(client.workspaces.update(workspace_id=made.id, name="Docs team"))
    listed = {w.id: w for w in await collect(client.workspaces.list())}
    assert listed[made.id].name == "Docs team"
    assert listed[made.id].description == "for the docs team"


async def test_the_personal_workspace_cannot_be_renamed(client: Any, coze_emulator: Any) -> None:
    with pytest.raises(BadRequestError):
        await run(client.workspaces.update(workspace_id=coze_emulator.workspace_id, name="Mine"))


async def test_unknown_workspace_is_4200(client: Any) -> None:
    with pytest.raises(NotFoundError):
        await run(client.workspaces.update(workspace_id="123", name="x"))
    with pytest.raises(NotFoundError):
        await collect(client.workspaces.members.list(workspace_id="123"))


async def test_members_join_list_and_leave(clients: Clients, client: Any, coze_emulator: Any) -> None:
    alice = coze_emulator.control.create_account("alice")
    bob = coze_emulator.control.create_account("bob")
    team = (await run(client.workspaces.create(name="Team", description="d"))).id

    added = await run(
        client.workspaces.members.create(
            workspace_id=team,
            users=[
                {"user_id": alice["user_id"], "role_type": "admin"},
                {"user_id": bob["user_id"], "role_type": "member"},
                {"user_id": "404", "role_type": "member"},
            ],
        )
    )
    assert added.added_success_user_ids == [alice["user_id"], bob["user_id"]]
    assert added.not_exist_user_ids == ["404"]
    again = await run(
        client.workspaces.members.create(
            workspace_id=team, users=[{"user_id": bob["user_id"], "role_type": "member"}]
        )
    )
    assert again.already_joined_user_ids == [bob["user_id"]]

    members = await collect(client.workspaces.members.list(workspace_id=team, page_size=2))
    assert [(m.user_id, m.role_type) for m in members] == [
        (coze_emulator.user_id, "owner"),
        (alice["user_id"], "admin"),
        (bob["user_id"], "member"),
    ]
    assert members[1].user_unique_name == "alice"

    as_bob = clients.make(bob["token"])
    seen = {w.id: w for w in await collect(as_bob.workspaces.list())}
    assert seen[team].role_type == "member"
    assert seen[team].owner_uid == coze_emulator.user_id
    assert seen[team].admin_uids == [alice["user_id"]]
    with pytest.raises(PermissionDeniedError):
        await run(as_bob.workspaces.members.delete(workspace_id=team, user_ids=[alice["user_id"]]))

    as_alice = clients.make(alice["token"])
    removed = await run(
        as_alice.workspaces.members.delete(
            workspace_id=team, user_ids=[bob["user_id"], coze_emulator.user_id, "404"]
        )
    )
    assert removed.removed_success_user_ids == [bob["user_id"]]
    assert removed.owner_not_support_remove_user_ids == [coze_emulator.user_id]
    assert removed.not_in_workspace_user_ids == ["404"]
    assert team not in {w.id for w in await collect(as_bob.workspaces.list())}
    with pytest.raises(NotFoundError):
        await collect(as_bob.workspaces.members.list(workspace_id=team))


async def test_a_personal_workspace_takes_no_members(client: Any, coze_emulator: Any) -> None:
    alice = coze_emulator.control.create_account("alice")
    with pytest.raises(BadRequestError):
        await run(
            client.workspaces.members.create(
                workspace_id=coze_emulator.workspace_id,
                users=[{"user_id": alice["user_id"], "role_type": "member"}],
            )
        )
