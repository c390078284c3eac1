"""Chats (v3): starting one, its state machine, local tool calls, and what the model gets to see."""

from __future__ import annotations

import dataclasses
from typing import Any, Dict, List, Optional, Set

from ..bots.backend import BotsBackend
from ..conversations.backend import ConversationsBackend
from ..conversations.messages import MessagesBackend, render_message
from ..core.base import Account, Backend, check_meta_data
from ..core.errors import CozeErrors, bad_request
from ..core.llm import ModelRequest, ToolCall, ToolSpec, render_prompt

RUNNING = ("created", "in_progress")
PUBLIC = ("id", "conversation_id", "bot_id", "created_at", "completed_at", "failed_at", "meta_data")
PUBLIC_TAIL = ("last_error", "status", "required_action", "usage", "section_id")
NO_ERROR = {"code": 0, "msg": ""}
NOT_YET = 0
"""`completed_at` until the chat ends: real streams carry the field on `created`/`in_progress` too."""
MAX_ADDITIONAL = 100


@dataclasses.dataclass
class ChatStart:
    """A parsed `POST /v3/chat`."""

    bot_id: str
    user_id: str
    conversation_id: Optional[str] = None
    additional_messages: List[Dict[str, Any]] = dataclasses.field(default_factory=list)
    stream: bool = False
    auto_save_history: bool = True
    custom_variables: Optional[Dict[str, str]] = None
    meta_data: Optional[Dict[str, str]] = None
    publish_status: Optional[str] = None
    bot_version: Optional[str] = None


@dataclasses.dataclass
class Started:
    """A chat just recorded (`ChatsBackend.begin`): its `created` and `in_progress` snapshots, and what
    was read or written to record it, for its model turn to start from without reading them again."""

    created: Dict[str, Any]
    in_progress: Dict[str, Any]
    chat: Dict[str, Any]
    bot: Dict[str, Any]
    conversation: Dict[str, Any]
    messages: Optional[List[Dict[str, Any]]] = None
    """Every message of the conversation, when the chat's start made it (the ones it inserted)."""


def render_chat(doc: Dict[str, Any]) -> Dict[str, Any]:
    out = {k: doc[k] for k in PUBLIC if doc.get(k) is not None}
    out.update({k: doc[k] for k in PUBLIC_TAIL})
    if out["required_action"] is None:
        del out["required_action"]
    return out


class ChatsBackend(Backend):
    def __init__(
        self, bots: BotsBackend, conversations: ConversationsBackend, messages: MessagesBackend
    ) -> None:
        super().__init__(bots.store, bots.ids)
        self.bots = bots
        self.conversations = conversations
        self.messages = messages
        self.canceled_here: Set[str] = set()
        """Chats canceled through this process while their model turn may run here (the engine forgets
        each when its turn ends)."""

    def _check_start(self, account: Account, req: ChatStart) -> None:
        if not req.stream and not req.auto_save_history:
            raise CozeErrors.STREAM_NEEDS_HISTORY()
        if req.publish_status == "unpublished_draft" and req.bot_version:
            raise bad_request("bot_version cannot be used with publish_status=unpublished_draft")
        check_meta_data(req.meta_data, CozeErrors.INVALID_META_DATA)
        if len(req.additional_messages) > MAX_ADDITIONAL:
            raise CozeErrors.TOO_MANY_ADDITIONAL_MESSAGES(limit=MAX_ADDITIONAL)
        for m in req.additional_messages:
            if m.get("role") not in ("user", "assistant"):
                raise bad_request("additional_messages role must be user or assistant")
            allowed = ["", "question", "answer"]
            if not req.auto_save_history:
                allowed += ["function_call", "tool_output", "tool_response"]
            if (m.get("type") or "") not in allowed:
                raise bad_request(f"additional_messages type {m.get('type')!r} is not allowed here")
            self.messages.check_content(account, m.get("content") or "", m.get("content_type") or "text")
            check_meta_data(m.get("meta_data"), CozeErrors.INVALID_META_DATA)

    def start(self, account: Account, req: ChatStart) -> List[Dict[str, Any]]:
        """Validate and record a new chat; returns its `created` and `in_progress` snapshots."""
        started = self.begin(account, req)
        return [started.created, started.in_progress]

    def begin(self, account: Account, req: ChatStart) -> Started:
        """Validate and record a new chat (`start`), keeping what it read and wrote."""
        self._check_start(account, req)
        bot = self.bots.for_chat(account, req.bot_id, req.publish_status)
        with self.store.transaction():
            made: Optional[List[Dict[str, Any]]] = None
            if req.conversation_id:  # locked: one running chat per conversation, and a clear is kept
                conv = self.conversations.get(account, req.conversation_id, lock=True)
                if self.conversations.running_chats(account, conv["id"]):
                    raise CozeErrors.CHAT_IN_PROGRESS()
            else:
                conv = self.conversations.create(account, bot_id=req.bot_id, bot_checked=True)
                made = []
            if not req.additional_messages and not self.messages.has_visible(account, conv["id"]):
                raise bad_request("additional_messages is required when the conversation has no messages")
            chat_id = self.ids.next()
            query_id, query, inserted = "", "", []
            for m in req.additional_messages:
                role = m["role"]
                saved = self.messages.add(
                    account,
                    conv,
                    role=role,
                    type=m.get("type") or ("question" if role == "user" else "answer"),
                    content=m.get("content") or "",
                    content_type=m.get("content_type") or "text",
                    meta_data=m.get("meta_data"),
                    bot_id=req.bot_id,
                    chat_id=chat_id,
                    hidden=not req.auto_save_history,
                )
                inserted.append(saved["id"])
                if made is not None:
                    made.append(saved)
                if role == "user":
                    query_id = saved["id"]
                    query = self.messages.flatten(account, saved["content"], saved["content_type"])
            if not query_id:
                last_user = self.messages.last_visible(account, conv["id"], role="user")
                if last_user is not None:
                    query_id = last_user["id"]
                    query = self.messages.flatten(account, last_user["content"], last_user["content_type"])
            cfg = bot["config"]
            suggest = (cfg.get("suggest_reply_info") or {}).get("reply_mode") in ("enable", "customized")
            chat = {
                "id": chat_id,
                "conversation_id": conv["id"],
                "bot_id": req.bot_id,
                "created_at": self.now(),
                "completed_at": NOT_YET,
                "failed_at": None,
                "meta_data": dict(req.meta_data or {}),
                "last_error": dict(NO_ERROR),
                "status": "created",
                "required_action": None,
                "usage": {"token_count": 0, "output_count": 0, "input_count": 0},
                "section_id": conv["last_section_id"],
                "user_id": req.user_id,
                "auto_save_history": req.auto_save_history,
                "query_id": query_id,
                "inserted_ids": inserted,
                "query": query,
                "bot": {
                    "name": cfg.get("name") or "",
                    "prompt": render_prompt(
                        (cfg.get("prompt_info") or {}).get("prompt") or "", req.custom_variables
                    ),
                    "suggest": suggest,
                    "tools": bot.get("local_tools") or [],
                    "knowledge": cfg.get("knowledge") or {},
                },
                "pending_calls": [],
                "tool_outputs": {},
            }
            created = render_chat(chat)  # stored once, as in_progress: no reader sees it before the commit
            chat["status"] = "in_progress"
            in_progress = render_chat(self._save(account, chat, new=True))
            self.conversations.touch_if_stale(account, conv)  # one made just now needs none
        return Started(created, in_progress, chat, bot, conv, made)

    def _save(self, account: Account, chat: Dict[str, Any], *, new: bool = False) -> Dict[str, Any]:
        write = self.store.insert if new else self.store.update
        return write("chat", chat, owner=account.space, parent=chat["conversation_id"])

    def raw(self, account: Account, chat_id: str) -> Optional[Dict[str, Any]]:
        return self.store.get("chat", chat_id, owner=account.space)

    def get(self, account: Account, conversation_id: str, chat_id: str) -> Dict[str, Any]:
        self.conversations.get(account, conversation_id)
        chat = self.raw(account, chat_id)
        if chat is None or chat["conversation_id"] != conversation_id:
            raise CozeErrors.CHAT_NOT_FOUND(chat_id=chat_id)
        return chat

    def model_request(
        self, account: Account, chat: Dict[str, Any], messages: Optional[List[Dict[str, Any]]] = None
    ) -> ModelRequest:
        """What the model sees: the bot prompt, the current section's questions and answers, the query.
        `messages`: all of the conversation's, when the caller has them (not read)."""
        history = []
        if messages is None:
            messages = self.messages.of_conversation(
                account, chat["conversation_id"], section_id=chat["section_id"], type=["question", "answer"]
            )
        for m in messages:
            own = m["chat_id"] == chat["id"]
            if m["id"] == chat["query_id"] or m["section_id"] != chat["section_id"]:
                continue
            if m["type"] not in ("question", "answer") or (m["hidden"] and not own):
                continue
            if own or int(m["id"]) < int(chat["id"]):
                content = self.messages.flatten(account, m["content"], m["content_type"])
                history.append({"role": m["role"], "content": content})
        bot = chat["bot"]
        return ModelRequest(
            bot_name=bot["name"],
            system_prompt=bot["prompt"],
            history=history,
            query=chat["query"],
            tools=[ToolSpec(**t) for t in bot["tools"]],
            tool_calls=[ToolCall(**c) for c in chat["pending_calls"]],
            tool_outputs=dict(chat["tool_outputs"]),
        )

    def record_input(self, account: Account, chat_id: str, request: ModelRequest) -> None:
        with self.store.transaction():  # never over a cancel written meanwhile
            chat = self.store.get("chat", chat_id, owner=account.space, lock=True)
            if chat is not None:
                chat.setdefault("model_inputs", []).append(request.to_json())
                self._save(account, chat)

    def add_reply(
        self,
        account: Account,
        chat: Dict[str, Any],
        type: str,
        content: str,
        *,
        id: Optional[str] = None,
        reasoning: str = "",
        held: bool = False,
    ) -> Dict[str, Any]:
        """A bot message of the chat. `held`: the caller holds the chat, read locked in the transaction
        this runs in (so its conversation exists: a delete takes both); else the conversation is read."""
        if not held:
            self.conversations.get(account, chat["conversation_id"])
        doc = self.messages.add(
            account,
            {"id": chat["conversation_id"], "last_section_id": chat["section_id"]},
            role="assistant",
            type=type,
            content=content,
            bot_id=chat["bot_id"],
            chat_id=chat["id"],
            reasoning_content=reasoning,
            hidden=not chat["auto_save_history"],
            id=id,
        )
        return render_message(doc)

    def _finish(
        self,
        account: Account,
        chat_id: str,
        model_input: Optional[ModelRequest] = None,
        held: Optional[Dict[str, Any]] = None,
        **changes: Any,
    ) -> Optional[Dict[str, Any]]:
        """Apply a terminal (or waiting) state, with the turn's `model_input` when given (as `record_input`,
        in the same write), unless the chat was canceled meanwhile (read and written in one transaction: a
        cancel from another thread or worker either comes first and wins, or after). `held`: the chat as
        the caller read it locked in the transaction this runs in (not read again)."""
        with self.store.transaction():
            chat = (
                held if held is not None else self.store.get("chat", chat_id, owner=account.space, lock=True)
            )
            if chat is None:
                return None
            if model_input is not None:
                chat.setdefault("model_inputs", []).append(model_input.to_json())
            if chat["status"] == "canceled":
                if model_input is not None:  # the input is kept, as `record_input` keeps it
                    self._save(account, chat)
                return None
            usage = changes.pop("add_usage", None)
            if usage:  # a new dict: snapshots rendered before share the old one
                output = chat["usage"]["output_count"] + usage["output_count"]
                input = chat["usage"]["input_count"] + usage["input_count"]
                chat["usage"] = {"token_count": input + output, "output_count": output, "input_count": input}
            chat.update(changes)
            return render_chat(self._save(account, chat))

    def complete(
        self,
        account: Account,
        chat_id: str,
        usage: Dict[str, int],
        model_input: Optional[ModelRequest] = None,
        held: Optional[Dict[str, Any]] = None,
    ) -> Optional[Dict[str, Any]]:
        now = self.now()
        return self._finish(
            account, chat_id, model_input, held, status="completed", completed_at=now, add_usage=usage
        )

    def fail(
        self, account: Account, chat_id: str, code: int, msg: str, model_input: Optional[ModelRequest] = None
    ) -> Optional[Dict[str, Any]]:
        now = self.now()
        return self._finish(
            account,
            chat_id,
            model_input,
            status="failed",
            completed_at=now,
            failed_at=now,
            last_error={"code": code, "msg": msg},
        )

    def require_action(
        self,
        account: Account,
        chat_id: str,
        calls: List[ToolCall],
        usage: Dict[str, int],
        kind: str = "function",
        model_input: Optional[ModelRequest] = None,
    ) -> Optional[Dict[str, Any]]:
        """Stop on tool calls: `function` (local plugins) or `reply_message` (a workflow question)."""
        tool_calls = [
            {"id": c.id, "type": kind, "function": {"name": c.name, "arguments": c.arguments}} for c in calls
        ]
        return self._finish(
            account,
            chat_id,
            model_input,
            status="requires_action",
            required_action={
                "type": "submit_tool_outputs",
                "submit_tool_outputs": {"tool_calls": tool_calls},
            },
            pending_calls=[dataclasses.asdict(c) for c in calls],
            add_usage=usage,
        )

    def is_canceled(self, account: Account, chat_id: str, *, lock: bool = False) -> bool:
        chat = self.store.get("chat", chat_id, owner=account.space, lock=lock)
        return chat is None or chat["status"] == "canceled"

    def cancel(self, account: Account, conversation_id: str, chat_id: str) -> Dict[str, Any]:
        self.get(account, conversation_id, chat_id)  # 4200-family errors for a wrong pair
        with self.store.transaction():
            chat = self.store.get("chat", chat_id, owner=account.space, lock=True)
            if chat is None:  # its conversation was deleted meanwhile
                raise CozeErrors.CHAT_NOT_FOUND(chat_id=chat_id)
            if chat["status"] not in RUNNING:
                raise CozeErrors.CHAT_NOT_CANCELABLE(status=chat["status"])
            chat["status"] = "canceled"
            snap = render_chat(self._save(account, chat))
        self.canceled_here.add(chat_id)  # a run in this process stops before its next delta
        return snap

    def submit_tool_outputs(
        self, account: Account, conversation_id: str, chat_id: str, outputs: List[Dict[str, str]]
    ) -> List[Dict[str, Any]]:
        """Accept the client's tool results; returns the tool_response messages and resumes the chat."""
        self.get(account, conversation_id, chat_id)  # 4200-family errors for a wrong pair
        with self.store.transaction():  # read, check and write as one: a cancel is either before or after
            chat = self.store.get("chat", chat_id, owner=account.space, lock=True)
            if chat is None:
                raise CozeErrors.CHAT_NOT_FOUND(chat_id=chat_id)
            return self._submit(account, chat, outputs)

    def _submit(
        self, account: Account, chat: Dict[str, Any], outputs: List[Dict[str, str]]
    ) -> List[Dict[str, Any]]:
        chat_id = chat["id"]
        if not chat["auto_save_history"]:
            raise CozeErrors.INTERNAL_ERROR(
                "submit_tool_outputs needs a chat started with auto_save_history=true"
            )
        if chat["status"] != "requires_action":
            raise bad_request(f"chat {chat_id} is {chat['status']}, not waiting for tool outputs")
        pending = {c["id"] for c in chat["pending_calls"]}
        given = {o["tool_call_id"]: o["output"] for o in outputs}
        unknown = set(given) - pending
        if unknown:
            raise bad_request(f"unknown tool_call_id {sorted(unknown)[0]}")
        if pending - set(given):
            raise bad_request(f"missing output for tool_call_id {sorted(pending - set(given))[0]}")
        chat["tool_outputs"] = given
        chat["status"] = "in_progress"
        chat["required_action"] = None
        self._save(account, chat)
        return [self.add_reply(account, chat, "tool_response", given[c["id"]]) for c in chat["pending_calls"]]

    def chat_messages(self, account: Account, conversation_id: str, chat_id: str) -> List[Dict[str, Any]]:
        """Everything the chat produced (answers, tool calls, verbose, follow-ups), not the query."""
        chat = self.get(account, conversation_id, chat_id)
        inserted = set(chat["inserted_ids"])
        return [
            render_message(m)
            for m in self.messages.of_conversation(
                account, conversation_id, chat_id=chat["id"], role="assistant"
            )
            if m["id"] not in inserted
        ]

    def snapshot(self, account: Account, chat_id: str) -> Optional[Dict[str, Any]]:
        chat = self.raw(account, chat_id)
        return None if chat is None else render_chat(chat)
