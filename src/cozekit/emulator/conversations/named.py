"""Conversations by name, as workflows of a Coze app see them (the conversation and message nodes).

An app's workflows name their conversations: `Default` (a static one, created on first use; in a chatflow
it is the chat's own conversation) and the ones conversation nodes create (dynamic; only these can be
renamed or deleted by nodes). Each end user of each channel has their own. The names map to ordinary
conversations of the emulator, so `/v1/conversations` and `/v1/conversation/message/list` show them too.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ..core.base import Account, Backend
from ..core.ids import IdGenerator
from ..core.store import Store
from .backend import ConversationsBackend
from .messages import LISTED_TYPES, MessagesBackend

DEFAULT = "Default"
KIND = "app_conversation"


class AppConversations(Backend):
    """Named conversations of one scope: `<app id or "space">:<channel>:<end user>`."""

    def __init__(
        self, store: Store, ids: IdGenerator, conversations: ConversationsBackend, messages: MessagesBackend
    ) -> None:
        super().__init__(store, ids)
        self.conversations = conversations
        self.messages = messages

    def _key(self, scope: str, name: str) -> str:
        return f"{scope}|{name}"

    def lookup(self, account: Account, scope: str, name: str, current: str = "") -> Optional[Dict[str, Any]]:
        """The named conversation `{name, conversation_id, dynamic}`, or None. `Default` is the chat's
        own conversation in a chatflow (`current`), else created on first use."""
        if name == DEFAULT and current:
            return {"name": name, "conversation_id": current, "dynamic": False}
        doc = self.store.get(KIND, self._key(scope, name), owner=account.space)
        if doc is not None and self.store.get("conversation", doc["conversation_id"]) is None:
            self.store.delete(KIND, doc["id"])  # deleted through the API
            doc = None
        if doc is None and name == DEFAULT:
            doc, _ = self._create(account, scope, name, dynamic=False)
        return doc

    def _create(
        self, account: Account, scope: str, name: str, dynamic: bool, connector_id: str = "1024"
    ) -> Tuple[Dict[str, Any], bool]:
        conv = self.conversations.create(account, name=name[:100], connector_id=connector_id)
        doc = {
            "id": self._key(scope, name),
            "name": name,
            "conversation_id": conv["id"],
            "dynamic": dynamic,
            "created_at": self.now(),
        }
        return self.store.upsert(KIND, doc, owner=account.space, parent=scope), False

    def create(
        self, account: Account, scope: str, name: str, current: str = "", connector_id: str = "1024"
    ) -> Tuple[str, bool]:
        """The conversation's id, and whether it existed already."""
        existed = bool(current and name == DEFAULT) or (
            self.store.get(KIND, self._key(scope, name), owner=account.space) is not None
        )
        found = self.lookup(account, scope, name, current)
        if found is None:
            found, _ = self._create(account, scope, name, dynamic=True, connector_id=connector_id)
        return str(found["conversation_id"]), existed

    def rename(self, account: Account, scope: str, name: str, new_name: str) -> Dict[str, Any]:
        """`{"conversationId", "isSuccess", "isExisted"}` as the update node answers; raises ValueError
        for a conversation nodes did not create."""
        doc = self.lookup(account, scope, name) if name != DEFAULT else None
        if name == DEFAULT or (doc is not None and not doc["dynamic"]):
            raise ValueError("only conversations created by nodes can be renamed or deleted")
        if doc is None:
            return {"conversationId": "0", "isSuccess": False, "isExisted": False}
        taken = self.lookup(account, scope, new_name) if new_name != DEFAULT else {"conversation_id": "0"}
        if taken is not None:
            return {"conversationId": str(taken["conversation_id"]), "isSuccess": False, "isExisted": True}
        self.store.delete(KIND, doc["id"])
        doc["id"], doc["name"] = self._key(scope, new_name), new_name
        self.store.insert(KIND, doc, owner=account.space, parent=scope)
        self.conversations.rename(account, doc["conversation_id"], new_name[:100])
        return {"conversationId": str(doc["conversation_id"]), "isSuccess": True, "isExisted": False}

    def delete(self, account: Account, scope: str, name: str) -> None:
        """Raises KeyError for an unknown name, ValueError for one nodes did not create."""
        doc = self.lookup(account, scope, name) if name != DEFAULT else None
        if name == DEFAULT or (doc is not None and not doc["dynamic"]):
            raise ValueError("only conversations created by nodes can be renamed or deleted")
        if doc is None:
            raise KeyError(name)
        self.store.delete(KIND, doc["id"])
        self.conversations.delete(account, doc["conversation_id"])

    def list(self, account: Account, scope: str) -> List[Dict[str, str]]:
        """`Default` first, then the created ones, oldest first: `{"name", "conversation_id"}`."""
        rows = [r for r in self.store.find(KIND, owner=account.space, parent=scope)]
        rows = [r for r in rows if self.store.get("conversation", r["conversation_id"]) is not None]
        rows.sort(key=lambda r: (r["dynamic"], int(r["conversation_id"])))
        return [{"name": r["name"], "conversation_id": str(r["conversation_id"])} for r in rows]

    def clear(self, account: Account, scope: str, name: str, current: str = "") -> bool:
        doc = self.lookup(account, scope, name, current)
        if doc is None:
            return False
        self.conversations.clear(account, doc["conversation_id"])
        return True

    def message_list(
        self,
        account: Account,
        scope: str,
        name: str,
        current: str = "",
        limit: int = 50,
        before_id: str = "",
        after_id: str = "",
    ) -> Tuple[List[Dict[str, Any]], str, str, bool]:
        """Newest first, as `/v1/conversation/message/list` pages them: (items, first, last, has_more)."""
        doc = self.lookup(account, scope, name, current)
        if doc is None:
            return [], "0", "0", False
        limit = limit if 0 < limit <= 50 else 50
        return self.messages.list(
            account,
            doc["conversation_id"],
            before_id=before_id or None,
            after_id=after_id or None,
            limit=limit,
        )

    def history(self, account: Account, scope: str, name: str, current: str = "") -> List[Dict[str, str]]:
        """The questions and answers of the conversation's current section, oldest first."""
        doc = self.lookup(account, scope, name, current)
        if doc is None:
            return []
        conv = self.conversations.get(account, doc["conversation_id"])
        rows = [
            m
            for m in self.messages.of_conversation(account, conv["id"])
            if m["section_id"] == conv["last_section_id"] and m["type"] in LISTED_TYPES and not m["hidden"]
        ]
        rows.sort(key=lambda m: int(m["id"]))
        return [{"role": m["role"], "content": m["content"]} for m in rows]

    def add_message(
        self, account: Account, scope: str, name: str, role: str, content: str, current: str = ""
    ) -> Optional[Dict[str, Any]]:
        doc = self.lookup(account, scope, name, current)
        if doc is None:
            return None
        with self.store.transaction():
            conv = self.conversations.get(account, doc["conversation_id"], lock=True)
            kind = "question" if role == "user" else "answer"
            message = self.messages.add(account, conv, role=role, type=kind, content=content)
            self.conversations.touch_if_stale(account, conv)
        return message

    def _message(
        self, account: Account, scope: str, name: str, message_id: str, current: str
    ) -> Tuple[Optional[Dict[str, Any]], Optional[Dict[str, Any]]]:
        """(the named conversation, the message) ; the message is None when it is not in it."""
        doc = self.lookup(account, scope, name, current)
        message = self.store.get("message", message_id, owner=account.space)
        if doc is None or message is None or message["conversation_id"] != doc["conversation_id"]:
            return doc, None
        return doc, message

    def edit_message(
        self, account: Account, scope: str, name: str, message_id: str, content: str, current: str = ""
    ) -> bool:
        doc, message = self._message(account, scope, name, message_id, current)
        if doc is None or message is None:
            return False
        message["content"], message["updated_at"] = content, self.now()
        self.store.update("message", message, owner=account.space, parent=message["conversation_id"])
        return True

    def delete_message(
        self, account: Account, scope: str, name: str, message_id: str, current: str = ""
    ) -> bool:
        doc, message = self._message(account, scope, name, message_id, current)
        if doc is None or message is None:
            return False
        self.store.delete("message", message_id)
        return True
