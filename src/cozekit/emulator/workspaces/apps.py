"""Apps (low-code projects): the workspace's app list and app collaborators.

Apps are made through the control plane (`POST /_emulator/apps`): published to channels, never
published, or published with a newer draft. Everyone in the workspace sees its apps.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..core.base import Account, Backend, page_bounds
from ..core.collaboration import add_collaborator, remove_collaborator
from ..core.errors import CozeErrors, EmulatorError, bad_request, not_found
from ..core.ids import IdGenerator
from ..core.store import Store
from .backend import WorkspacesBackend

PUBLISH_STATUSES = ("all", "published_online", "published_draft", "unpublished_draft")


def status_of(app: Dict[str, Any]) -> str:
    if app["published_at"] is None:
        return "unpublished_draft"
    return "published_draft" if app["draft_changed"] else "published_online"


class AppsBackend(Backend):
    KIND = "app"

    def __init__(self, store: Store, ids: IdGenerator, workspaces: WorkspacesBackend) -> None:
        super().__init__(store, ids)
        self.workspaces = workspaces

    def create(
        self,
        account: Account,
        workspace_id: str,
        fields: Dict[str, Any],
        *,
        published: bool,
        connector_ids: List[str],
        draft_changed: bool,
    ) -> Dict[str, Any]:
        """An app in a workspace the account is in (control plane)."""
        self.workspaces.visible(account, workspace_id)
        now = self.now()
        app = {
            "id": self.ids.next(),
            "workspace_id": workspace_id,
            "owner_user_id": account.user_id,
            "name": fields.get("name") or "Test App",
            "description": fields.get("description") or "",
            "icon_url": "",
            "folder_id": fields.get("folder_id") or "",
            "created_at": now,
            "updated_at": now,
            "published_at": now if published else None,
            "connectors": list(dict.fromkeys(connector_ids)) if published else [],
            "draft_changed": bool(published and draft_changed),
            "collaborators": [],
        }
        self.save(app, new=True)
        return app

    def save(self, app: Dict[str, Any], *, new: bool = False) -> None:
        write = self.store.insert if new else self.store.update
        write(self.KIND, app, owner=str(app["owner_user_id"]), parent=str(app["workspace_id"]))

    def visible(self, account: Account, app_id: str, lock: bool = False) -> Dict[str, Any]:
        """An app in a workspace the caller is in (4200 otherwise)."""
        app = self.store.get(self.KIND, app_id, lock=lock)
        if app is None:
            raise not_found("app_id", app_id)
        try:
            self.workspaces.visible(account, str(app["workspace_id"]))
        except EmulatorError:
            raise not_found("app_id", app_id) from None
        return app

    def list(
        self,
        account: Account,
        workspace_id: Optional[str],
        publish_status: Optional[str],
        connector_id: Optional[str],
        page_num: int,
        page_size: int,
    ) -> Dict[str, Any]:
        if not workspace_id:
            raise bad_request("workspace_id is required")
        status = publish_status or "published_online"
        if status not in PUBLISH_STATUSES:
            raise bad_request(f"publish_status must be one of {', '.join(PUBLISH_STATUSES)}")
        start, end = page_bounds(page_num, page_size, 50)
        self.workspaces.visible(account, workspace_id)
        channel = connector_id or "1024"
        apps = [
            a
            for a in self.store.find(self.KIND, parent=workspace_id)
            if status == "all"
            or (status == status_of(a) and (status == "unpublished_draft" or channel in a["connectors"]))
        ]
        return {"items": [_simple(a) for a in apps[start:end]], "total": len(apps)}

    def add_collaborators(self, account: Account, app_id: str, collaborators: Optional[List[Any]]) -> None:
        if not collaborators or len(collaborators) != 1 or not isinstance(collaborators[0], dict):
            raise bad_request("collaborators takes exactly one user per call")
        user_id = str(collaborators[0].get("user_id") or "")
        if not user_id:
            raise bad_request("collaborators[0].user_id is required")
        with self.store.transaction():
            app = self._managed(account, app_id)
            if self.store.get("user", user_id) is None:
                raise not_found("user_id", user_id)
            workspace = self.store.get("workspace", str(app["workspace_id"])) or {"id": app["workspace_id"]}
            if self.workspaces.role(workspace, user_id) is None:
                raise bad_request(f"user {user_id} is not a member of the app's workspace")
            if add_collaborator(app, user_id, app["owner_user_id"]):
                self.save(app)

    def remove_collaborator(self, account: Account, app_id: str, user_id: str) -> None:
        with self.store.transaction():
            app = self._managed(account, app_id)
            remove_collaborator(app, user_id)
            self.save(app)

    def _managed(self, account: Account, app_id: str) -> Dict[str, Any]:
        """Only the app's owner and collaborators may change its collaborators (the app is held until the
        caller's transaction ends)."""
        app = self.visible(account, app_id, lock=True)
        if account.user_id != app["owner_user_id"] and account.user_id not in app["collaborators"]:
            raise CozeErrors.NO_PERMISSION()
        return app


def _simple(app: Dict[str, Any]) -> Dict[str, Any]:
    out = {k: app[k] for k in ("id", "name", "description", "icon_url", "owner_user_id", "updated_at")}
    out["is_published"] = app["published_at"] is not None
    if app["folder_id"]:
        out["folder_id"] = app["folder_id"]
    if app["published_at"] is not None:
        out["published_at"] = app["published_at"]
    return out
