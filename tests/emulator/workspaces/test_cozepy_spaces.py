"""The official `cozepy` client, unchanged, against the emulator's workspace members, folders and user
variables (cozepy has no workspace create, so the workspace is made with cozekit)."""

from __future__ import annotations

from typing import Any

from cozepy import Coze as CozepyCoze
from cozepy import TokenAuth as CozepyTokenAuth
from cozepy.folders import FolderType
from cozepy.variables import VariableValue
from cozepy.workspaces import WorkspaceRoleType
from cozepy.workspaces.members import WorkspaceMember

from cozekit import Coze, TokenAuth

from .conftest import control


def test_cozepy_adds_and_removes_members(coze_emulator: Any) -> None:
    official = CozepyCoze(auth=CozepyTokenAuth(coze_emulator.token), base_url=coze_emulator.base_url)
    alice = coze_emulator.control.create_account("alice")
    with Coze(TokenAuth(coze_emulator.token), coze_emulator.base_url) as ours:
        team = ours.workspaces.create(name="Team", description="d").id
    added = official.workspaces.members.create(
        workspace_id=team,
        users=[WorkspaceMember(user_id=alice["user_id"], role_type=WorkspaceRoleType.ADMIN)],
    )
    assert added.added_success_user_ids == [alice["user_id"]]
    as_alice = CozepyCoze(auth=CozepyTokenAuth(alice["token"]), base_url=coze_emulator.base_url)
    roles = {w.id: w.role_type for w in as_alice.workspaces.list().items}
    assert roles[team] == WorkspaceRoleType.ADMIN
    removed = official.workspaces.members.delete(workspace_id=team, user_ids=[alice["user_id"], "404"])
    assert removed.removed_success_user_ids == [alice["user_id"]]
    assert removed.not_in_workspace_user_ids == ["404"]


def test_cozepy_reads_folders(coze_emulator: Any) -> None:
    official = CozepyCoze(auth=CozepyTokenAuth(coze_emulator.token), base_url=coze_emulator.base_url)
    made = control(coze_emulator, "/folders", {"workspace_id": coze_emulator.workspace_id, "name": "docs"})
    listed = official.folders.list(
        workspace_id=coze_emulator.workspace_id, folder_type=FolderType.DEVELOPMENT
    )
    assert [f.id for f in listed.items] == [made["id"]]
    assert official.folders.retrieve(folder_id=made["id"]).name == "docs"


def test_cozepy_sets_and_reads_user_variables(coze_emulator: Any) -> None:
    official = CozepyCoze(auth=CozepyTokenAuth(coze_emulator.token), base_url=coze_emulator.base_url)
    bot = coze_emulator.demo_bot_id
    official.variables.update(
        connector_uid="u1", bot_id=bot, data=[VariableValue(keyword="city", value="Hangzhou")]
    )
    values = official.variables.retrieve(connector_uid="u1", bot_id=bot, keywords=["city"])
    assert [(v.keyword, v.value) for v in values] == [("city", "Hangzhou")]
