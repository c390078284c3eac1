"""Workspaces (spaces)."""

from __future__ import annotations

from typing import Any, List, Optional

from pydantic import Field, model_validator

from .._models import CozeModel, OpenEnum

__all__ = [
    "CreateWorkspaceMemberResp",
    "CreateWorkspaceResp",
    "DeleteWorkspaceMemberResp",
    "UpdateWorkspaceResp",
    "Workspace",
    "WorkspaceJoinedStatus",
    "WorkspaceMember",
    "WorkspaceRoleType",
    "WorkspaceType",
]


class WorkspaceRoleType(OpenEnum):
    """The caller's role in a workspace."""

    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"


class WorkspaceType(OpenEnum):
    PERSONAL = "personal"
    TEAM = "team"


class WorkspaceJoinedStatus(OpenEnum):
    JOINED = "joined"


class Workspace(CozeModel):
    """A workspace the caller belongs to."""

    id: str
    name: Optional[str] = None
    icon_url: Optional[str] = None
    role_type: Optional[WorkspaceRoleType] = None
    workspace_type: Optional[WorkspaceType] = None
    enterprise_id: Optional[str] = None
    owner_uid: Optional[str] = None
    admin_uids: Optional[List[str]] = None
    description: Optional[str] = None
    joined_status: Optional[WorkspaceJoinedStatus] = None


class CreateWorkspaceResp(CozeModel):
    """The new workspace's id."""

    id: str


class UpdateWorkspaceResp(CozeModel):
    """The (empty) result of changing a workspace's name or description."""


class WorkspaceMember(CozeModel):
    """A workspace member; to add one, only `user_id` and `role_type` (`admin` or `member`) count."""

    user_id: str
    role_type: WorkspaceRoleType
    user_nickname: Optional[str] = None
    user_unique_name: Optional[str] = None
    avatar_url: Optional[str] = None


class CreateWorkspaceMemberResp(CozeModel):
    """What became of each user asked to join: added (enterprise), invited (personal), or skipped."""

    added_success_user_ids: List[str] = Field(default_factory=list)
    invited_success_user_ids: List[str] = Field(default_factory=list)
    not_exist_user_ids: List[str] = Field(default_factory=list)
    already_joined_user_ids: List[str] = Field(default_factory=list)
    already_invited_user_ids: List[str] = Field(default_factory=list)


class DeleteWorkspaceMemberResp(CozeModel):
    """What became of each user asked to leave. The documentation's example names the second list
    `not_in_space_user_ids`; either spelling fills `not_in_workspace_user_ids`."""

    removed_success_user_ids: List[str] = Field(default_factory=list)
    not_in_workspace_user_ids: List[str] = Field(default_factory=list)
    owner_not_support_remove_user_ids: List[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _other_spelling(cls, value: Any) -> Any:
        spelt_otherwise = isinstance(value, dict) and "not_in_workspace_user_ids" not in value
        if spelt_otherwise and "not_in_space_user_ids" in value:
            return {**value, "not_in_workspace_user_ids": value["not_in_space_user_ids"]}
        return value
