"""Workspaces beyond the personal one: create, rename, and their members (owner, admins, members).

A workspace document is owned by its owner; each other member is a `workspace_member` document owned by
that member, with the workspace as parent. The emulator behaves like an enterprise edition: an added user
joins at once (no invitation to accept).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ..core.base import Account, Backend, page_bounds
from ..core.errors import CozeErrors, bad_request, not_found
from ..core.store import Store

ROLES = ("admin", "member")
MAX_ADD = 20
MAX_REMOVE = 5


def _check_texts(name: Optional[str], description: Optional[str]) -> None:
    if name is not None and not 1 <= len(name) <= 50:
        raise bad_request("name must be 1-50 characters")
    if description is not None and len(description) > 2000:
        raise bad_request("description must be at most 2000 characters")


class WorkspacesBackend(Backend):
    # -- access ------------------------------------------------------------------------------------

    def role(self, workspace: Dict[str, Any], user_id: str) -> Optional[str]:
        return role_in(self.store, workspace, user_id)

    def visible(self, account: Account, workspace_id: str) -> Tuple[Dict[str, Any], str]:
        """The workspace and the caller's role in it; 4200 when the caller is not in it."""
        workspace = self.store.get("workspace", workspace_id)
        role = None if workspace is None else self.role(workspace, account.user_id)
        if workspace is None or role is None:
            raise not_found("workspace_id", workspace_id)
        return workspace, role

    def _managed(self, account: Account, workspace_id: str) -> Dict[str, Any]:
        """A workspace the caller owns or administers (4101 for a plain member)."""
        workspace, role = self.visible(account, workspace_id)
        if role not in ("owner", "admin"):
            raise CozeErrors.NO_PERMISSION()
        return workspace

    # -- workspaces --------------------------------------------------------------------------------

    def list_workspaces(self, account: Account, page_num: int, page_size: int) -> Dict[str, Any]:
        """The workspaces the caller owns, then those they joined."""
        start, end = page_bounds(page_num, page_size, 50)
        rows = [(w, "owner") for w in self.store.find("workspace", owner=account.user_id)]
        for member in self.store.find("workspace_member", owner=account.user_id):
            workspace = self.store.get("workspace", str(member["workspace_id"]))
            if workspace is not None:
                rows.append((workspace, str(member["role_type"])))
        items = [self._listed(account, w, role) for w, role in rows[start:end]]
        return {"workspaces": items, "total_count": len(rows)}

    def _listed(self, account: Account, workspace: Dict[str, Any], role: str) -> Dict[str, Any]:
        workspace_id = str(workspace["id"])
        admins = [
            m["user_id"]
            for m in self.store.find("workspace_member", parent=workspace_id)
            if m["role_type"] == "admin"
        ]
        return {
            "id": workspace_id,
            "name": workspace["name"],
            "icon_url": "",
            "role_type": role,
            "workspace_type": workspace["workspace_type"],
            "enterprise_id": "",
            "joined_status": "joined",
            "description": workspace["description"],
            "owner_uid": _owner(workspace) or account.user_id,
            "admin_uids": admins,
        }

    def create(
        self,
        account: Account,
        name: str,
        description: str,
        icon_file_id: Optional[str] = None,
        owner_uid: Optional[str] = None,
    ) -> Dict[str, str]:
        if not name or not description:
            raise bad_request("name and description are required")
        _check_texts(name, description)
        owner = owner_uid or account.user_id
        if self.store.get("user", owner) is None:
            raise not_found("owner_uid", owner)
        workspace_id = self.ids.next()
        doc = {
            "id": workspace_id,
            "name": name,
            "description": description,
            "icon_file_id": icon_file_id or "",
            "workspace_type": "team",
            "owner_uid": owner,
            "created_at": self.now(),
        }
        with self.store.transaction():
            self.store.insert("workspace", doc, owner=owner)
            if owner != account.user_id:
                self._put_member(workspace_id, account.user_id, "admin")
        return {"id": workspace_id}

    def update(
        self, account: Account, workspace_id: str, name: Optional[str], description: Optional[str]
    ) -> None:
        workspace = self._managed(account, workspace_id)
        if workspace.get("workspace_type") == "personal":
            raise bad_request("the personal workspace's name and description cannot be changed")
        _check_texts(name or None, description)
        with self.store.transaction():  # a name and a description changed at once are both kept
            workspace = self.store.get("workspace", workspace_id, lock=True) or workspace
            if name:
                workspace["name"] = name
            if description:
                workspace["description"] = description
            self.store.update("workspace", workspace, owner=_owner(workspace) or account.user_id)

    # -- members -----------------------------------------------------------------------------------

    def _put_member(self, workspace_id: str, user_id: str, role: str) -> None:
        doc = {
            "id": _member_id(workspace_id, user_id),
            "workspace_id": workspace_id,
            "user_id": user_id,
            "role_type": role,
            "joined_at": self.now(),
        }
        self.store.upsert("workspace_member", doc, owner=user_id, parent=workspace_id)

    def add_members(self, account: Account, workspace_id: str, users: List[Dict[str, str]]) -> Dict[str, Any]:
        workspace = self._managed(account, workspace_id)
        if workspace.get("workspace_type") == "personal":
            raise bad_request("members cannot be added to a personal workspace")
        if not 1 <= len(users) <= MAX_ADD:
            raise bad_request(f"users takes 1-{MAX_ADD} users per call")
        if any(u.get("role_type") not in ROLES for u in users):
            raise bad_request("role_type must be admin or member")
        added: List[str] = []
        missing: List[str] = []
        joined: List[str] = []
        with self.store.transaction():
            for user in users:
                user_id = str(user.get("user_id") or "")
                if self.store.get("user", user_id) is None:
                    missing.append(user_id)
                elif self.role(workspace, user_id) is not None:
                    joined.append(user_id)
                else:
                    self._put_member(workspace_id, user_id, str(user["role_type"]))
                    added.append(user_id)
        return {
            "added_success_user_ids": added,
            "invited_success_user_ids": [],
            "not_exist_user_ids": missing,
            "already_joined_user_ids": joined,
            "already_invited_user_ids": [],
        }

    def remove_members(self, account: Account, workspace_id: str, user_ids: List[str]) -> Dict[str, Any]:
        workspace = self._managed(account, workspace_id)
        if not 1 <= len(user_ids) <= MAX_REMOVE:
            raise bad_request(f"user_ids takes 1-{MAX_REMOVE} users per call")
        removed: List[str] = []
        absent: List[str] = []
        owners: List[str] = []
        with self.store.transaction():
            for user_id in user_ids:
                role = self.role(workspace, user_id)
                if role == "owner":
                    owners.append(user_id)
                elif role is None:
                    absent.append(user_id)
                else:
                    self.store.delete("workspace_member", _member_id(workspace_id, user_id))
                    removed.append(user_id)
        return {
            "removed_success_user_ids": removed,
            "not_in_workspace_user_ids": absent,
            "owner_not_support_remove_user_ids": owners,
        }

    def list_members(
        self, account: Account, workspace_id: str, page_num: int, page_size: int
    ) -> Dict[str, Any]:
        workspace, _ = self.visible(account, workspace_id)
        start, end = page_bounds(page_num, page_size, 50)
        owner = {"user_id": _owner(workspace) or account.user_id, "role_type": "owner"}
        others = self.store.find("workspace_member", parent=workspace_id)
        rows = [owner, *sorted(others, key=lambda m: (m["joined_at"], m["id"]))]
        return {"items": [self._member(m) for m in rows[start:end]], "total_count": len(rows)}

    def _member(self, member: Dict[str, Any]) -> Dict[str, Any]:
        user = self.store.get("user", str(member["user_id"])) or {}
        return {
            "user_id": str(member["user_id"]),
            "role_type": member["role_type"],
            "user_nickname": user.get("nick_name", ""),
            "user_unique_name": user.get("user_name", ""),
            "avatar_url": "",
        }


def role_in(store: Store, workspace: Dict[str, Any], user_id: str) -> Optional[str]:
    """`owner`, `admin`, `member`, or None for a user outside the workspace."""
    if _owner(workspace) == user_id or store.get("workspace", str(workspace["id"]), owner=user_id):
        return "owner"
    member = store.get("workspace_member", _member_id(str(workspace["id"]), user_id))
    return None if member is None else str(member["role_type"])


def _owner(workspace: Dict[str, Any]) -> str:
    """The owner's user id ("" for a personal workspace stored before `owner_uid` was recorded: then the
    caller who can see it owns it)."""
    return str(workspace.get("owner_uid") or "")


def _member_id(workspace_id: str, user_id: str) -> str:
    return f"{workspace_id}:{user_id}"
