"""Workspaces (spaces)."""

from __future__ import annotations

from typing import List, Optional

from .._models import CozeModel, OpenEnum

__all__ = ["Workspace", "WorkspaceJoinedStatus", "WorkspaceRoleType", "WorkspaceType"]


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
