"""Messages of a conversation, and feedback on bot answers."""

import json
from typing import Any, Dict, List, Optional

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from typing_extensions import Annotated

from ..core.base import Account
from ..routing import IdStr, Router, current_account, ok, state_of
from .messages import render_message

router = Router(tags=["messages"])


class CreateBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: str
    content: Any
    content_type: str
    meta_data: Optional[Dict[str, str]] = None


class ListBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    order: Optional[str] = "desc"
    chat_id: Optional[IdStr] = None
    before_id: Optional[IdStr] = None
    after_id: Optional[IdStr] = None
    limit: Optional[int] = 50
    include_middle_message: Optional[bool] = False


class ModifyBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    content: Optional[Any] = None
    content_type: Optional[str] = None
    meta_data: Optional[Dict[str, str]] = None


class FeedbackBody(BaseModel):
    feedback_type: str
    reason_types: Optional[List[str]] = None
    comment: Optional[str] = None


def _text(content: Any) -> Optional[str]:
    return content if content is None or isinstance(content, str) else json.dumps(content, ensure_ascii=False)


@router.post("/v1/conversation/message/create", summary="Add a message to a conversation")
def create_message(
    request: Request,
    body: CreateBody,
    conversation_id: Annotated[IdStr, Query()],
    account: Account = Depends(current_account),
) -> Response:
    doc = state_of(request).messages.create(
        account,
        conversation_id,
        role=body.role,
        content=_text(body.content) or "",
        content_type=body.content_type,
        meta_data=body.meta_data,
    )
    return ok(request, render_message(doc))


@router.post("/v1/conversation/message/list", summary="List messages (id cursor paging)")
def list_messages(
    request: Request,
    conversation_id: Annotated[IdStr, Query()],
    body: Optional[ListBody] = None,
    account: Account = Depends(current_account),
) -> Response:
    body = body or ListBody()
    items, first_id, last_id, has_more = state_of(request).messages.list(
        account,
        conversation_id,
        order=body.order or "desc",
        chat_id=body.chat_id,
        before_id=body.before_id,
        after_id=body.after_id,
        limit=50 if body.limit is None else body.limit,
        include_middle_message=bool(body.include_middle_message),
    )
    return ok(request, items, first_id=first_id, last_id=last_id, has_more=has_more)


@router.get("/v1/conversation/message/retrieve", summary="Retrieve a message")
def retrieve_message(
    request: Request,
    conversation_id: Annotated[IdStr, Query()],
    message_id: Annotated[IdStr, Query()],
    account: Account = Depends(current_account),
) -> Response:
    return ok(request, render_message(state_of(request).messages.get(account, conversation_id, message_id)))


@router.post("/v1/conversation/message/modify", summary="Modify a message (answer under `message`)")
def modify_message(
    request: Request,
    body: ModifyBody,
    conversation_id: Annotated[IdStr, Query()],
    message_id: Annotated[IdStr, Query()],
    account: Account = Depends(current_account),
) -> Response:
    doc = state_of(request).messages.modify(
        account,
        conversation_id,
        message_id,
        content=_text(body.content),
        content_type=body.content_type,
        meta_data=body.meta_data,
    )
    return ok(request, message=render_message(doc))


@router.post("/v1/conversation/message/delete", summary="Delete a question or answer")
def delete_message(
    request: Request,
    conversation_id: Annotated[IdStr, Query()],
    message_id: Annotated[IdStr, Query()],
    account: Account = Depends(current_account),
) -> Response:
    return ok(
        request, render_message(state_of(request).messages.delete(account, conversation_id, message_id))
    )


@router.post(
    "/v1/conversations/{conversation_id}/messages/{message_id}/feedback", summary="Like or unlike an answer"
)
def create_feedback(
    request: Request,
    conversation_id: IdStr,
    message_id: IdStr,
    body: FeedbackBody,
    account: Account = Depends(current_account),
) -> Response:
    state_of(request).messages.set_feedback(account, conversation_id, message_id, body.model_dump())
    return ok(request)


@router.delete(
    "/v1/conversations/{conversation_id}/messages/{message_id}/feedback", summary="Remove feedback"
)
def delete_feedback(
    request: Request, conversation_id: IdStr, message_id: IdStr, account: Account = Depends(current_account)
) -> Response:
    state_of(request).messages.set_feedback(account, conversation_id, message_id, None)
    return ok(request)
