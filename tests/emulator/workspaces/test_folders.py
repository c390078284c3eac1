"""Folders through the SDK against the emulator (created through the control plane)."""

from __future__ import annotations

from typing import Any

import pytest

from cozekit import BadRequestError, NotFoundError
from sync_or_async import collect, run

from .conftest import Clients, control


def make_folder(emulator: Any, name: str, **fields: Any) -> str:
    body = {"workspace_id": emulator.workspace_id, "name": name, **fields}
    return str(control(emulator, "/folders", body)["id"])


async def test_list_the_root_and_a_folder_s_children(client: Any, coze_emulator: Any) -> None:
    docs = make_folder(coze_emulator, "docs", description="documents")
    make_folder(coze_emulator, "code")
    make_folder(coze_emulator, "2025", parent_folder_id=docs)
    make_folder(coze_emulator, "assets", folder_type="library")

    root = await collect(client.folders.list(workspace_id=coze_emulator.workspace_id, page_size=1))
    assert [f.name for f in root] == ["docs", "code"]
    assert root[0].children_count == 1
    assert root[0].parent_folder_id is None
    assert root[0].creator_user_id == coze_emulator.user_id
    assert root[0].folder_type == "development"

    children = await collect(
        client.folders.list(workspace_id=coze_emulator.workspace_id, parent_folder_id=docs)
    )
    assert [(f.name, f.parent_folder_id) for f in children] == [("2025", docs)]

    folder = await run(client.folders.retrieve(folder_id=docs))
    assert (folder.name, folder.description, folder.workspace_id) == (
        "docs",
        "documents",
        coze_emulator.workspace_id,
    )


async def test_only_development_folders_are_listed(client: Any, coze_emulator: Any) -> None:
    with pytest.raises(BadRequestError):
        await collect(client.folders.list(workspace_id=coze_emulator.workspace_id, folder_type="library"))


async def test_another_account_sees_no_folder(clients: Clients, coze_emulator: Any) -> None:
    docs = make_folder(coze_emulator, "docs")
    stranger = clients.make(coze_emulator.control.create_account("eve")["token"])
    with pytest.raises(NotFoundError):
        await run(stranger.folders.retrieve(folder_id=docs))
    with pytest.raises(NotFoundError):
        await collect(stranger.folders.list(workspace_id=coze_emulator.workspace_id))


async def test_a_workspace_member_sees_the_folders(clients: Clients, client: Any, coze_emulator: Any) -> None:
    bob = coze_emulator.control.create_account("bob")
    team = (await run(client.workspaces.create(name="Team", description="d"))).id
    await run(
        client.workspaces.members.create(
            workspace_id=team, users=[{"user_id": bob["user_id"], "role_type": "member"}]
        )
    )
    folder = make_folder(coze_emulator, "shared", workspace_id=team)
    as_bob = clients.make(bob["token"])
    assert [f.id for f in await collect(as_bob.folders.list(workspace_id=team))] == [folder]
