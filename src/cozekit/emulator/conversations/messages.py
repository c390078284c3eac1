"""Messages of a conversation: create, list by id cursor, retrieve, modify, delete, feedback."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

from ..core.base import Account, Backend, check_meta_data
from ..core.errors import CozeErrors, EmulatorError, bad_request
from .backend import ConversationsBackend

LISTED_TYPES = ("question", "answer")
MIDDLE_TYPES = ("function_call", "tool_response", "tool_output", "knowledge", "follow_up", "verbose")
INTERNAL_KEYS = ("hidden", "feedback")
OBJECT_TYPES = ("text", "file", "image", "audio")


def render_message(doc: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in INTERNAL_KEYS}


def invalid_message(msg: str) -> EmulatorError:
    return CozeErrors.INVALID_MESSAGE(detail=msg)


class MessagesBackend(Backend):
    def __init__(self, conversations: ConversationsBackend) -> None:
        super().__init__(conversations.store, conversations.ids)
        self.conversations = conversations

    # -- shared with chats --------------------------------------------------------------------
    def check_content(self, account: Account, content: Optional[str], content_type: Optional[str]) -> None:
        """Validate input content: `text`, or an `object_string` array whose file ids are the caller's."""
        if content_type not in ("text", "object_string"):
            raise bad_request(f"content_type must be text or object_string, not {content_type!r}")
        if content_type == "text":
            return
        try:
            items = json.loads(content or "")
        except ValueError:
            raise bad_request("object_string content must be a JSON array") from None
        if not isinstance(items, list) or not items:
            raise bad_request("object_string content must be a non-empty JSON array")
        texts = 0
        for item in items:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in OBJECT_TYPES:
                raise bad_request(f"object_string item type must be one of {', '.join(OBJECT_TYPES)}")
            if kind == "text":
                texts += 1
                continue
            file_id, file_url = item.get("file_id"), item.get("file_url")
            if not file_id and not file_url:
                raise bad_request(f"object_string {kind} item needs file_id or file_url")
            if file_id and self.store.get("file", str(file_id), owner=account.user_id) is None:
                raise CozeErrors.FILE_NOT_FOUND(file_id=file_id)
        if texts > 1:
            raise bad_request("object_string content allows at most one text item")
        if texts == len(items):
            raise bad_request("pure text must use content_type text")

    def flatten(self, account: Account, content: str, content_type: str) -> str:
        """Content as the model sees it: object_string items become text with file placeholders."""
        if content_type != "object_string":
            return content
        parts = []
        for item in json.loads(content):
            if item["type"] == "text":
                parts.append(str(item.get("text") or ""))
                continue
            name = item.get("file_url") or ""
            if item.get("file_id"):
                f = self.store.get("file", str(item["file_id"]), owner=account.user_id)
                name = str((f or {}).get("file_name") or item["file_id"])
            parts.append(f"[{item['type']}: {name}]")
        return " ".join(p for p in parts if p)

    def add(
        self,
        account: Account,
        conversation: Dict[str, Any],
        *,
        role: str,
        type: str,
        content: str,
        content_type: str = "text",
        meta_data: Optional[Dict[str, str]] = None,
        bot_id: str = "",
        chat_id: str = "",
        reasoning_content: str = "",
        hidden: bool = False,
        id: Optional[str] = None,
    ) -> Dict[str, Any]:
        now = self.now()
        doc = {
            "id": id or self.ids.next(),
            "conversation_id": conversation["id"],
            "section_id": conversation["last_section_id"],
            "bot_id": bot_id,
            "chat_id": chat_id,
            "role": role,
            "type": type,
            "content": content,
            "content_type": content_type,
            "meta_data": dict(meta_data or {}),
            "reasoning_content": reasoning_content,
            "created_at": now,
            "updated_at": now,
            "hidden": hidden,
        }
        return self.store.insert("message", doc, owner=account.space, parent=conversation["id"])

    def of_conversation(self, account: Account, conversation_id: str, **where: Any) -> List[Dict[str, Any]]:
        """The conversation's messages matching `where` (field: value, or field: [values]), oldest first."""
        return self.store.find("message", owner=account.space, parent=conversation_id, where=where)

    def has_visible(self, account: Account, conversation_id: str) -> bool:
        return self.last_visible(account, conversation_id) is not None

    def last_visible(self, account: Account, conversation_id: str, **where: Any) -> Optional[Dict[str, Any]]:
        """The newest message not hidden (and matching `where`), or None."""
        page = self.store.page(
            "message",
            owner=account.space,
            parent=conversation_id,
            where={"hidden": False, **where},
            desc=True,
            limit=1,
        )
        return page.items[0] if page.items else None

    # -- the message API ----------------------------------------------------------------------
    def create(
        self,
        account: Account,
        conversation_id: str,
        *,
        role: str,
        content: str,
        content_type: str,
        meta_data: Optional[Dict[str, str]],
    ) -> Dict[str, Any]:
        with self.store.transaction():  # one commit; the conversation written back as it is now
            conversation = self.conversations.get(account, conversation_id, lock=True)
            if role not in ("user", "assistant"):
                raise bad_request("role must be user or assistant")
            if not content:
                raise bad_request("content is required")
            self.check_content(account, content, content_type)
            doc = self.add(
                account,
                conversation,
                role=role,
                type="question" if role == "user" else "answer",
                content=content,
                content_type=content_type,
                meta_data=check_meta_data(meta_data),
            )
            self.conversations.touch_if_stale(account, conversation)
        return doc

    def list(
        self,
        account: Account,
        conversation_id: str,
        *,
        order: str = "desc",
        chat_id: Optional[str] = None,
        before_id: Optional[str] = None,
        after_id: Optional[str] = None,
        limit: int = 50,
        include_middle_message: bool = False,
    ) -> Tuple[List[Dict[str, Any]], str, str, bool]:
        """A page of messages. `after_id` continues in list order (pass `last_id`), `before_id` goes
        back (pass `first_id`). Returns (items, first_id, last_id, has_more)."""
        self.conversations.get(account, conversation_id)
        if order not in ("asc", "desc"):
            raise bad_request("order must be asc or desc")
        if not 1 <= limit <= 50:
            raise bad_request("limit must be between 1 and 50")
        types = LISTED_TYPES + (MIDDLE_TYPES if include_middle_message else ())
        where: Dict[str, Any] = {"hidden": False, "type": list(types)}
        if chat_id:
            where["chat_id"] = chat_id
        after = _cursor(after_id)
        page = self.store.page(
            "message",
            owner=account.space,
            parent=conversation_id,
            where=where,
            desc=order == "desc",
            after=after,
            before=_cursor(before_id) if after is None else None,
            limit=limit,
        )
        has_more = page.has_more
        items = [render_message(m) for m in page.items]
        first = items[0]["id"] if items else ""
        last = items[-1]["id"] if items else ""
        return items, first, last, has_more

    def get(self, account: Account, conversation_id: str, message_id: str) -> Dict[str, Any]:
        self.conversations.get(account, conversation_id)
        doc = self.store.get("message", message_id, owner=account.space)
        if doc is None or doc["conversation_id"] != conversation_id:
            raise invalid_message(f"message_id {message_id} not found")
        return doc

    def modify(
        self,
        account: Account,
        conversation_id: str,
        message_id: str,
        *,
        content: Optional[str],
        content_type: Optional[str],
        meta_data: Optional[Dict[str, str]],
    ) -> Dict[str, Any]:
        doc = self.get(account, conversation_id, message_id)
        if not content and not meta_data:
            raise bad_request("content and meta_data cannot both be empty")
        if content:
            if not content_type:
                raise bad_request("content_type is required with content")
            self.check_content(account, content, content_type)
            doc["content"], doc["content_type"] = content, content_type
        if meta_data:
            doc["meta_data"] = check_meta_data(meta_data)
        doc["updated_at"] = self.now()
        return self.store.update("message", doc, owner=account.space, parent=conversation_id)

    def delete(self, account: Account, conversation_id: str, message_id: str) -> Dict[str, Any]:
        """Delete a question or answer; an answer takes its chat's intermediate messages with it."""
        doc = self.get(account, conversation_id, message_id)
        if doc["type"] not in LISTED_TYPES:
            raise invalid_message("only question and answer messages can be deleted")
        with self.store.transaction():
            self.store.delete("message", message_id)
            if doc["type"] == "answer" and doc["chat_id"]:
                self.store.delete_where(
                    "message",
                    owner=account.space,
                    parent=conversation_id,
                    where={"chat_id": doc["chat_id"], "type": list(MIDDLE_TYPES)},
                )
        return doc

    def set_feedback(
        self,
        account: Account,
        conversation_id: str,
        message_id: str,
        feedback: Optional[Dict[str, Any]],
    ) -> None:
        """Record (or with None, remove) a like/unlike on a bot answer."""
        doc = self.get(account, conversation_id, message_id)
        if feedback is not None:
            if doc["role"] != "assistant" or doc["type"] != "answer":
                raise invalid_message("feedback is only accepted on bot answer messages")
            if feedback.get("feedback_type") not in ("like", "unlike"):
                raise bad_request("feedback_type must be like or unlike")
            reasons = feedback.get("reason_types") or []
            if len(reasons) > 10 or any(len(r) > 30 for r in reasons):
                raise bad_request("reason_types allows at most 10 items of at most 30 characters")
            if len(feedback.get("comment") or "") > 250:
                raise bad_request("comment must be at most 250 characters")
        doc["feedback"] = feedback
        self.store.update("message", doc, owner=account.space, parent=conversation_id)


def _cursor(message_id: Optional[str]) -> Optional[str]:
    """A list cursor: a message id; empty and "0" mean none."""
    return message_id if message_id and message_id != "0" else None
