"""Chat v3: start (stream or not), retrieve, list a chat's messages, cancel, submit tool outputs."""

import json
from typing import Any, Dict, List, Optional

from fastapi import Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict
from starlette.types import Receive, Scope, Send
from typing_extensions import Annotated

from ..core.base import Account
from ..core.offload import OFFLOAD
from ..core.sse import EVENT_STREAM, drain_joined, frame
from ..routing import IdStr, Router, TextId, blank, current_account, ok, state_of
from .backend import ChatStart, render_chat
from .engine import Prepared

router = Router(tags=["chat"])
STREAM_HEADERS = {"content-type": EVENT_STREAM, "cache-control": "no-cache"}


class EnterMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: str
    type: Optional[str] = None
    content: Optional[Any] = None
    content_type: Optional[str] = None
    meta_data: Optional[Dict[str, str]] = None


class ChatBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    bot_id: IdStr
    user_id: TextId
    additional_messages: Optional[List[EnterMessage]] = None
    stream: Optional[bool] = False
    auto_save_history: Optional[bool] = True
    custom_variables: Optional[Dict[str, str]] = None
    meta_data: Optional[Dict[str, str]] = None
    extra_params: Optional[Dict[str, str]] = None
    parameters: Optional[Dict[str, Any]] = None
    publish_status: Optional[str] = None
    bot_version: Optional[str] = None
    connector_id: Optional[IdStr] = None
    enable_card: Optional[bool] = None


class CancelBody(BaseModel):
    conversation_id: IdStr
    chat_id: IdStr


class ToolOutputIn(BaseModel):
    tool_call_id: str
    output: str


class SubmitBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    tool_outputs: List[ToolOutputIn]
    stream: Optional[bool] = False
    connector_id: Optional[str] = None


def enter_dict(m: EnterMessage) -> Dict[str, Any]:
    """An EnterMessage as a dict, with object content serialised to a JSON string (as JS clients send)."""
    out = m.model_dump()
    if out["content"] is not None and not isinstance(out["content"], str):
        out["content"] = json.dumps(out["content"], ensure_ascii=False)
    return out


def _stream(
    request: Request, first: List[bytes], account: Account, chat_id: str, prepared: Optional[Prepared] = None
) -> StreamingResponse:
    queue = state_of(request).engine.launch(account, chat_id, first, stream=True, prepared=prepared)
    assert queue is not None
    return StreamingResponse(drain_joined(queue), headers=STREAM_HEADERS)


@router.post("/v3/chat", summary="Start a chat (stream or not)")
async def create_chat(
    request: Request,
    body: ChatBody,
    conversation_id: Annotated[Optional[IdStr], Query()] = None,
    account: Account = Depends(current_account),
) -> Response:
    state = state_of(request)
    start = ChatStart(
        bot_id=body.bot_id,
        user_id=body.user_id,
        conversation_id=blank(conversation_id),
        additional_messages=[enter_dict(m) for m in body.additional_messages or []],
        stream=bool(body.stream),
        auto_save_history=body.auto_save_history is not False,
        custom_variables=body.custom_variables,
        meta_data=body.meta_data,
        publish_status=body.publish_status,
        bot_version=body.bot_version,
    )
    begun = await OFFLOAD.run(state.engine.start, account, start)
    if begun.prepared is None:  # the turn ran as the chat was recorded (`ChatEngine.settle`)
        if start.stream:
            return WholeStream(begun.frames)
        return ok(request, begun.in_progress)
    if start.stream:
        return _stream(request, begun.frames, account, begun.created["id"], begun.prepared)
    state.engine.launch(account, begun.created["id"], [], stream=False, prepared=begun.prepared)
    return ok(request, begun.in_progress)


class WholeStream(Response):
    """A chat stream whole when its start answers: sent as a stream is (chunked, no content-length), its
    frames in one chunk, without a streaming response's task watching for a disconnect."""

    def __init__(self, frames: List[bytes]) -> None:
        super().__init__(b"".join(frames))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(k.encode(), v.encode()) for k, v in STREAM_HEADERS.items()]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self.body, "more_body": True})
        await send({"type": "http.response.body", "body": b""})


@router.get("/v3/chat/retrieve", summary="Retrieve a chat", operation_id="retrieve_chat")
@router.post(
    "/v3/chat/retrieve", summary="Retrieve a chat (POST, as SDKs send it)", operation_id="retrieve_chat_post"
)
def retrieve_chat(
    request: Request,
    conversation_id: Annotated[IdStr, Query()],
    chat_id: Annotated[IdStr, Query()],
    account: Account = Depends(current_account),
) -> Response:
    return ok(request, render_chat(state_of(request).chats.get(account, conversation_id, chat_id)))


@router.get("/v3/chat/message/list", summary="Messages a chat produced")
def list_chat_messages(
    request: Request,
    conversation_id: Annotated[IdStr, Query()],
    chat_id: Annotated[IdStr, Query()],
    account: Account = Depends(current_account),
) -> Response:
    return ok(request, state_of(request).chats.chat_messages(account, conversation_id, chat_id))


@router.post("/v3/chat/cancel", summary="Cancel a running chat")
def cancel_chat(request: Request, body: CancelBody, account: Account = Depends(current_account)) -> Response:
    return ok(request, state_of(request).chats.cancel(account, body.conversation_id, body.chat_id))


@router.post("/v3/chat/submit_tool_outputs", summary="Resume a chat waiting on local tools")
async def submit_tool_outputs(
    request: Request,
    body: SubmitBody,
    conversation_id: Annotated[IdStr, Query()],
    chat_id: Annotated[IdStr, Query()],
    account: Account = Depends(current_account),
) -> Response:
    state = state_of(request)
    outputs = [o.model_dump() for o in body.tool_outputs]
    responses = await OFFLOAD.run(state.chats.submit_tool_outputs, account, conversation_id, chat_id, outputs)
    snap = await OFFLOAD.run(state.chats.snapshot, account, chat_id)
    assert snap is not None
    if body.stream:
        first = [frame("conversation.chat.in_progress", snap)]
        first += [frame("conversation.message.completed", m) for m in responses]
        return _stream(request, first, account, chat_id)
    state.engine.launch(account, chat_id, [], stream=False)
    return ok(request, snap)
