# pyright: reportIncompatibleVariableOverride=false
"""Chat stream events (`/v3/chat` with `stream=true`, `submit_tool_outputs` streamed, chatflows).

`parse_chat_event` turns one server-sent event into a `ChatEvent`:

    >>> ev = parse_chat_event("conversation.message.delta",
    ...                       '{"id":"1","conversation_id":"2","role":"assistant","type":"answer",'
    ...                       '"content":"Hi","content_type":"text"}')
    >>> ev.event is ChatEventType.CONVERSATION_MESSAGE_DELTA, ev.message.content
    (True, 'Hi')
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Tuple, Type, TypeVar, Union, cast

from pydantic import ValidationError
from typing_extensions import Literal

from .._models import CozeModel, OpenEnum, ResponseInfo
from .._validation import read_event_data
from .chat import Chat, ChatError
from .message import Message

__all__ = [
    "ChatDoneEvent",
    "ChatErrorEvent",
    "ChatEvent",
    "ChatEventType",
    "ChatMessageEvent",
    "ChatStatusEvent",
    "ChatStreamEvent",
    "ChatUnknownEvent",
    "parse_chat_event",
]

_E = TypeVar("_E", bound="ChatEvent")


class ChatEventType(OpenEnum):
    """The `event:` name of a chat stream event. Unknown names are kept as they came."""

    CONVERSATION_CHAT_CREATED = "conversation.chat.created"
    CONVERSATION_CHAT_IN_PROGRESS = "conversation.chat.in_progress"
    CONVERSATION_MESSAGE_DELTA = "conversation.message.delta"
    """A piece of a message being generated (usually the answer)."""
    CONVERSATION_MESSAGE_COMPLETED = "conversation.message.completed"
    """A whole message: answers, function calls, tool responses, follow-ups, verbose packets..."""
    CONVERSATION_CHAT_COMPLETED = "conversation.chat.completed"
    CONVERSATION_CHAT_FAILED = "conversation.chat.failed"
    CONVERSATION_CHAT_REQUIRES_ACTION = "conversation.chat.requires_action"
    """The bot called a local plugin; the stream ends after this event."""
    CONVERSATION_AUDIO_DELTA = "conversation.audio.delta"
    """A piece of audio answer (base64 in `message.content`); only when the input had audio."""
    ERROR = "error"
    """The server reported an error mid-stream: see `ChatEvent.code`/`msg`."""
    DONE = "done"
    """The stream is over."""
    UNKNOWN = "unknown"
    """Kept for cozepy compatibility; unknown names keep their own value (check `.is_known`)."""


class ChatEvent(CozeModel):
    """One event of a chat stream.

    Chat events carry `chat`, message and audio events carry `message`, `error` carries `code` and
    `msg`, `done` carries nothing (a chatflow's `done` may carry `debug_url`). Events this SDK does
    not know keep their name in `event` and their raw data in `data` (and `unknown`, as cozepy does).

    Each event is an instance of the subclass for its kind (`ChatStatusEvent`, `ChatMessageEvent`,
    `ChatErrorEvent`, `ChatDoneEvent`, `ChatUnknownEvent`; `ChatEvent(event=..., ...)` builds it too), and
    streams are typed with their union `ChatStreamEvent`, so that comparing `event.event` narrows:
    after `if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA:` a type checker knows that
    `event.message` is a `Message`.
    """

    event: ChatEventType
    chat: Optional[Chat] = None
    message: Optional[Message] = None
    code: Optional[int] = None
    """Error code of an `error` event."""
    msg: Optional[str] = None
    """Error message of an `error` event."""
    debug_url: Optional[str] = None
    """A chatflow's `done` event link to its run in the Coze UI."""
    data: Optional[str] = None
    """The raw `data:` of an event this SDK does not know."""
    unknown: Optional[Dict[str, Any]] = None
    """`{"event": name, "data": raw}` of an unknown event (cozepy's field)."""

    def __new__(cls: Type[_E], *args: Any, **values: Any) -> _E:
        # `ChatEvent(event=...)` builds the subclass for that event, as parsing does.
        if cls is ChatEvent:
            event = values.get("event")
            if isinstance(event, str):
                name = event.value if isinstance(event, ChatEventType) else event.strip()
                cls = _CLASSES.get(name, ChatUnknownEvent)  # type: ignore[assignment]
        return super().__new__(cls)

    @property
    def error(self) -> Optional[ChatError]:
        """An `error` event's code and message as a `ChatError` (None for other events)."""
        if self.event != ChatEventType.ERROR:
            return None
        return ChatError(code=self.code or 0, msg=self.msg or "")


# The subclasses narrow `event` to the names they carry, and their payload to non-optional, for type
# checkers only: at run time every field is the base's (so they all validate and build alike).


class ChatStatusEvent(ChatEvent):
    """`conversation.chat.created|in_progress|completed|failed|requires_action`: the chat as it is now."""

    if TYPE_CHECKING:
        event: Literal[
            ChatEventType.CONVERSATION_CHAT_CREATED,
            ChatEventType.CONVERSATION_CHAT_IN_PROGRESS,
            ChatEventType.CONVERSATION_CHAT_COMPLETED,
            ChatEventType.CONVERSATION_CHAT_FAILED,
            ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION,
        ]
        chat: Chat


class ChatMessageEvent(ChatEvent):
    """`conversation.message.delta|completed`, `conversation.audio.delta`: a message or a piece of one."""

    if TYPE_CHECKING:
        event: Literal[
            ChatEventType.CONVERSATION_MESSAGE_DELTA,
            ChatEventType.CONVERSATION_MESSAGE_COMPLETED,
            ChatEventType.CONVERSATION_AUDIO_DELTA,
        ]
        message: Message


class ChatErrorEvent(ChatEvent):
    """`error`: the server reported an error mid-stream (`code`, `msg`). Streams raise it instead."""

    if TYPE_CHECKING:
        event: Literal[ChatEventType.ERROR]


class ChatDoneEvent(ChatEvent):
    """`done`: the stream is over (a chatflow's carries `debug_url`)."""

    if TYPE_CHECKING:
        event: Literal[ChatEventType.DONE]


class ChatUnknownEvent(ChatEvent):
    """An event this SDK does not know: `event` holds its name as sent (typed as `UNKNOWN`, so that
    comparisons with known names narrow), `data` its raw data."""

    if TYPE_CHECKING:
        event: Literal[ChatEventType.UNKNOWN]
        data: str
        unknown: Dict[str, Any]


ChatStreamEvent = Union[ChatStatusEvent, ChatMessageEvent, ChatErrorEvent, ChatDoneEvent, ChatUnknownEvent]
"""What a chat stream yields: one of the `ChatEvent` subclasses, told apart by `event`."""

_Handler = Callable[[ChatEventType, str, Optional[ResponseInfo]], ChatStreamEvent]


_DEFAULTS: Dict[str, Any] = {name: field.default for name, field in ChatEvent.model_fields.items()}
_new: Callable[[Type[ChatEvent]], ChatStreamEvent] = object.__new__  # type: ignore[assignment]
_set = object.__setattr__


class _Typed:
    """How to build the event of one name whose data is a model (`chat` or `message`): validated once
    in Rust, then set on an instance without validating again (what `model_construct` does, minus its
    generality: this runs once per streamed event)."""

    __slots__ = ("cls", "event", "field", "model", "validate", "values")

    def __init__(self, cls: Type[ChatEvent], event: ChatEventType, field: str, model: Any) -> None:
        self.cls = cls
        self.event = event
        self.field = field
        self.model = model
        self.validate = model.__pydantic_validator__.validate_json
        self.values = {**_DEFAULTS, "event": event}


def _chat_event(event: ChatEventType, data: str, response: Optional[ResponseInfo]) -> ChatStatusEvent:
    return cast(ChatStatusEvent, parse_chat_event(event.value, data, response))


def _message_event(event: ChatEventType, data: str, response: Optional[ResponseInfo]) -> ChatMessageEvent:
    return cast(ChatMessageEvent, parse_chat_event(event.value, data, response))


def _error_event(event: ChatEventType, data: str, response: Optional[ResponseInfo]) -> ChatErrorEvent:
    body = _loads(data)
    if isinstance(body, dict):
        code = body.get("code")
        msg = body.get("msg", body.get("message"))
        out = ChatErrorEvent(
            event=cast(Any, event),
            code=_int_or_none(code),
            msg=msg if isinstance(msg, str) else (None if msg is None else str(msg)),
        )
    else:
        # Not the documented {code, msg}: keep the text so the error still says something.
        out = ChatErrorEvent(event=cast(Any, event), msg=data)
    out._attach(response)
    return out


def _done_event(event: ChatEventType, data: str, response: Optional[ResponseInfo]) -> ChatDoneEvent:
    body = _loads(data)
    url = body.get("debug_url") if isinstance(body, dict) else None
    out = ChatDoneEvent(event=cast(Any, event), debug_url=url if isinstance(url, str) else None)
    out._attach(response)
    return out


_HANDLERS: Dict[str, _Handler] = {
    ChatEventType.CONVERSATION_CHAT_CREATED.value: _chat_event,
    ChatEventType.CONVERSATION_CHAT_IN_PROGRESS.value: _chat_event,
    ChatEventType.CONVERSATION_CHAT_COMPLETED.value: _chat_event,
    ChatEventType.CONVERSATION_CHAT_FAILED.value: _chat_event,
    ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION.value: _chat_event,
    ChatEventType.CONVERSATION_MESSAGE_DELTA.value: _message_event,
    ChatEventType.CONVERSATION_MESSAGE_COMPLETED.value: _message_event,
    ChatEventType.CONVERSATION_AUDIO_DELTA.value: _message_event,
    ChatEventType.ERROR.value: _error_event,
    ChatEventType.DONE.value: _done_event,
}
_KNOWN: Dict[str, ChatEventType] = {name: ChatEventType(name) for name in _HANDLERS}
_CLASS_OF: Dict[Any, Type[ChatEvent]] = {
    _chat_event: ChatStatusEvent,
    _message_event: ChatMessageEvent,
    _error_event: ChatErrorEvent,
    _done_event: ChatDoneEvent,
}
_CLASSES: Dict[str, Type[ChatEvent]] = {name: _CLASS_OF[handler] for name, handler in _HANDLERS.items()}
_MODEL_OF: Dict[Any, Tuple[str, Any]] = {_chat_event: ("chat", Chat), _message_event: ("message", Message)}
_TYPED: Dict[str, _Typed] = {
    name: _Typed(_CLASSES[name], _KNOWN[name], *_MODEL_OF[handler])
    for name, handler in _HANDLERS.items()
    if handler in _MODEL_OF
}


def _builder(name: str, typed: _Typed) -> Callable[[bytes, ResponseInfo], ChatStreamEvent]:
    validate, cls, field, values = typed.validate, typed.cls, typed.field, typed.values

    def build(data: bytes, response: ResponseInfo) -> ChatStreamEvent:
        try:
            value = validate(data)
        except ValidationError:  # the text path decides what such data becomes (lenient, or an error)
            return parse_chat_event(name, data.decode("utf-8", "replace"), response)
        out = _new(cls)
        fields = values.copy()
        fields[field] = value
        _set(out, "__dict__", fields)
        _set(out, "__pydantic_fields_set__", {"event", field})
        _set(out, "__pydantic_extra__", {})
        _set(out, "__pydantic_private__", {"_response": response})
        return out

    return build


def chat_event_builders() -> Dict[str, Callable[[bytes, ResponseInfo], ChatStreamEvent]]:
    """Per event name whose data is a `Chat` or a `Message`: a function building the event straight
    from the data's bytes, as `parse_chat_event` does from its text (a stream's fast path: one
    validation of the bytes in Rust, no decoding to text first)."""
    return {name: _builder(name, typed) for name, typed in _TYPED.items()}


def parse_chat_event(event_name: str, data: str, response: Optional[ResponseInfo] = None) -> ChatStreamEvent:
    """Parse one chat stream event from its `event:` name and `data:` text.

    - `conversation.chat.*` → `ChatStatusEvent(chat=Chat)`;
    - `conversation.message.delta|completed`, `conversation.audio.delta` →
      `ChatMessageEvent(message=Message)`;
    - `error` → `ChatErrorEvent(code=..., msg=...)` (it does not raise: the caller decides);
    - `done` → `ChatDoneEvent` with no payload (`debug_url` for chatflows);
    - any other name → `ChatUnknownEvent(event=<that name>, data=<raw>, unknown={"event", "data"})`.

    `response`, when given, is attached to the event (its `.response` and `.logid`); its `strict` says
    how to read the data (without a response: `$COZEKIT_STRICT_VALIDATION`). Leniently, a field of an
    unexpected type is kept as sent (see `CozeModel.invalid_fields`); strictly, it raises
    `APIResponseValidationError`. Raises `CozeInvalidEventError` if a chat or message event's data is not
    the JSON object it must be.
    """
    typed = _TYPED.get(event_name)
    if typed is not None:  # the hot path: every delta of a stream
        try:
            value = typed.validate(data)
        except ValidationError as exc:
            value = read_event_data(typed.model, event_name, data, exc, response)
        out = _new(typed.cls)
        values = typed.values.copy()
        values[typed.field] = value
        _set(out, "__dict__", values)
        _set(out, "__pydantic_fields_set__", {"event", typed.field})
        _set(out, "__pydantic_extra__", {})
        _set(out, "__pydantic_private__", None if response is None else {"_response": response})
        return out  # no typing.cast here: it is a Python call, once per event
    handler = _HANDLERS.get(event_name)
    if handler is not None:
        return handler(_KNOWN[event_name], data, response)
    name = event_name.strip()
    handler = _HANDLERS.get(name)
    if handler is not None:
        return handler(_KNOWN[name], data, response)
    unknown = {"event": name, "data": data}
    out = ChatUnknownEvent(event=cast(Any, ChatEventType(name)), data=data, unknown=unknown)
    out._attach(response)
    return out


def _loads(data: str) -> Any:
    try:
        return json.loads(data)
    except (json.JSONDecodeError, TypeError):
        return None


def _int_or_none(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None
