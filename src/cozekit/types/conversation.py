"""Conversations, their context sections, and message feedback."""

from __future__ import annotations

from typing import Dict, Optional

from pydantic import Field

from .._models import CozeModel, OpenEnum
from ._shared import OptionalTimestamp

__all__ = [
    "Conversation",
    "CreateConversationMessageFeedbackResp",
    "DeleteConversationMessageFeedbackResp",
    "DeleteConversationResp",
    "FeedbackType",
    "Section",
]


class Conversation(CozeModel):
    """A conversation: the history a bot and a user share across chats."""

    id: str
    name: Optional[str] = None
    meta_data: Dict[str, str] = Field(default_factory=dict)
    creator_id: Optional[str] = None
    created_at: OptionalTimestamp = None
    updated_at: OptionalTimestamp = None
    last_section_id: Optional[str] = None
    """The newest context section (a new one starts at each `clear`)."""
    connector_id: Optional[str] = None
    """The channel: `"1024"` API, `"999"` Chat SDK, or a custom channel id."""


class Section(CozeModel):
    """A context section of a conversation, as `conversations.clear` returns it."""

    id: str
    conversation_id: str


class DeleteConversationResp(CozeModel):
    """The (empty) result of deleting a conversation."""


class FeedbackType(OpenEnum):
    """Feedback on a bot's answer."""

    LIKE = "like"
    UNLIKE = "unlike"


class CreateConversationMessageFeedbackResp(CozeModel):
    """The (empty) result of giving feedback on a message."""


class DeleteConversationMessageFeedbackResp(CozeModel):
    """The (empty) result of removing feedback from a message."""
