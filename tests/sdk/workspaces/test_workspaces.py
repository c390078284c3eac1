"""Wire format of workspace create/update and of workspace members (add, list, remove)."""

from __future__ import annotations

import pytest

from cozekit.types.workspace import (
    CreateWorkspaceMemberResp,
    CreateWorkspaceResp,
    DeleteWorkspaceMemberResp,
    UpdateWorkspaceResp,
    WorkspaceMember,
    WorkspaceRoleType,
)
from fake_server import ok

from ..conftest import Wire


async def test_create_sends_the_fields_and_reads_the_new_id(wire: Wire) -> None:
    wire.reply(ok({"id": "7532"}))
    made = await wire.call(
        lambda c: c.workspaces.create(name="Docs", description="for the docs team", icon_file_id="f1")
    )
    wire.check(
        "POST",
        "/v1/workspaces",
        body={"name": "Docs", "description": "for the docs team", "icon_file_id": "f1"},
    )
    assert isinstance(made, CreateWorkspaceResp)
    assert made.id == "7532"
    assert made.logid == "logid-1"


async def test_create_passes_the_organisation_and_owner(wire: Wire) -> None:
    wire.reply(ok({"id": "1"}))
    await wire.call(
        lambda c: c.workspaces.create(name="n", description="d", coze_account_id="org", owner_uid="u9")
    )
    assert wire.json() == {"name": "n", "description": "d", "coze_account_id": "org", "owner_uid": "u9"}


@pytest.mark.parametrize(
    ("name", "description"), [("", "d"), ("n", ""), ("x" * 51, "d"), ("n", "x" * 2001), ("  ", "d")]
)
async def test_create_refuses_bad_texts_before_any_request(wire: Wire, name: str, description: str) -> None:
    with pytest.raises(ValueError):
        await wire.call(lambda c: c.workspaces.create(name=name, description=description))
    assert wire.requests == []


async def test_update_puts_only_the_given_fields(wire: Wire) -> None:
    result = await wire.call(lambda c: c.workspaces.update(workspace_id="ws/1", name="Renamed"))
    wire.check("PUT", "/v1/workspaces/ws/1", body={"name": "Renamed"})
    assert wire.last.url.raw_path == b"/v1/workspaces/ws%2F1"
    assert isinstance(result, UpdateWorkspaceResp)
    assert result.logid == "logid-1"


async def test_update_refuses_an_empty_id_or_a_long_name(wire: Wire) -> None:
    with pytest.raises(ValueError):
        await wire.call(lambda c: c.workspaces.update(workspace_id="", name="n"))
    with pytest.raises(ValueError):
        await wire.call(lambda c: c.workspaces.update(workspace_id="w", name="x" * 51))
    assert wire.requests == []


async def test_members_create_sends_user_and_role_only(wire: Wire) -> None:
    wire.reply(
        ok(
            {
                "added_success_user_ids": ["u1"],
                "already_joined_user_ids": ["u2"],
                "not_exist_user_ids": [],
                "already_invited_user_ids": [],
                "invited_success_user_ids": [],
            }
        )
    )
    users = [
        WorkspaceMember(user_id="u1", role_type=WorkspaceRoleType.ADMIN, user_nickname="ignored"),
        {"user_id": "u2", "role_type": "member"},
    ]
    result = await wire.call(lambda c: c.workspaces.members.create(workspace_id="w1", users=users))
    wire.check(
        "POST",
        "/v1/workspaces/w1/members",
        body={"users": [{"user_id": "u1", "role_type": "admin"}, {"user_id": "u2", "role_type": "member"}]},
    )
    assert isinstance(result, CreateWorkspaceMemberResp)
    assert result.added_success_user_ids == ["u1"]
    assert result.already_joined_user_ids == ["u2"]
    assert result.invited_success_user_ids == []


@pytest.mark.parametrize(
    "users",
    [
        [],
        [{"user_id": f"u{i}", "role_type": "member"} for i in range(21)],
        [{"user_id": "u1", "role_type": "owner"}],
        [{"user_id": "", "role_type": "member"}],
        [{"role_type": "member"}],
    ],
)
async def test_members_create_refuses_what_coze_would(wire: Wire, users: list) -> None:
    with pytest.raises(ValueError):
        await wire.call(lambda c: c.workspaces.members.create(workspace_id="w1", users=users))
    assert wire.requests == []


async def test_members_delete_sends_a_json_body_on_delete(wire: Wire) -> None:
    wire.reply(
        ok(
            {
                "removed_success_user_ids": ["u1"],
                "not_in_space_user_ids": ["u7"],
                "owner_not_support_remove_user_ids": ["u0"],
            }
        )
    )
    result = await wire.call(
        lambda c: c.workspaces.members.delete(workspace_id="w1", user_ids=["u1", "u7", "u0"])
    )
    wire.check("DELETE", "/v1/workspaces/w1/members", body={"user_ids": ["u1", "u7", "u0"]})
    assert isinstance(result, DeleteWorkspaceMemberResp)
    assert result.removed_success_user_ids == ["u1"]
    assert result.not_in_workspace_user_ids == ["u7"]
    assert result.owner_not_support_remove_user_ids == ["u0"]


async def test_members_delete_reads_the_documented_field_name_too(wire: Wire) -> None:
    wire.reply(ok({"removed_success_user_ids": [], "not_in_workspace_user_ids": ["u3"]}))
    result = await wire.call(lambda c: c.workspaces.members.delete(workspace_id="w1", user_ids=["u3"]))
    assert result.not_in_workspace_user_ids == ["u3"]
    assert result.owner_not_support_remove_user_ids == []


@pytest.mark.parametrize("user_ids", [[], ["a", "b", "c", "d", "e", "f"], "u1", [""]])
async def test_members_delete_takes_one_to_five_ids(wire: Wire, user_ids: list) -> None:
    with pytest.raises(ValueError):
        await wire.call(lambda c: c.workspaces.members.delete(workspace_id="w1", user_ids=user_ids))
    assert wire.requests == []


async def test_members_list_walks_every_page_by_total_count(wire: Wire) -> None:
    member = {"user_id": "u1", "role_type": "owner", "user_nickname": "Root", "avatar_url": "https://a/x.png"}
    wire.reply(
        ok({"items": [member, {**member, "user_id": "u2", "role_type": "member"}], "total_count": 3}),
        ok({"items": [{**member, "user_id": "u3", "role_type": "admin"}], "total_count": 3}),
    )
    members = await wire.items(lambda c: c.workspaces.members.list(workspace_id="w1", page_size=2))
    assert [m.user_id for m in members] == ["u1", "u2", "u3"]
    assert [m.role_type for m in members] == [WorkspaceRoleType.OWNER, "member", "admin"]
    assert members[0].user_nickname == "Root"
    wire.check("GET", "/v1/workspaces/w1/members", query={"page_num": "1", "page_size": "2"}, index=0)
    wire.check("GET", "/v1/workspaces/w1/members", query={"page_num": "2", "page_size": "2"}, index=1)
    assert len(wire.requests) == 2


async def test_members_list_checks_page_size_and_id(wire: Wire) -> None:
    with pytest.raises(ValueError):
        await wire.items(lambda c: c.workspaces.members.list(workspace_id="w1", page_size=51))
    with pytest.raises(ValueError):
        await wire.items(lambda c: c.workspaces.members.list(workspace_id=".."))
    assert wire.requests == []


async def test_an_error_envelope_raises_with_its_code(wire: Wire) -> None:
    from cozekit import CozeAPIError

    wire.reply({"code": 702042018, "msg": "member limit reached", "detail": {"logid": "x"}})
    with pytest.raises(CozeAPIError) as caught:
        await wire.call(
            lambda c: c.workspaces.members.create(
                workspace_id="w1", users=[{"user_id": "u", "role_type": "member"}]
            )
        )
    assert caught.value.code == 702042018
