"""`coze.workspaces`: list, create and rename workspaces (spaces); `members` adds, lists and removes
their members."""

from __future__ import annotations

from functools import cached_property
from typing import Any, List, Mapping, Optional, Sequence, Union

from typing_extensions import Unpack

from .._parsing import model
from .._paths import path, require
from .._request import CallOptions, RequestOptions, delete, get, post, put
from .._resource import AsyncAPIResource, SyncAPIResource
from ..pagination import AsyncPager, NumberPaging, SyncPager
from ..types.workspace import (
    CreateWorkspaceMemberResp,
    CreateWorkspaceResp,
    DeleteWorkspaceMemberResp,
    UpdateWorkspaceResp,
    Workspace,
    WorkspaceMember,
)
from ._validate import check_page_size

__all__ = ["AsyncWorkspaceMembers", "AsyncWorkspaces", "WorkspaceMembers", "Workspaces"]

MemberLike = Union[WorkspaceMember, Mapping[str, Any]]
"""A member to add: a `WorkspaceMember` or a mapping with `user_id` and `role_type`."""


def _list(
    page_num: int,
    page_size: int,
    enterprise_id: Optional[str],
    user_id: Optional[str],
    coze_account_id: Optional[str],
    options: CallOptions,
) -> NumberPaging[Workspace]:
    check_page_size(page_size, 50)

    def request(num: int, size: int) -> RequestOptions:
        params = {
            "page_num": num,
            "page_size": size,
            "enterprise_id": enterprise_id,
            "user_id": user_id,
            "coze_account_id": coze_account_id,
        }
        return get("/v1/workspaces", params).with_call_options(options)

    return NumberPaging(Workspace, "workspaces", request, page_num=page_num, page_size=page_size)


def _check_texts(name: Optional[str], description: Optional[str]) -> None:
    if name is not None and not 1 <= len(name) <= 50:
        raise ValueError(f"a workspace name has 1-50 characters, got {len(name)}")
    if description is not None and len(description) > 2000:
        raise ValueError(f"a workspace description has at most 2000 characters, got {len(description)}")


def _create(
    name: str,
    description: str,
    icon_file_id: Optional[str],
    coze_account_id: Optional[str],
    owner_uid: Optional[str],
    options: CallOptions,
) -> RequestOptions:
    require(name=name, description=description)
    _check_texts(name, description)
    body = {
        "name": name,
        "description": description,
        "icon_file_id": icon_file_id,
        "coze_account_id": coze_account_id,
        "owner_uid": owner_uid,
    }
    return post("/v1/workspaces", body).with_call_options(options)


def _update(
    workspace_id: str, name: Optional[str], description: Optional[str], options: CallOptions
) -> RequestOptions:
    url = path("/v1/workspaces/{workspace_id}", workspace_id=workspace_id)
    _check_texts(name, description)
    return put(url, {"name": name, "description": description}).with_call_options(options)


def _members_path(workspace_id: str) -> str:
    return path("/v1/workspaces/{workspace_id}/members", workspace_id=workspace_id)


def _member_body(user: MemberLike) -> dict[str, str]:
    fields = user.model_dump(mode="json") if isinstance(user, WorkspaceMember) else dict(user)
    user_id, role = fields.get("user_id"), fields.get("role_type")
    require(user_id=user_id)
    if role not in ("admin", "member"):
        raise ValueError(f"role_type must be 'admin' or 'member' (the owner cannot be added), got {role!r}")
    return {"user_id": str(user_id), "role_type": str(role)}


def _add_members(workspace_id: str, users: Sequence[MemberLike], options: CallOptions) -> RequestOptions:
    url = _members_path(workspace_id)
    if not 1 <= len(users) <= 20:
        raise ValueError(f"add 1-20 members per call, got {len(users)}")
    body = {"users": [_member_body(user) for user in users]}
    return post(url, body).with_call_options(options)


def _remove_members(workspace_id: str, user_ids: Sequence[str], options: CallOptions) -> RequestOptions:
    url = _members_path(workspace_id)
    if isinstance(user_ids, str) or not 1 <= len(user_ids) <= 5:
        raise ValueError("user_ids takes a list of 1-5 user ids")
    for user_id in user_ids:
        require(user_id=user_id)
    return delete(url, {"user_ids": list(user_ids)}).with_call_options(options)


def _list_members(
    workspace_id: str, page_num: int, page_size: int, options: CallOptions
) -> NumberPaging[WorkspaceMember]:
    url = _members_path(workspace_id)
    check_page_size(page_size, 50)

    def request(num: int, size: int) -> RequestOptions:
        return get(url, {"page_num": num, "page_size": size}).with_call_options(options)

    return NumberPaging(WorkspaceMember, "items", request, page_num=page_num, page_size=page_size)


class WorkspaceMembers(SyncAPIResource):
    def create(
        self, *, workspace_id: str, users: List[MemberLike], **options: Unpack[CallOptions]
    ) -> CreateWorkspaceMemberResp:
        """Add (enterprise) or invite (personal) 1-20 users as `admin` or `member`."""
        opts = _add_members(workspace_id, users, options)
        return self._client.request(opts, model(CreateWorkspaceMemberResp))

    def delete(
        self, *, workspace_id: str, user_ids: List[str], **options: Unpack[CallOptions]
    ) -> DeleteWorkspaceMemberResp:
        """Remove 1-5 members; their resources pass to the workspace owner."""
        opts = _remove_members(workspace_id, user_ids, options)
        return self._client.request(opts, model(DeleteWorkspaceMemberResp))

    def list(
        self, *, workspace_id: str, page_num: int = 1, page_size: int = 20, **options: Unpack[CallOptions]
    ) -> SyncPager[WorkspaceMember]:
        """A workspace's members; iterate for all pages."""
        return SyncPager(self._client, _list_members(workspace_id, page_num, page_size, options))


class AsyncWorkspaceMembers(AsyncAPIResource):
    async def create(
        self, *, workspace_id: str, users: List[MemberLike], **options: Unpack[CallOptions]
    ) -> CreateWorkspaceMemberResp:
        opts = _add_members(workspace_id, users, options)
        return await self._client.request(opts, model(CreateWorkspaceMemberResp))

    async def delete(
        self, *, workspace_id: str, user_ids: List[str], **options: Unpack[CallOptions]
    ) -> DeleteWorkspaceMemberResp:
        opts = _remove_members(workspace_id, user_ids, options)
        return await self._client.request(opts, model(DeleteWorkspaceMemberResp))

    def list(
        self, *, workspace_id: str, page_num: int = 1, page_size: int = 20, **options: Unpack[CallOptions]
    ) -> AsyncPager[WorkspaceMember]:
        return AsyncPager(self._client, _list_members(workspace_id, page_num, page_size, options))


class Workspaces(SyncAPIResource):
    @cached_property
    def members(self) -> WorkspaceMembers:
        return WorkspaceMembers(self._client)

    def create(
        self,
        *,
        name: str,
        description: str,
        icon_file_id: Optional[str] = None,
        coze_account_id: Optional[str] = None,
        owner_uid: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> CreateWorkspaceResp:
        """Create a workspace (name 1-50, description 1-2000 characters); returns its `id`."""
        opts = _create(name, description, icon_file_id, coze_account_id, owner_uid, options)
        return self._client.request(opts, model(CreateWorkspaceResp))

    def update(
        self,
        *,
        workspace_id: str,
        name: Optional[str] = None,
        description: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateWorkspaceResp:
        """Rename a workspace or change its description (not the personal workspace)."""
        opts = _update(workspace_id, name, description, options)
        return self._client.request(opts, model(UpdateWorkspaceResp))

    def list(
        self,
        *,
        page_num: int = 1,
        page_size: int = 20,
        enterprise_id: Optional[str] = None,
        user_id: Optional[str] = None,
        coze_account_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> SyncPager[Workspace]:
        """Every workspace the token can see; iterate for all pages."""
        paging = _list(page_num, page_size, enterprise_id, user_id, coze_account_id, options)
        return SyncPager(self._client, paging)


class AsyncWorkspaces(AsyncAPIResource):
    @cached_property
    def members(self) -> AsyncWorkspaceMembers:
        return AsyncWorkspaceMembers(self._client)

    async def create(
        self,
        *,
        name: str,
        description: str,
        icon_file_id: Optional[str] = None,
        coze_account_id: Optional[str] = None,
        owner_uid: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> CreateWorkspaceResp:
        opts = _create(name, description, icon_file_id, coze_account_id, owner_uid, options)
        return await self._client.request(opts, model(CreateWorkspaceResp))

    async def update(
        self,
        *,
        workspace_id: str,
        name: Optional[str] = None,
        description: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateWorkspaceResp:
        opts = _update(workspace_id, name, description, options)
        return await self._client.request(opts, model(UpdateWorkspaceResp))

    def list(
        self,
        *,
        page_num: int = 1,
        page_size: int = 20,
        enterprise_id: Optional[str] = None,
        user_id: Optional[str] = None,
        coze_account_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[Workspace]:
        paging = _list(page_num, page_size, enterprise_id, user_id, coze_account_id, options)
        return AsyncPager(self._client, paging)
