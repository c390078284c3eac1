"""Accounts: users, their workspaces and their personal access tokens (stored as sha256)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Dict, List, Optional

from ..core.base import Account, Backend


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountsBackend(Backend):
    def create(
        self,
        *,
        name: str,
        token: Optional[str] = None,
        user_id: Optional[str] = None,
        workspace_id: Optional[str] = None,
    ) -> Dict[str, str]:
        """A user with a personal workspace and a PAT; returns their ids and the token."""
        user_id = user_id or self.ids.next()
        workspace_id = workspace_id or self.ids.next()
        token = token or "pat_" + secrets.token_hex(32)
        with self.store.transaction():
            self.store.insert(
                "user",
                {"id": user_id, "user_name": name, "nick_name": name.title(), "created_at": self.now()},
                owner=user_id,
            )
            self.store.insert(
                "workspace",
                {
                    "id": workspace_id,
                    "name": "Personal",
                    "description": f"{name}'s personal workspace",
                    "workspace_type": "personal",
                    "owner_uid": user_id,
                    "created_at": self.now(),
                },
                owner=user_id,
            )
            self.add_token(user_id, token, name="default")
        return {"user_id": user_id, "workspace_id": workspace_id, "token": token, "user_name": name}

    def add_token(self, user_id: str, token: str, name: str) -> None:
        doc = {"id": token_hash(token), "user_id": user_id, "name": name, "created_at": self.now()}
        self.store.insert("token", doc, owner=user_id)

    def authenticate(self, token: str) -> Optional[Account]:
        row = self.store.get("token", token_hash(token))
        if row is None:
            return None
        return self.account(str(row["user_id"]))

    def account(self, user_id: str) -> Optional[Account]:
        user = self.store.get("user", user_id)
        return None if user is None else Account(user_id=user_id, user_name=str(user["user_name"]))

    def me(self, account: Account) -> Dict[str, Any]:
        user = self.store.get("user", account.user_id) or {}
        return {
            "user_id": account.user_id,
            "user_name": user.get("user_name", ""),
            "nick_name": user.get("nick_name", ""),
            "avatar_url": "",
        }

    def workspace_ids(self, account: Account) -> List[str]:
        return [str(w["id"]) for w in self.store.find("workspace", owner=account.user_id)]
