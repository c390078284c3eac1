"""`coze.chat`: chat v3 (create, stream, retrieve, cancel, submit_tool_outputs) and `chat.messages`."""

from __future__ import annotations

import time
from functools import cached_property
from typing import Any, AsyncIterator, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from typing_extensions import Literal, Unpack, overload

from .._exceptions import ChatFailedError, ChatStreamError, CozeAPIError, error_class
from .._flow import Call, Flow, Sleep
from .._models import ListResponse, ResponseInfo
from .._parsing import model, models
from .._paths import require
from .._request import CallOptions, RequestOptions, get, post
from .._resource import AsyncAPIResource, SyncAPIResource
from .._stream_call import AsyncStreamCall
from .._streaming import AsyncStream, ServerSentEvent, Stream, TypedDecoder
from ..types.chat import Chat, ChatPoll, ChatStatus, ToolOutput
from ..types.chat_event import (
    ChatEvent,
    ChatEventType,
    ChatStreamEvent,
    chat_event_builders,
    parse_chat_event,
)
from ..types.message import Message, messages_to_wire
from ._body import arguments
from ._validate import check_messages, check_meta_data

__all__ = ["AsyncChatMessages", "AsyncChatResource", "ChatMessages", "ChatResource", "decode_chat_event"]

MessageInput = Union[Message, Mapping[str, Any]]
ToolOutputInput = Union[ToolOutput, Mapping[str, Any]]


def _decode_chat_event(sse: ServerSentEvent, info: ResponseInfo) -> Tuple[Optional[ChatStreamEvent], bool]:
    event = parse_chat_event(sse.event, sse.data, info)
    name = event.event
    if name is _DONE:
        return None, True
    if name is _ERROR:
        raise chat_stream_error(event, sse.data, info)
    return event, False


decode_chat_event = TypedDecoder(_decode_chat_event, chat_event_builders())
"""Chat stream events: `done` ends the stream, `error` raises its typed error, others are yielded (chat
and message events built straight from their data bytes by a stream)."""


def chat_stream_error(event: ChatEvent, data: str, info: ResponseInfo) -> CozeAPIError:
    """The error an `error` event raises: the class its code maps to (`NotFoundError` for 4200...), else
    `ChatStreamError`; an event with neither code nor message (`data:{}`) says so."""
    code = event.code or 0
    msg = event.msg or ""
    if not code and not msg:
        msg = "the server sent an error event without code or message"
    cls = error_class(None, code)
    if cls is CozeAPIError:
        cls = ChatStreamError
    return cls(code, msg, info.logid, status_code=200, body=data)


CHAT_ENDS = frozenset(
    {
        ChatEventType.DONE.value,
        ChatEventType.CONVERSATION_CHAT_COMPLETED.value,
        ChatEventType.CONVERSATION_CHAT_FAILED.value,
        ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION.value,
    }
)
"""Events after which a chat stream may end without `done`: the chat ended (a `failed` chat is yielded
and the stream ends quietly, as in cozepy). An end anywhere else raises `IncompleteStreamError`."""

_DONE = ChatEventType.DONE
_ERROR = ChatEventType.ERROR


def _chat(
    *,
    bot_id: str,
    user_id: str,
    stream: bool,
    conversation_id: Optional[str],
    additional_messages: Optional[Sequence[MessageInput]],
    custom_variables: Optional[Mapping[str, str]],
    auto_save_history: bool,
    meta_data: Optional[Mapping[str, str]],
    parameters: Optional[Mapping[str, Any]],
    options: CallOptions,
    enable_card: Optional[bool] = None,
    publish_status: Optional[str] = None,
    bot_version: Optional[str] = None,
    extra_params: Optional[Mapping[str, str]] = None,
    shortcut_command: Optional[Mapping[str, Any]] = None,
) -> RequestOptions:
    require(bot_id=bot_id, user_id=user_id)
    if conversation_id is not None:
        require(conversation_id=conversation_id)
    if not stream and not auto_save_history:
        raise ValueError("a non-streamed chat needs auto_save_history=True (Coze answers 4007 otherwise)")
    check_messages(additional_messages)
    check_meta_data(meta_data)
    body: Dict[str, Any] = {
        "bot_id": bot_id,
        "user_id": user_id,
        "stream": stream,
        "auto_save_history": auto_save_history,
        "additional_messages": messages_to_wire(additional_messages),
        "custom_variables": custom_variables,
        "meta_data": meta_data,
        "parameters": parameters,
        "enable_card": enable_card,
        "publish_status": publish_status,
        "bot_version": bot_version,
        "extra_params": extra_params,
        "shortcut_command": shortcut_command,
    }
    return post("/v3/chat", body, {"conversation_id": conversation_id}, stream=stream).with_call_options(
        options
    )


def _ids(conversation_id: str, chat_id: str) -> Dict[str, str]:
    require(conversation_id=conversation_id, chat_id=chat_id)
    return {"conversation_id": conversation_id, "chat_id": chat_id}


def _retrieve(conversation_id: str, chat_id: str, options: CallOptions) -> RequestOptions:
    return get("/v3/chat/retrieve", _ids(conversation_id, chat_id)).with_call_options(options)


def _cancel(conversation_id: str, chat_id: str, options: CallOptions) -> RequestOptions:
    return post("/v3/chat/cancel", _ids(conversation_id, chat_id)).with_call_options(options)


def _submit(
    conversation_id: str,
    chat_id: str,
    tool_outputs: Sequence[ToolOutputInput],
    stream: bool,
    options: CallOptions,
) -> RequestOptions:
    ids = _ids(conversation_id, chat_id)
    if not tool_outputs:
        raise ValueError("tool_outputs must name at least one tool call's output")
    outputs: List[Dict[str, Any]] = []
    for item in tool_outputs:
        output = item if isinstance(item, ToolOutput) else ToolOutput.model_validate(item)
        outputs.append({"tool_call_id": output.tool_call_id, "output": output.output})
    return post(
        "/v3/chat/submit_tool_outputs", {"tool_outputs": outputs, "stream": stream}, ids, stream=stream
    ).with_call_options(options)


def _list_messages(conversation_id: str, chat_id: str, options: CallOptions) -> RequestOptions:
    return get("/v3/chat/message/list", _ids(conversation_id, chat_id)).with_call_options(options)


MAX_POLL_INTERVAL = 1.0
_RUNNING = (ChatStatus.CREATED, ChatStatus.IN_PROGRESS)
_NOT_CANCELLABLE = 4104


def poll_flow(
    start: RequestOptions, timeout: Optional[float], interval: float, options: CallOptions
) -> Flow[ChatPoll]:
    """`create_and_poll`: create the chat, poll it (backing off up to `MAX_POLL_INTERVAL`), cancel it
    past the timeout, then fetch its messages."""
    if interval <= 0:
        raise ValueError("poll_interval must be > 0")
    if timeout is not None and timeout <= 0:
        raise ValueError("poll_timeout must be > 0")
    chat: Chat = yield Call(start, model(Chat))
    deadline = None if timeout is None else time.monotonic() + timeout
    delay = interval
    while chat.status in _RUNNING:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            try:
                chat = yield Call(_cancel(chat.conversation_id, chat.id, options), model(Chat))
            except CozeAPIError as err:
                if err.code != _NOT_CANCELLABLE:
                    raise
                chat = yield Call(_retrieve(chat.conversation_id, chat.id, options), model(Chat))
            break
        yield Sleep(delay if remaining is None else min(delay, remaining))
        delay = min(delay * 1.5, max(interval, MAX_POLL_INTERVAL))
        chat = yield Call(_retrieve(chat.conversation_id, chat.id, options), model(Chat))
    if chat.status == ChatStatus.FAILED:
        error = chat.last_error
        failed = ChatFailedError(
            error.code if error else 0,
            error.msg if error else "chat failed",
            chat.logid,
            status_code=200,
            body=chat.model_dump(mode="json"),
        )
        failed.chat = chat
        raise failed
    messages = yield Call(_list_messages(chat.conversation_id, chat.id, options), models(Message))
    poll = ChatPoll(chat=chat, messages=list(messages))
    poll._attach(chat.response)
    return poll


class ChatResource(SyncAPIResource):
    """Chat with a bot (`/v3/chat`).

    >>> for event in coze.chat.stream(bot_id=BOT, user_id="u1",
    ...                               additional_messages=[Message.build_user_question_text("hi")]):
    ...     if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA:
    ...         print(event.message.content, end="")
    """

    @cached_property
    def messages(self) -> ChatMessages:
        return ChatMessages(self._client)

    def create(
        self,
        *,
        bot_id: str,
        user_id: str,
        conversation_id: Optional[str] = None,
        additional_messages: Optional[Sequence[MessageInput]] = None,
        custom_variables: Optional[Mapping[str, str]] = None,
        auto_save_history: bool = True,
        meta_data: Optional[Mapping[str, str]] = None,
        parameters: Optional[Mapping[str, Any]] = None,
        enable_card: Optional[bool] = None,
        publish_status: Optional[str] = None,
        bot_version: Optional[str] = None,
        extra_params: Optional[Mapping[str, str]] = None,
        shortcut_command: Optional[Mapping[str, Any]] = None,
        **options: Unpack[CallOptions],
    ) -> Chat:
        """Start a chat without streaming; it returns at once (`created`/`in_progress`): poll `retrieve`,
        or use `create_and_poll`."""
        opts = _chat(stream=False, **arguments(locals()))
        return self._client.request(opts, model(Chat))

    def stream(
        self,
        *,
        bot_id: str,
        user_id: str,
        conversation_id: Optional[str] = None,
        additional_messages: Optional[Sequence[MessageInput]] = None,
        custom_variables: Optional[Mapping[str, str]] = None,
        auto_save_history: bool = True,
        meta_data: Optional[Mapping[str, str]] = None,
        parameters: Optional[Mapping[str, Any]] = None,
        enable_card: Optional[bool] = None,
        publish_status: Optional[str] = None,
        bot_version: Optional[str] = None,
        extra_params: Optional[Mapping[str, str]] = None,
        shortcut_command: Optional[Mapping[str, Any]] = None,
        **options: Unpack[CallOptions],
    ) -> Stream[ChatStreamEvent]:
        """Start a chat and stream its events; an `error` event raises its typed error (`ChatStreamError`
        if its code has no class), `done` ends the iteration. The body may also end after
        `conversation.chat.completed`/`failed`/`requires_action` (a failed chat is yielded, not raised);
        an end anywhere else raises `IncompleteStreamError`. Stop it from elsewhere with `close()` or an
        `abort_signal=`."""
        opts = _chat(stream=True, **arguments(locals()))
        return self._client.stream(opts, decode_chat_event, ends_after=CHAT_ENDS)

    def create_and_poll(
        self,
        *,
        bot_id: str,
        user_id: str,
        conversation_id: Optional[str] = None,
        additional_messages: Optional[Sequence[MessageInput]] = None,
        custom_variables: Optional[Mapping[str, str]] = None,
        auto_save_history: bool = True,
        meta_data: Optional[Mapping[str, str]] = None,
        parameters: Optional[Mapping[str, Any]] = None,
        poll_timeout: Optional[float] = None,
        poll_interval: float = 0.25,
        **options: Unpack[CallOptions],
    ) -> ChatPoll:
        """Create a chat, poll it until it ends and return it with its messages.

        A failed chat raises `ChatFailedError` carrying its `last_error`. Past `poll_timeout` seconds
        the chat is cancelled and returned as it is (cozepy's behaviour).
        """
        start = _chat(stream=False, **arguments(locals(), "poll_timeout", "poll_interval"))
        return self._client.run_flow(poll_flow(start, poll_timeout, poll_interval, options))

    def retrieve(self, *, conversation_id: str, chat_id: str, **options: Unpack[CallOptions]) -> Chat:
        """The chat as it is now."""
        return self._client.request(_retrieve(conversation_id, chat_id, options), model(Chat))

    def cancel(self, *, conversation_id: str, chat_id: str, **options: Unpack[CallOptions]) -> Chat:
        """Cancel a chat that is `created` or `in_progress` (others answer 4104)."""
        return self._client.request(_cancel(conversation_id, chat_id, options), model(Chat))

    @overload
    def submit_tool_outputs(
        self,
        *,
        conversation_id: str,
        chat_id: str,
        tool_outputs: Sequence[ToolOutputInput],
        stream: Literal[True],
        **options: Unpack[CallOptions],
    ) -> Stream[ChatStreamEvent]: ...

    @overload
    def submit_tool_outputs(
        self,
        *,
        conversation_id: str,
        chat_id: str,
        tool_outputs: Sequence[ToolOutputInput],
        stream: Literal[False] = False,
        **options: Unpack[CallOptions],
    ) -> Chat: ...

    def submit_tool_outputs(
        self,
        *,
        conversation_id: str,
        chat_id: str,
        tool_outputs: Sequence[ToolOutputInput],
        stream: bool = False,
        **options: Unpack[CallOptions],
    ) -> Union[Chat, Stream[ChatStreamEvent]]:
        """Answer a `requires_action` chat's local tool calls; it continues (streamed or not)."""
        opts = _submit(conversation_id, chat_id, tool_outputs, stream, options)
        if stream:
            return self._client.stream(opts, decode_chat_event, ends_after=CHAT_ENDS)
        return self._client.request(opts, model(Chat))

    def submit_tool_outputs_stream(
        self,
        *,
        conversation_id: str,
        chat_id: str,
        tool_outputs: Sequence[ToolOutputInput],
        **options: Unpack[CallOptions],
    ) -> Iterator[ChatStreamEvent]:
        """`submit_tool_outputs(stream=True)` as a generator (the twin of cozepy's async method)."""
        with self.submit_tool_outputs(
            conversation_id=conversation_id,
            chat_id=chat_id,
            tool_outputs=tool_outputs,
            stream=True,
            **options,
        ) as stream:
            yield from stream


class ChatMessages(SyncAPIResource):
    def list(
        self, *, conversation_id: str, chat_id: str, **options: Unpack[CallOptions]
    ) -> ListResponse[Message]:
        """The messages a chat produced (answers, tool calls, follow-ups...; not the question)."""
        return self._client.request(_list_messages(conversation_id, chat_id, options), models(Message))


class AsyncChatResource(AsyncAPIResource):
    """The async twin of `ChatResource`."""

    @cached_property
    def messages(self) -> AsyncChatMessages:
        return AsyncChatMessages(self._client)

    async def create(
        self,
        *,
        bot_id: str,
        user_id: str,
        conversation_id: Optional[str] = None,
        additional_messages: Optional[Sequence[MessageInput]] = None,
        custom_variables: Optional[Mapping[str, str]] = None,
        auto_save_history: bool = True,
        meta_data: Optional[Mapping[str, str]] = None,
        parameters: Optional[Mapping[str, Any]] = None,
        enable_card: Optional[bool] = None,
        publish_status: Optional[str] = None,
        bot_version: Optional[str] = None,
        extra_params: Optional[Mapping[str, str]] = None,
        shortcut_command: Optional[Mapping[str, Any]] = None,
        **options: Unpack[CallOptions],
    ) -> Chat:
        opts = _chat(stream=False, **arguments(locals()))
        return await self._client.request(opts, model(Chat))

    def stream(
        self,
        *,
        bot_id: str,
        user_id: str,
        conversation_id: Optional[str] = None,
        additional_messages: Optional[Sequence[MessageInput]] = None,
        custom_variables: Optional[Mapping[str, str]] = None,
        auto_save_history: bool = True,
        meta_data: Optional[Mapping[str, str]] = None,
        parameters: Optional[Mapping[str, Any]] = None,
        enable_card: Optional[bool] = None,
        publish_status: Optional[str] = None,
        bot_version: Optional[str] = None,
        extra_params: Optional[Mapping[str, str]] = None,
        shortcut_command: Optional[Mapping[str, Any]] = None,
        **options: Unpack[CallOptions],
    ) -> AsyncStreamCall[ChatStreamEvent]:
        """`await` it for the open `AsyncStream`, or `async for event in coze.chat.stream(...)`."""
        opts = _chat(stream=True, **arguments(locals()))
        return AsyncStreamCall(self._client, opts, decode_chat_event, ends_after=CHAT_ENDS)

    async def create_and_poll(
        self,
        *,
        bot_id: str,
        user_id: str,
        conversation_id: Optional[str] = None,
        additional_messages: Optional[Sequence[MessageInput]] = None,
        custom_variables: Optional[Mapping[str, str]] = None,
        auto_save_history: bool = True,
        meta_data: Optional[Mapping[str, str]] = None,
        parameters: Optional[Mapping[str, Any]] = None,
        poll_timeout: Optional[float] = None,
        poll_interval: float = 0.25,
        **options: Unpack[CallOptions],
    ) -> ChatPoll:
        start = _chat(stream=False, **arguments(locals(), "poll_timeout", "poll_interval"))
        return await self._client.run_flow(poll_flow(start, poll_timeout, poll_interval, options))

    async def retrieve(self, *, conversation_id: str, chat_id: str, **options: Unpack[CallOptions]) -> Chat:
        return await self._client.request(_retrieve(conversation_id, chat_id, options), model(Chat))

    async def cancel(self, *, conversation_id: str, chat_id: str, **options: Unpack[CallOptions]) -> Chat:
        return await self._client.request(_cancel(conversation_id, chat_id, options), model(Chat))

    @overload
    async def submit_tool_outputs(
        self,
        *,
        conversation_id: str,
        chat_id: str,
        tool_outputs: Sequence[ToolOutputInput],
        stream: Literal[True],
        **options: Unpack[CallOptions],
    ) -> AsyncStream[ChatStreamEvent]: ...

    @overload
    async def submit_tool_outputs(
        self,
        *,
        conversation_id: str,
        chat_id: str,
        tool_outputs: Sequence[ToolOutputInput],
        stream: Literal[False] = False,
        **options: Unpack[CallOptions],
    ) -> Chat: ...

    async def submit_tool_outputs(
        self,
        *,
        conversation_id: str,
        chat_id: str,
        tool_outputs: Sequence[ToolOutputInput],
        stream: bool = False,
        **options: Unpack[CallOptions],
    ) -> Union[Chat, AsyncStream[ChatStreamEvent]]:
        opts = _submit(conversation_id, chat_id, tool_outputs, stream, options)
        if stream:
            return await self._client.stream(opts, decode_chat_event, ends_after=CHAT_ENDS)
        return await self._client.request(opts, model(Chat))

    async def submit_tool_outputs_stream(
        self,
        *,
        conversation_id: str,
        chat_id: str,
        tool_outputs: Sequence[ToolOutputInput],
        **options: Unpack[CallOptions],
    ) -> AsyncIterator[ChatStreamEvent]:
        """cozepy's async spelling of `submit_tool_outputs(stream=True)`: `async for event in ...`."""
        stream = await self.submit_tool_outputs(
            conversation_id=conversation_id,
            chat_id=chat_id,
            tool_outputs=tool_outputs,
            stream=True,
            **options,
        )
        async with stream:
            async for event in stream:
                yield event


class AsyncChatMessages(AsyncAPIResource):
    async def list(
        self, *, conversation_id: str, chat_id: str, **options: Unpack[CallOptions]
    ) -> ListResponse[Message]:
        return await self._client.request(_list_messages(conversation_id, chat_id, options), models(Message))
