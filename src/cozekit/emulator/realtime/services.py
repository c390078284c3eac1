"""What the WebSocket sessions use, named one by one: the routes hand it to a session at the handshake,
as state.py hands each backend its dependencies (a session never sees the emulator's whole state)."""

from __future__ import annotations

from dataclasses import dataclass

from ..audio.backend import AudioBackend
from ..audio.voiceprints import VoiceprintsBackend
from ..bots.backend import BotsBackend
from ..chat.backend import ChatsBackend
from ..chat.engine import ChatEngine
from ..conversations.backend import ConversationsBackend
from ..conversations.messages import MessagesBackend
from ..core.config import EmulatorConfig
from ..workflows.engine.chatflow import Chatflows


@dataclass(frozen=True)
class RealtimeServices:
    config: EmulatorConfig
    """`chunk_size`: how simultaneous interpretation splits a translation into deltas."""
    audio: AudioBackend
    """Voices, speech synthesis and transcription (every session)."""
    voiceprints: VoiceprintsBackend
    bots: BotsBackend
    conversations: ConversationsBackend
    messages: MessagesBackend
    chats: ChatsBackend
    engine: ChatEngine
    chatflows: Chatflows
    """The rest: what a `/v1/chat` voice chat runs a turn with, as REST chat does."""
