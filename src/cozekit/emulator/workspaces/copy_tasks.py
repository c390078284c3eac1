"""Copy tasks (`/v1/entities/copy_tasks`): copying a bot, app or workflow into a workspace.

A bot copied within its workspace is copied at once. Every other copy is a task that is
`in_progress` when created and is carried out the next time it is read, unless the control plane
holds copy tasks (then it stays `in_progress` until released). Copies are unpublished drafts owned by
the caller; a source that is gone by then makes the task `failed`.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from ..core.base import Account, Backend
from ..core.errors import bad_request, not_found
from ..core.ids import IdGenerator
from ..core.store import Store
from .apps import AppsBackend
from .backend import WorkspacesBackend

KINDS = ("app", "bot", "workflow")


class CopyTasksBackend(Backend):
    def __init__(
        self, store: Store, ids: IdGenerator, workspaces: WorkspacesBackend, apps: AppsBackend
    ) -> None:
        super().__init__(store, ids)
        self.workspaces = workspaces
        self.apps = apps

    # -- the control plane's hold ---------------------------------------------------------------

    def hold(self, on: bool) -> None:
        self.store.upsert("copy_settings", {"id": "hold", "on": on}, owner="")

    def held(self) -> bool:
        doc = self.store.get("copy_settings", "hold")
        return bool(doc and doc["on"])

    # -- copying --------------------------------------------------------------------------------

    def _source(self, account: Account, kind: str, entity_id: str) -> Dict[str, Any]:
        """The entity, if it is in a workspace the caller is in (4200 otherwise)."""
        doc = self.store.get(kind, entity_id)
        if doc is not None:
            workspace = self.store.get("workspace", str(doc["workspace_id"]))
            if workspace is not None and self.workspaces.role(workspace, account.user_id) is not None:
                return doc
        raise not_found(f"{kind}_id", entity_id)

    def create(
        self,
        account: Account,
        entity_type: Optional[str],
        entity_id: Optional[str],
        to_workspace_id: Optional[str],
    ) -> Dict[str, str]:
        if entity_type not in KINDS:
            raise bad_request(f"entity_type must be one of {', '.join(KINDS)}")
        if not entity_id:
            raise bad_request("entity_id is required")
        source = self._source(account, entity_type, entity_id)
        from_id = str(source["workspace_id"])
        target_id = to_workspace_id or from_id
        target, _ = self.workspaces.visible(account, target_id)
        origin = self.store.get("workspace", from_id) or {}
        if target_id != from_id and origin.get("workspace_type") == "personal":
            raise bad_request("a personal workspace's resources can only be copied within it")
        if entity_type == "bot" and target_id == from_id:
            return {"copied_entity_id": self._copy(account, "bot", source, target_id)}
        task = {
            "id": self.ids.next(),
            "entity_type": entity_type,
            "task_status": "in_progress",
            "source_entity_id": entity_id,
            "target_workspace_id": str(target["id"]),
            "target_entity_id": "",
            "failed_reasons": [],
        }
        self.store.insert("copy_task", task, owner=account.user_id)
        return {"task_id": str(task["id"])}

    def retrieve(self, account: Account, task_id: str) -> Dict[str, Any]:
        with self.store.transaction():
            # locked: of two retrieves at once, one finishes the copy, the other reads its result
            task = self.store.get("copy_task", task_id, owner=account.user_id, lock=True)
            if task is None:
                raise not_found("task_id", task_id)
            if task["task_status"] == "in_progress" and not self.held():
                self._finish(account, task)
                self.store.update("copy_task", task, owner=account.user_id)
        out = {k: v for k, v in task.items() if k != "id"}
        out["task_id"] = task["id"]
        return out

    def _finish(self, account: Account, task: Dict[str, Any]) -> None:
        kind, source_id = str(task["entity_type"]), str(task["source_entity_id"])
        source = self.store.get(kind, source_id)
        if source is None:
            task["task_status"] = "failed"
            reason = {
                "entity_id": source_id,
                "entity_type": kind,
                "failed_reason": "the source no longer exists",
            }
            task["failed_reasons"] = [reason]
            return
        task["target_entity_id"] = self._copy(account, kind, source, str(task["target_workspace_id"]))
        task["task_status"] = "successful"

    def _copy(self, account: Account, kind: str, source: Dict[str, Any], workspace_id: str) -> str:
        now = self.now()
        copy = {k: v for k, v in source.items() if k not in ("collaborators", "collaboration_mode")}
        copy.update(id=self.ids.next(), workspace_id=workspace_id)
        if kind == "bot":
            copy.update(owner_user_id=account.user_id, published=None, connectors=[], version="", versions=[])
            copy.update(published_at=None, create_time=now, update_time=now)
        elif kind == "app":
            copy.update(owner_user_id=account.user_id, published_at=None, connectors=[], draft_changed=False)
            copy.update(collaborators=[], folder_id="", created_at=now, updated_at=now)
            self.apps.save(copy, new=True)
            return str(copy["id"])
        else:
            copy.update(creator={"id": account.user_id, "name": account.user_name}, versions=[])
            copy.update(created_at=now, updated_at=now)
        self.store.insert(kind, copy, owner=account.user_id, parent=workspace_id)
        return str(copy["id"])
