"""`coze.workflows.chat`: chatflows (`/v1/workflows/chat`), which stream chat events."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence, Tuple, Union

from typing_extensions import Unpack

from ..._models import ResponseInfo
from ..._paths import require
from ..._request import CallOptions, RequestOptions, post
from ..._resource import AsyncAPIResource, SyncAPIResource
from ..._stream_call import AsyncStreamCall
from ..._streaming import ServerSentEvent, Stream, TypedDecoder
from ...types.chat_event import ChatEventType, ChatStreamEvent, parse_chat_event
from ...types.message import Message, messages_to_wire
from .._body import arguments
from .._validate import check_messages
from ..chat import CHAT_ENDS, decode_chat_event
from ._build import Parameters, parameters_to_wire

__all__ = ["AsyncWorkflowsChat", "WorkflowsChat", "decode_chatflow_event"]

MessageInput = Union[Message, Mapping[str, Any]]


def _decode_chatflow_event(
    sse: ServerSentEvent, info: ResponseInfo
) -> Tuple[Optional[ChatStreamEvent], bool]:
    if sse.event.strip() == ChatEventType.DONE.value:
        event = parse_chat_event(sse.event, sse.data)
        event._attach(info)
        return event, True
    return decode_chat_event(sse, info)


decode_chatflow_event = TypedDecoder(_decode_chatflow_event, decode_chat_event.typed)
"""As `decode_chat_event` (an `error` event raises its typed error), except that `done` is yielded,
last, because a chatflow's `done` carries `debug_url`."""


def _chatflow(
    *,
    workflow_id: str,
    additional_messages: Optional[Sequence[MessageInput]],
    parameters: Optional[Parameters],
    app_id: Optional[str],
    bot_id: Optional[str],
    conversation_id: Optional[str],
    ext: Optional[Mapping[str, str]],
    workflow_version: Optional[str],
    connector_id: Optional[str],
    options: CallOptions,
) -> RequestOptions:
    require(workflow_id=workflow_id)
    if app_id and bot_id:
        raise ValueError("pass app_id or bot_id, not both (Coze answers 4000)")
    if conversation_id is not None:
        require(conversation_id=conversation_id)
    check_messages(additional_messages, limit=50)
    body = {
        "workflow_id": workflow_id,
        "additional_messages": messages_to_wire(additional_messages),
        "parameters": parameters_to_wire(parameters),
        "app_id": app_id,
        "bot_id": bot_id,
        "conversation_id": conversation_id,
        "ext": dict(ext) if ext is not None else None,
        "workflow_version": workflow_version,
        "connector_id": connector_id,
    }
    return post("/v1/workflows/chat", body, stream=True).with_call_options(options)


class WorkflowsChat(SyncAPIResource):
    def stream(
        self,
        *,
        workflow_id: str,
        additional_messages: Optional[Sequence[MessageInput]] = None,
        parameters: Optional[Parameters] = None,
        app_id: Optional[str] = None,
        bot_id: Optional[str] = None,
        conversation_id: Optional[str] = None,
        ext: Optional[Mapping[str, str]] = None,
        workflow_version: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> Stream[ChatStreamEvent]:
        """Run a chatflow with this turn's user input as the last of `additional_messages` (at most 50).

        Events are chat events; an `error` event raises its typed error (as `coze.chat.stream`), and the
        final `done` event is yielded with the run's `debug_url`. A question node shows up as a verbose
        `interrupt` message and/or `conversation.chat.requires_action`: answer by calling again.
        """
        opts = _chatflow(**arguments(locals()))
        return self._client.stream(opts, decode_chatflow_event, ends_after=CHAT_ENDS)


class AsyncWorkflowsChat(AsyncAPIResource):
    def stream(
        self,
        *,
        workflow_id: str,
        additional_messages: Optional[Sequence[MessageInput]] = None,
        parameters: Optional[Parameters] = None,
        app_id: Optional[str] = None,
        bot_id: Optional[str] = None,
        conversation_id: Optional[str] = None,
        ext: Optional[Mapping[str, str]] = None,
        workflow_version: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> AsyncStreamCall[ChatStreamEvent]:
        """`await` it for the open `AsyncStream`, or `async for` over it."""
        opts = _chatflow(**arguments(locals()))
        return AsyncStreamCall(self._client, opts, decode_chatflow_event, ends_after=CHAT_ENDS)
