"""Conversation and message management nodes (types 37-39, 51-53, 55-57).

They work on the named conversations of the run's app and user (`Host.conversation`): `Default`, and the
ones create-conversation nodes add. The outputs are the ones Coze Studio's nodes give.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from .convert import as_text
from .engine import NodeError, Result, Run, Scope, inputs_of, typed_outputs
from .model import (
    CLEAR_HISTORY,
    CONVERSATION_LIST,
    CREATE_CONVERSATION,
    CREATE_MESSAGE,
    DELETE_CONVERSATION,
    DELETE_MESSAGE,
    EDIT_MESSAGE,
    MESSAGE_LIST,
    UPDATE_CONVERSATION,
    Node,
)


def _text(values: Dict[str, Any], name: str, required: bool = True) -> str:
    value = values.get(name)
    if value is None or (required and value == ""):
        if required:
            raise NodeError(f"{name} is required")
        return ""
    return as_text(value)


def _name(values: Dict[str, Any]) -> str:
    return _text(values, "conversationName")


async def create_conversation(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    conv_id, existed = await run.host.conversation("create", name=_name(values))
    out = {"isSuccess": True, "conversationId": conv_id, "isExisted": existed}
    return Result(typed_outputs(node, out))


async def update_conversation(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    new = _text(values, "newConversationName")
    out = await run.host.conversation("rename", name=_name(values), new_name=new)
    return Result(typed_outputs(node, out))


async def delete_conversation(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    await run.host.conversation("delete", name=_name(values))
    return Result(typed_outputs(node, {"isSuccess": True}))


async def conversation_list(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    found = await run.host.conversation("list")
    items = [{"conversationName": c["name"], "conversationId": c["conversation_id"]} for c in found]
    return Result(typed_outputs(node, {"conversationList": items}))


async def clear_history(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    done = await run.host.conversation("clear", name=_name(values))
    return Result(typed_outputs(node, {"isSuccess": bool(done)}))


async def message_list(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    before, after = _text(values, "beforeId", False), _text(values, "afterId", False)
    if before and after:
        raise NodeError("beforeId and afterId cannot both be set")
    limit = values.get("limit")
    items, first, last, more = await run.host.conversation(
        "messages",
        name=_name(values),
        limit=int(limit) if isinstance(limit, (int, float)) else 50,
        before_id=before,
        after_id=after,
    )
    listed = [
        {
            "messageId": str(i["id"]),
            "role": i["role"],
            "contentType": i.get("content_type", "text"),
            "content": i["content"],
        }
        for i in items
    ]
    out = {"messageList": listed, "firstId": first or "0", "lastId": last or "0", "hasMore": more}
    return Result(typed_outputs(node, out))


async def create_message(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    name, role, content = _name(values), _text(values, "role"), _text(values, "content")
    if role not in ("user", "assistant"):
        raise NodeError("role must be user or assistant")
    doc = await run.host.conversation("add_message", name=name, role=role, content=content)
    message = {
        "messageId": str(doc["id"]) if doc else "0",
        "role": role,
        "contentType": "text",
        "content": content,
    }
    return Result(typed_outputs(node, {"isSuccess": doc is not None, "message": message}))


async def edit_message(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    done = await run.host.conversation(
        "edit_message",
        name=_name(values),
        message_id=_text(values, "messageId"),
        content=_text(values, "newContent", False),
    )
    return Result(typed_outputs(node, {"isSuccess": bool(done)}))


async def delete_message(run: Run, node: Node, scope: Scope, answer: Optional[str]) -> Result:
    values = inputs_of(run, scope, node)
    done = await run.host.conversation(
        "delete_message", name=_name(values), message_id=_text(values, "messageId")
    )
    return Result(typed_outputs(node, {"isSuccess": bool(done)}))


EXECUTORS = {
    MESSAGE_LIST: message_list,
    CLEAR_HISTORY: clear_history,
    CREATE_CONVERSATION: create_conversation,
    UPDATE_CONVERSATION: update_conversation,
    DELETE_CONVERSATION: delete_conversation,
    CONVERSATION_LIST: conversation_list,
    CREATE_MESSAGE: create_message,
    EDIT_MESSAGE: edit_message,
    DELETE_MESSAGE: delete_message,
}
"""The node types of this module and how they run."""
