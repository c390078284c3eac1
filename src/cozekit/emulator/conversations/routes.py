"""Conversations and sections: create, retrieve, list, rename, delete, clear context."""

from typing import Dict, List, Optional

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from typing_extensions import Annotated

from ..chat.routes import EnterMessage, enter_dict
from ..core.base import Account
from ..routing import IdStr, Router, current_account, ok, state_of
from .backend import render_conversation

router = Router(tags=["conversations"])


class CreateBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    bot_id: Optional[IdStr] = None
    name: Optional[str] = None
    messages: Optional[List[EnterMessage]] = None
    meta_data: Optional[Dict[str, str]] = None
    connector_id: Optional[IdStr] = None


class RenameBody(BaseModel):
    name: str


@router.post("/v1/conversation/create", summary="Create a conversation")
def create_conversation(
    request: Request, body: CreateBody, account: Account = Depends(current_account)
) -> Response:
    state = state_of(request)
    messages = [enter_dict(m) for m in body.messages or []]
    for m in messages:
        state.messages.check_content(account, m["content"], m["content_type"] or "text")
    name = body.name
    if name is None and messages and (messages[0]["content_type"] or "text") == "text":
        name = str(messages[0]["content"] or "")[:100]
    with state.store.transaction():
        conv = state.conversations.create(
            account, bot_id=body.bot_id, name=name, meta_data=body.meta_data, connector_id=body.connector_id
        )
        for m in messages:
            state.messages.create(
                account,
                conv["id"],
                role=m["role"],
                content=m["content"] or "",
                content_type=m["content_type"] or "text",
                meta_data=m["meta_data"],
            )
    return ok(request, render_conversation(state.conversations.get(account, conv["id"])))


@router.get("/v1/conversation/retrieve", summary="Retrieve a conversation")
def retrieve_conversation(
    request: Request, conversation_id: Annotated[IdStr, Query()], account: Account = Depends(current_account)
) -> Response:
    return ok(request, render_conversation(state_of(request).conversations.get(account, conversation_id)))


@router.get("/v1/conversations", summary="List a bot's conversations")
def list_conversations(
    request: Request,
    bot_id: Annotated[IdStr, Query()],
    page_num: int = Query(1),
    page_size: int = Query(50),
    sort_order: str = Query("DESC"),
    connector_id: Annotated[IdStr, Query()] = "1024",
    account: Account = Depends(current_account),
) -> Response:
    page = state_of(request).conversations.list(
        account,
        bot_id=bot_id,
        page_num=page_num,
        page_size=page_size,
        sort_order=sort_order,
        connector_id=connector_id,
    )
    return ok(request, page)


@router.put("/v1/conversations/{conversation_id}", summary="Rename a conversation")
def rename_conversation(
    request: Request, conversation_id: IdStr, body: RenameBody, account: Account = Depends(current_account)
) -> Response:
    conv = state_of(request).conversations.rename(account, conversation_id, body.name)
    return ok(request, render_conversation(conv))


@router.delete("/v1/conversations/{conversation_id}", summary="Delete a conversation")
def delete_conversation(
    request: Request, conversation_id: IdStr, account: Account = Depends(current_account)
) -> Response:
    state_of(request).conversations.delete(account, conversation_id)
    return ok(request)


@router.post("/v1/conversations/{conversation_id}/clear", summary="Clear context (start a new section)")
def clear_conversation(
    request: Request, conversation_id: IdStr, account: Account = Depends(current_account)
) -> Response:
    return ok(request, state_of(request).conversations.clear(account, conversation_id))
