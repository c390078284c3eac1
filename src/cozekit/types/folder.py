"""Folders of a workspace's project area."""

from __future__ import annotations

from typing import Optional

from .._models import CozeModel, OpenEnum

__all__ = ["FolderType", "SimpleFolder"]


class FolderType(OpenEnum):
    DEVELOPMENT = "development"
    """Project development (the only type the folder list accepts today)."""
    LIBRARY = "library"
    """Resource library."""


class SimpleFolder(CozeModel):
    """A folder; `parent_folder_id` is absent for a root folder."""

    id: str
    name: Optional[str] = None
    description: Optional[str] = None
    workspace_id: Optional[str] = None
    creator_user_id: Optional[str] = None
    folder_type: Optional[FolderType] = None
    parent_folder_id: Optional[str] = None
    children_count: Optional[int] = None
