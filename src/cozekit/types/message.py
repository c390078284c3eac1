"""Messages: what the user and the bot say in a conversation or chat.

Build outgoing messages with the `Message.build_*` helpers, and multimodal ones from
`MessageObjectString` items:

    >>> from cozekit.types import Message, MessageObjectString
    >>> msg = Message.build_user_question_objects(
    ...     [MessageObjectString.build_text("What is in this picture?"),
    ...      MessageObjectString.build_image(file_id="7381")]
    ... )
    >>> msg.to_wire()["content"]
    '[{"type":"text","text":"What is in this picture?"},{"type":"image","file_id":"7381"}]'
"""

from __future__ import annotations

import base64
import json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from pydantic import BaseModel

from .._models import CozeModel, OpenEnum
from .._validation import read_models
from ._shared import OptionalTimestamp

__all__ = [
    "Message",
    "MessageContentType",
    "MessageObjectString",
    "MessageObjectStringType",
    "MessageRole",
    "MessageType",
    "message_to_wire",
    "messages_to_wire",
    "object_strings_to_content",
]


class MessageRole(OpenEnum):
    """Who sent a message."""

    USER = "user"
    ASSISTANT = "assistant"


class MessageType(OpenEnum):
    """What a message is for; chats produce several kinds besides the answer."""

    UNKNOWN = ""
    QUESTION = "question"
    """The user's input."""
    ANSWER = "answer"
    """The bot's reply (streamed as deltas)."""
    FUNCTION_CALL = "function_call"
    """An intermediate plugin or tool call; content is a JSON string."""
    TOOL_OUTPUT = "tool_output"
    """A tool's result (older name)."""
    TOOL_RESPONSE = "tool_response"
    """A tool's result; content is a JSON string."""
    KNOWLEDGE = "knowledge"
    """Knowledge-base recall."""
    FOLLOW_UP = "follow_up"
    """A suggested next question (one message per suggestion)."""
    VERBOSE = "verbose"
    """A control packet, e.g. `generate_answer_finish`; content is a JSON string."""


class MessageContentType(OpenEnum):
    """How a message's `content` is encoded."""

    TEXT = "text"
    OBJECT_STRING = "object_string"
    """A JSON-serialized array of `MessageObjectString` items (text, images, files, audio)."""
    CARD = "card"
    """A card (response only)."""
    AUDIO = "audio"
    """Base64 audio (response only; only when the input had audio)."""


class MessageObjectStringType(OpenEnum):
    """The kind of one item of a multimodal (`object_string`) message."""

    TEXT = "text"
    FILE = "file"
    IMAGE = "image"
    AUDIO = "audio"


_FILE_LIKE = (MessageObjectStringType.FILE, MessageObjectStringType.IMAGE, MessageObjectStringType.AUDIO)


class MessageObjectString(CozeModel):
    """One item of a multimodal message: a text, or a file/image/audio by `file_id` or `file_url`."""

    type: MessageObjectStringType
    text: Optional[str] = None
    file_id: Optional[str] = None
    """The id of a file uploaded with `coze.files.upload`."""
    file_url: Optional[str] = None
    """A publicly reachable URL of the file."""

    @staticmethod
    def build_text(text: str) -> MessageObjectString:
        """A text item."""
        return MessageObjectString(type=MessageObjectStringType.TEXT, text=text).check()

    @staticmethod
    def build_image(file_id: Optional[str] = None, file_url: Optional[str] = None) -> MessageObjectString:
        """An image item, by uploaded `file_id` or public `file_url` (at least one)."""
        return MessageObjectString(
            type=MessageObjectStringType.IMAGE, file_id=file_id, file_url=file_url
        ).check()

    @staticmethod
    def build_file(file_id: Optional[str] = None, file_url: Optional[str] = None) -> MessageObjectString:
        """A file item, by uploaded `file_id` or public `file_url` (at least one)."""
        return MessageObjectString(
            type=MessageObjectStringType.FILE, file_id=file_id, file_url=file_url
        ).check()

    @staticmethod
    def build_audio(file_id: Optional[str] = None, file_url: Optional[str] = None) -> MessageObjectString:
        """An audio item, by uploaded `file_id` or public `file_url` (at least one)."""
        return MessageObjectString(
            type=MessageObjectStringType.AUDIO, file_id=file_id, file_url=file_url
        ).check()

    def check(self) -> MessageObjectString:
        """Raise `ValueError` if this item would be rejected by the server; return it otherwise."""
        if self.type == MessageObjectStringType.TEXT:
            if not isinstance(self.text, str) or not self.text:
                raise ValueError("object_string text item needs a non-empty `text`")
        elif self.type in _FILE_LIKE and not self.file_id and not self.file_url:
            raise ValueError(
                f"object_string {self.type.value} item needs `file_id` or `file_url` (got neither)"
            )
        return self

    def to_wire(self) -> Dict[str, Any]:
        """The item as sent: only the fields that are set."""
        return _dump_set(self)


ObjectStringItem = Union[MessageObjectString, Mapping[str, Any]]


def object_strings_to_content(objects: Sequence[ObjectStringItem]) -> str:
    """Check multimodal items and serialise them to the JSON string an `object_string` message carries.

    Raises `ValueError` before any request is made when the server would refuse the items: an empty list,
    an item without its text/file, more than one text item, or text alone (send that as plain text).
    """
    if isinstance(objects, (str, bytes)) or not isinstance(objects, Sequence):
        raise TypeError("object_string content must be a list of MessageObjectString items")
    if not objects:
        raise ValueError("object_string content needs at least one item")
    items = [
        obj if isinstance(obj, MessageObjectString) else MessageObjectString.model_validate(obj)
        for obj in objects
    ]
    for item in items:
        item.check()
    texts = sum(1 for item in items if item.type == MessageObjectStringType.TEXT)
    if texts > 1:
        raise ValueError(f"object_string content may hold at most one text item (got {texts})")
    if texts == len(items):
        raise ValueError(
            "object_string content with only text is refused by the server: "
            "use Message.build_user_question_text instead"
        )
    return json.dumps([item.to_wire() for item in items], ensure_ascii=False, separators=(",", ":"))


class Message(CozeModel):
    """A message in a conversation or chat.

    On responses every field the server sent is filled; for outgoing messages use the `build_*`
    helpers and `to_wire()`.
    """

    role: MessageRole
    type: MessageType = MessageType.UNKNOWN
    content: str = ""
    content_type: MessageContentType = MessageContentType.TEXT
    meta_data: Optional[Dict[str, str]] = None

    id: Optional[str] = None
    conversation_id: Optional[str] = None
    section_id: Optional[str] = None
    """The context section the message belongs to (see `conversations.clear`)."""
    bot_id: Optional[str] = None
    chat_id: Optional[str] = None
    created_at: OptionalTimestamp = None
    updated_at: OptionalTimestamp = None
    reasoning_content: Optional[str] = None
    """Chain of thought, only from reasoning models."""

    @staticmethod
    def build_user_question_text(content: str, meta_data: Optional[Dict[str, str]] = None) -> Message:
        """A user question in plain text."""
        return Message(
            role=MessageRole.USER,
            type=MessageType.QUESTION,
            content=content,
            content_type=MessageContentType.TEXT,
            meta_data=meta_data,
        )

    @staticmethod
    def build_user_question_objects(
        objects: List[MessageObjectString], meta_data: Optional[Dict[str, str]] = None
    ) -> Message:
        """A multimodal user question (text plus images/files/audio).

        Raises `ValueError` for items the server would refuse (see `object_strings_to_content`).
        """
        return Message(
            role=MessageRole.USER,
            type=MessageType.QUESTION,
            content=object_strings_to_content(objects),
            content_type=MessageContentType.OBJECT_STRING,
            meta_data=meta_data,
        )

    @staticmethod
    def build_assistant_answer(content: str, meta_data: Optional[Dict[str, str]] = None) -> Message:
        """A bot answer in plain text (to pass earlier turns as context)."""
        return Message(
            role=MessageRole.ASSISTANT,
            type=MessageType.ANSWER,
            content=content,
            content_type=MessageContentType.TEXT,
            meta_data=meta_data,
        )

    def get_audio(self) -> bytes:
        """The decoded audio of an `audio` message, or `b""` for any other content type."""
        if self.content_type == MessageContentType.AUDIO:
            return base64.b64decode(self.content)
        return b""

    def get_objects(self) -> List[MessageObjectString]:
        """The items of an `object_string` message (`[]` for other content types)."""
        if self.content_type != MessageContentType.OBJECT_STRING or not self.content:
            return []
        raw = json.loads(self.content)
        if not isinstance(raw, list):
            raise ValueError("object_string content is not a JSON array")
        return read_models(MessageObjectString, raw, self.response)

    def to_wire(self) -> Dict[str, Any]:
        """The message as sent in `additional_messages` / message create: see `message_to_wire`."""
        return message_to_wire(self)


# What a client may send for a message (EnterMessage); the rest of `Message` is server-owned.
_ENTER_FIELDS = ("role", "type", "content", "content_type", "meta_data")


def message_to_wire(message: Union[Message, Mapping[str, Any]]) -> Dict[str, Any]:
    """Serialise an outgoing message to the JSON dict the server expects.

    Keeps the client-owned fields (`role`, `type`, `content`, `content_type`, `meta_data`, plus any
    extra field you set), drops the server-owned ones (`id`, `chat_id`, `created_at`...) and every
    field that is None, and drops an empty `type`. A `content` given as a list of
    `MessageObjectString` (or dicts) is serialised to the JSON string `object_string` expects, and
    `content_type` is set to `object_string` if it was missing.

    >>> message_to_wire(Message.build_user_question_text("hi"))
    {'role': 'user', 'type': 'question', 'content': 'hi', 'content_type': 'text'}
    """
    if isinstance(message, Message):
        data: Dict[str, Any] = {name: getattr(message, name) for name in _ENTER_FIELDS}
        data.update(message.model_extra or {})
    elif isinstance(message, Mapping):
        server_owned = set(Message.model_fields) - set(_ENTER_FIELDS)
        data = {k: v for k, v in message.items() if k not in server_owned}
    else:
        raise TypeError(f"expected a Message or a dict, got {type(message).__name__}")

    if data.get("role") in (None, ""):
        raise ValueError("a message needs a `role` (user or assistant)")
    content = data.get("content")
    if isinstance(content, (list, tuple)):
        data["content"] = object_strings_to_content(content)
        if data.get("content_type") in (None, ""):
            data["content_type"] = MessageContentType.OBJECT_STRING
    elif content is not None and not isinstance(content, str):
        raise TypeError(f"message content must be a str or a list of objects, got {type(content).__name__}")
    elif data.get("content_type") == MessageContentType.OBJECT_STRING and isinstance(content, str):
        _check_object_string_text(content)

    wire: Dict[str, Any] = {}
    for key, value in data.items():
        if value is None or (key == "type" and value == ""):
            continue
        wire[key] = _plain(value)
    return wire


def _check_object_string_text(content: str) -> None:
    try:
        parsed = json.loads(content)
    except json.JSONDecodeError as exc:
        raise ValueError(f"object_string content is not valid JSON: {exc}") from exc
    if not isinstance(parsed, list):
        raise ValueError("object_string content must be a JSON array of items")


def messages_to_wire(messages: Optional[Sequence[Union[Message, Mapping[str, Any]]]]) -> List[Dict[str, Any]]:
    """`message_to_wire` for each message (None → `[]`)."""
    return [message_to_wire(m) for m in messages or ()]


def _plain(value: Any) -> Any:
    """Enums to their string, models to dicts without None, containers recursively."""
    if isinstance(value, OpenEnum):
        return value.value
    if isinstance(value, BaseModel):
        return _dump_set(value)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _dump_set(model: BaseModel) -> Dict[str, Any]:
    dumped: Dict[str, Any] = model.model_dump(mode="json", exclude_none=True)
    return dumped
