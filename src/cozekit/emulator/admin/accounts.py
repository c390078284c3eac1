"""Accounts: users, their workspaces and their personal access tokens (stored as sha256)."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..core.base import Account, Backend
from ..core.ids import IdGenerator
from ..core.store import Store

TOKEN_CACHE_SECONDS = 1.0
"""How long an authenticated personal access token is trusted without reading the database again. In
this process a change to tokens or users (or a reset) ends it at once; another worker's change is seen
within this bound."""
TOKEN_CACHE_SIZE = 4096


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountsBackend(Backend):
    def __init__(
        self,
        store: Store,
        ids: IdGenerator,
        *,
        cache_seconds: float = TOKEN_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(store, ids)
        self.cache_seconds = cache_seconds
        self.clock = clock
        self._cache: Dict[str, Tuple[Account, int, float]] = {}
        self._cache_lock = threading.Lock()

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

    def _stamp(self) -> int:
        """Moves whenever this process changes or deletes a token or a user, or wipes the store."""
        changes = self.store.changes
        return changes.get("token", 0) + changes.get("user", 0) + changes.get("*", 0)

    def cached(self, token: str) -> Optional[Account]:
        """The account of a personal access token authenticated moments ago (`TOKEN_CACHE_SECONDS`),
        without reading the database; None when it must be read (`authenticate`)."""
        hit = self._cache.get(token_hash(token))
        if hit is None:
            return None
        account, stamp, until = hit
        if stamp != self._stamp() or self.clock() >= until:
            return None
        return account

    def authenticate(self, token: str) -> Optional[Account]:
        key = token_hash(token)
        stamp = self._stamp()  # before the reads: a change made meanwhile makes this entry stale
        row = self.store.get("token", key)
        if row is None:
            return None
        account = self.account(str(row["user_id"]))
        if account is not None and self.cache_seconds > 0:
            with self._cache_lock:
                if len(self._cache) >= TOKEN_CACHE_SIZE:
                    self._cache.clear()
                self._cache[key] = (account, stamp, self.clock() + self.cache_seconds)
        return account

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
