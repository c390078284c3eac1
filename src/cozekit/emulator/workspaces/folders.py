"""Folders of a workspace's project area. Coze has no API that creates one: the control plane does."""

from __future__ import annotations

from typing import Any, Dict, Optional

from ..core.base import Account, Backend, page_bounds
from ..core.errors import EmulatorError, bad_request, not_found
from .backend import WorkspacesBackend

FOLDER_TYPES = ("development", "library")


class FoldersBackend(Backend):
    def __init__(self, workspaces: WorkspacesBackend) -> None:
        super().__init__(workspaces.store, workspaces.ids)
        self.workspaces = workspaces

    def create(
        self,
        account: Account,
        workspace_id: str,
        name: str,
        description: str = "",
        parent_folder_id: Optional[str] = None,
        folder_type: str = "development",
    ) -> Dict[str, Any]:
        self.workspaces.visible(account, workspace_id)
        if not name:
            raise bad_request("name is required")
        if folder_type not in FOLDER_TYPES:
            raise bad_request("folder_type must be development or library")
        if parent_folder_id:
            parent = self.retrieve(account, parent_folder_id)
            if parent["workspace_id"] != workspace_id or parent["folder_type"] != folder_type:
                raise bad_request("the parent folder is in another workspace or of another type")
        doc = {
            "id": self.ids.next(),
            "name": name,
            "description": description,
            "workspace_id": workspace_id,
            "creator_user_id": account.user_id,
            "folder_type": folder_type,
            "parent_folder_id": parent_folder_id or "",
        }
        self.store.insert("folder", doc, owner=account.user_id, parent=workspace_id)
        return _public(doc)

    def retrieve(self, account: Account, folder_id: str) -> Dict[str, Any]:
        doc = self.store.get("folder", folder_id)
        if doc is None:
            raise not_found("folder_id", folder_id)
        try:
            self.workspaces.visible(account, str(doc["workspace_id"]))
        except EmulatorError:
            raise not_found("folder_id", folder_id) from None
        return _public(doc)

    def list(
        self,
        account: Account,
        workspace_id: str,
        folder_type: str,
        parent_folder_id: Optional[str],
        page_num: int,
        page_size: int,
    ) -> Dict[str, Any]:
        self.workspaces.visible(account, workspace_id)
        if folder_type != "development":
            raise bad_request("folder_type must be development")
        start, end = page_bounds(page_num, page_size, 50)
        parent = "" if parent_folder_id in (None, "", "0") else parent_folder_id
        rows = [
            doc
            for doc in self.store.find("folder", parent=workspace_id)
            if doc["folder_type"] == folder_type and doc["parent_folder_id"] == parent
        ]
        items = [self._with_children(doc) for doc in rows[start:end]]
        return {"items": items, "has_more": end < len(rows), "total_count": len(rows)}

    def _with_children(self, doc: Dict[str, Any]) -> Dict[str, Any]:
        children = [
            c
            for c in self.store.find("folder", parent=doc["workspace_id"])
            if c["parent_folder_id"] == doc["id"]
        ]
        return {**_public(doc), "children_count": len(children)}


def _public(doc: Dict[str, Any]) -> Dict[str, Any]:
    """A folder as Coze returns it: no `parent_folder_id` for a root folder."""
    public = {k: v for k, v in doc.items() if k != "parent_folder_id"}
    if doc["parent_folder_id"]:
        public["parent_folder_id"] = doc["parent_folder_id"]
    return public
