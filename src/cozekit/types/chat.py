"""Chats (v3): one round of a conversation with a bot, its status, usage and tool calls."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from pydantic import AliasChoices, Field

from .._models import CozeModel, OpenEnum
from ._shared import OptionalTimestamp
from .message import Message

__all__ = [
    "Chat",
    "ChatError",
    "ChatPoll",
    "ChatRequiredAction",
    "ChatRequiredActionType",
    "ChatStatus",
    "ChatSubmitToolOutputs",
    "ChatToolCall",
    "ChatToolCallFunction",
    "ChatToolCallType",
    "ChatUsage",
    "InsertedMessage",
    "ToolOutput",
]


class ChatStatus(OpenEnum):
    """Where a chat is: `created → in_progress → completed | failed | requires_action`, or `canceled`."""

    UNKNOWN = ""
    CREATED = "created"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    REQUIRES_ACTION = "requires_action"
    """The bot called a local plugin: answer with `submit_tool_outputs`."""
    CANCELED = "canceled"

    @property
    def is_terminal(self) -> bool:
        """True once the chat will not change by itself (completed, failed, requires_action, canceled)."""
        return self in _TERMINAL


_TERMINAL = frozenset(
    {ChatStatus.COMPLETED, ChatStatus.FAILED, ChatStatus.REQUIRES_ACTION, ChatStatus.CANCELED}
)


class ChatError(CozeModel):
    """Why a chat failed (`Chat.last_error`); `code` 0 means no error."""

    code: int = 0
    msg: str = ""


class ChatRequiredActionType(OpenEnum):
    UNKNOWN = ""
    SUBMIT_TOOL_OUTPUTS = "submit_tool_outputs"


class ChatToolCallType(OpenEnum):
    FUNCTION = "function"
    """A local plugin to run."""
    REPLY_MESSAGE = "reply_message"
    """A workflow question node waiting for the user's reply."""


class ChatToolCallFunction(CozeModel):
    """The function a tool call asks for; `arguments` is a JSON string."""

    name: str = ""
    arguments: str = ""

    def parse_arguments(self) -> Any:
        """The decoded `arguments` (`{}` when empty); `ValueError` if they are not JSON.

        >>> ChatToolCallFunction(name="weather", arguments='{"city": "南京"}').parse_arguments()
        {'city': '南京'}
        """
        if not self.arguments.strip():
            return {}
        try:
            return json.loads(self.arguments)
        except json.JSONDecodeError as exc:
            raise ValueError(f"tool call {self.name!r} has arguments that are not JSON: {exc}") from exc


class ChatToolCall(CozeModel):
    """One call the bot wants the caller to run; answer it with a `ToolOutput` of the same `id`."""

    id: str
    type: ChatToolCallType = ChatToolCallType.FUNCTION
    function: Optional[ChatToolCallFunction] = None


class ChatSubmitToolOutputs(CozeModel):
    tool_calls: List[ChatToolCall] = Field(default_factory=list)


class ChatRequiredAction(CozeModel):
    """What a `requires_action` chat waits for (real streams send an empty one on other statuses)."""

    type: ChatRequiredActionType = ChatRequiredActionType.UNKNOWN
    submit_tool_outputs: Optional[ChatSubmitToolOutputs] = None

    @property
    def tool_calls(self) -> List[ChatToolCall]:
        """The tool calls to answer (`[]` if none)."""
        return self.submit_tool_outputs.tool_calls if self.submit_tool_outputs else []


class ChatUsage(CozeModel):
    """Token usage; the server sends zeros until the chat completes."""

    token_count: int = 0
    output_count: int = Field(0, validation_alias=AliasChoices("output_count", "output_tokens"))
    input_count: int = Field(0, validation_alias=AliasChoices("input_count", "input_tokens"))


class InsertedMessage(CozeModel):
    """A message the chat request inserted into the conversation (`additional_messages`)."""

    id: str


class Chat(CozeModel):
    """A chat: one bot reply to a conversation, with its status and usage."""

    id: str
    conversation_id: str
    bot_id: Optional[str] = None
    """Absent in chatflow (`/v1/workflows/chat`) events."""
    created_at: OptionalTimestamp = None
    completed_at: OptionalTimestamp = None
    failed_at: OptionalTimestamp = None
    meta_data: Optional[Dict[str, str]] = None
    last_error: Optional[ChatError] = None
    """Why the chat failed; `{code: 0, msg: ""}` on success."""
    status: ChatStatus = ChatStatus.UNKNOWN
    required_action: Optional[ChatRequiredAction] = None
    usage: Optional[ChatUsage] = None
    section_id: Optional[str] = None
    inserted_additional_messages: Optional[List[InsertedMessage]] = None


class ChatPoll(CozeModel):
    """A finished chat and its messages, as `chat.create_and_poll` returns them."""

    chat: Chat
    messages: Optional[List[Message]] = None


class ToolOutput(CozeModel):
    """The result of one tool call, sent with `chat.submit_tool_outputs`."""

    tool_call_id: str
    output: str
