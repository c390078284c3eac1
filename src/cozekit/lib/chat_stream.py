"""Accumulating a chat stream: answer text as it arrives, the finished messages, the final chat.

>>> acc = ChatStreamAccumulator()
>>> for event in coze.chat.stream(...):
...     print(acc.add(event), end="")     # the new answer text, "" for other events
>>> acc.chat.usage, acc.messages, acc.text
"""

from __future__ import annotations

from typing import Iterable, Iterator, List, Optional

from ..types.chat import Chat, ChatStatus, ChatToolCall, ChatUsage
from ..types.chat_event import ChatEvent, ChatEventType
from ..types.message import Message, MessageType

__all__ = ["ChatStreamAccumulator", "text_deltas"]


class ChatStreamAccumulator:
    """Folds chat events into the state a caller wants at the end (and along the way)."""

    def __init__(self) -> None:
        self.chat: Optional[Chat] = None
        self.messages: List[Message] = []
        """Completed messages, in order (answers, tool calls, follow-ups, verbose packets...)."""
        self._text: List[str] = []
        self._reasoning: List[str] = []

    def add(self, event: ChatEvent) -> str:
        """Take one event; return the answer text it adds ("" if none)."""
        if event.chat is not None:
            self.chat = event.chat
            return ""
        message = event.message
        if message is None:
            return ""
        if event.event == ChatEventType.CONVERSATION_MESSAGE_COMPLETED:
            self.messages.append(message)
            return ""
        if event.event == ChatEventType.CONVERSATION_MESSAGE_DELTA and message.type in (
            None,
            MessageType.ANSWER,
        ):
            if message.reasoning_content:
                self._reasoning.append(message.reasoning_content)
            if message.content:
                self._text.append(message.content)
                return message.content
        return ""

    @property
    def text(self) -> str:
        """The answer text streamed so far."""
        return "".join(self._text)

    @property
    def reasoning(self) -> str:
        """The reasoning text streamed so far (reasoning models only)."""
        return "".join(self._reasoning)

    @property
    def answers(self) -> List[Message]:
        return [m for m in self.messages if m.type == MessageType.ANSWER]

    @property
    def follow_ups(self) -> List[str]:
        return [m.content or "" for m in self.messages if m.type == MessageType.FOLLOW_UP]

    @property
    def usage(self) -> Optional[ChatUsage]:
        return self.chat.usage if self.chat is not None else None

    @property
    def status(self) -> Optional[ChatStatus]:
        return self.chat.status if self.chat is not None else None

    @property
    def tool_calls(self) -> List[ChatToolCall]:
        """The local tool calls a `requires_action` chat waits for."""
        if self.chat is None or self.chat.required_action is None:
            return []
        return self.chat.required_action.tool_calls


def text_deltas(events: Iterable[ChatEvent]) -> Iterator[str]:
    """Only the answer text of a chat stream, piece by piece."""
    accumulator = ChatStreamAccumulator()
    for event in events:
        text = accumulator.add(event)
        if text:
            yield text
