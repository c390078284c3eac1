"""Conversations and their context sections."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..core.base import Account, Backend, check_meta_data, page_bounds
from ..core.errors import CozeErrors, bad_request

API_CONNECTOR = "1024"
PUBLIC_FIELDS = (
    "id",
    "name",
    "meta_data",
    "creator_id",
    "created_at",
    "updated_at",
    "last_section_id",
    "connector_id",
    "bot_id",
)


def render_conversation(doc: Dict[str, Any]) -> Dict[str, Any]:
    return {k: doc[k] for k in PUBLIC_FIELDS}


def check_name(name: Optional[str]) -> str:
    if name is not None and len(name) > 100:
        raise bad_request("name must be at most 100 characters")
    return name or ""


class ConversationsBackend(Backend):
    def get(self, account: Account, conversation_id: str, *, lock: bool = False) -> Dict[str, Any]:
        """The conversation (4101 if missing); `lock` inside `store.transaction()`: held until it ends, so a
        change written back from it undoes nothing another request wrote meanwhile."""
        doc = self.store.get("conversation", conversation_id, owner=account.space, lock=lock)
        if doc is None:
            raise CozeErrors.CONVERSATION_NOT_FOUND(conversation_id=conversation_id)
        return doc

    def save(self, account: Account, doc: Dict[str, Any], *, new: bool = False) -> Dict[str, Any]:
        write = self.store.insert if new else self.store.update
        return write("conversation", doc, owner=account.space, parent=doc["bot_id"])

    def create(
        self,
        account: Account,
        *,
        bot_id: Optional[str] = None,
        name: Optional[str] = None,
        meta_data: Optional[Dict[str, str]] = None,
        connector_id: Optional[str] = None,
        bot_checked: bool = False,
    ) -> Dict[str, Any]:
        """A new conversation; `bot_checked`: the caller has just read the bot (a chat starting)."""
        if bot_id and not bot_checked and self.store.get("bot", bot_id, owner=account.user_id) is None:
            raise CozeErrors.BOT_NOT_FOUND(bot_id=bot_id)
        now = self.now()
        doc = {
            "id": self.ids.next(),
            "name": check_name(name),
            "meta_data": check_meta_data(meta_data),
            "creator_id": account.user_id,
            "created_at": now,
            "updated_at": now,
            "last_section_id": self.ids.next(),
            "connector_id": connector_id or API_CONNECTOR,
            "bot_id": bot_id or "",
        }
        return self.save(account, doc, new=True)

    def touch(self, account: Account, doc: Dict[str, Any]) -> None:
        doc["updated_at"] = self.now()
        self.save(account, doc)

    def touch_if_stale(self, account: Account, doc: Dict[str, Any]) -> None:
        """`touch` for a conversation that only gained a message or chat: written only when its
        `updated_at` (in seconds) is not already now, so a second's messages write it once."""
        if doc["updated_at"] != self.now():
            self.touch(account, doc)

    def list(
        self,
        account: Account,
        *,
        bot_id: str,
        page_num: int,
        page_size: int,
        sort_order: str,
        connector_id: str,
    ) -> Dict[str, Any]:
        start, end = page_bounds(page_num, page_size, 50)
        if sort_order.upper() not in ("ASC", "DESC"):
            raise bad_request("sort_order must be ASC or DESC")
        page = self.store.page(
            "conversation",
            owner=account.space,
            parent=bot_id,
            where={"connector_id": connector_id},
            desc=sort_order.upper() == "DESC",
            offset=start,
            limit=end - start,
        )
        return {"has_more": page.has_more, "conversations": [render_conversation(c) for c in page.items]}

    def rename(self, account: Account, conversation_id: str, name: str) -> Dict[str, Any]:
        with self.store.transaction():
            doc = self.get(account, conversation_id, lock=True)
            if not name:
                raise bad_request("name is required")
            doc["name"] = check_name(name)
            self.touch(account, doc)
        return doc

    def delete(self, account: Account, conversation_id: str) -> None:
        self.get(account, conversation_id)
        with self.store.transaction():
            for kind in ("message", "chat"):
                self.store.delete_where(kind, owner=account.space, parent=conversation_id)
            self.store.delete("conversation", conversation_id)

    def clear(self, account: Account, conversation_id: str) -> Dict[str, str]:
        """Start a new context section: earlier messages stay listed but no longer reach the model."""
        with self.store.transaction():  # a message or chat added meanwhile never brings the old one back
            doc = self.get(account, conversation_id, lock=True)
            doc["last_section_id"] = self.ids.next()
            self.touch(account, doc)
        return {"id": doc["last_section_id"], "conversation_id": conversation_id}

    def running_chats(self, account: Account, conversation_id: str) -> List[Dict[str, Any]]:
        return self.store.find(
            "chat",
            owner=account.space,
            parent=conversation_id,
            where={"status": ["created", "in_progress"]},
        )
