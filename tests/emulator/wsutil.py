"""Recording every event a cozekit WebSocket session receives."""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, List, Tuple

from cozekit.websockets import WebsocketsOptions

FAST = WebsocketsOptions(connect_timeout=5, wait_timeout=10, close_timeout=2)

SPEECH_EVENTS = [
    "speech.created",
    "speech.updated",
    "input_text_buffer.completed",
    "speech.audio.update",
    "speech.audio.completed",
    "error",
]
TRANSCRIPTION_EVENTS = [
    "transcriptions.created",
    "transcriptions.updated",
    "input_audio_buffer.completed",
    "input_audio_buffer.cleared",
    "transcriptions.message.update",
    "transcriptions.message.completed",
    "error",
]
SIMULT_EVENTS = [
    "simult_interpretation.created",
    "simult_interpretation.updated",
    "input_audio_buffer.completed",
    "simult_interpretation.transcription.delta",
    "simult_interpretation.translation.delta",
    "simult_interpretation.audio.delta",
    "simult_interpretation.message.completed",
    "error",
]
CHAT_EVENTS = [
    "chat.created",
    "chat.updated",
    "conversation.chat.created",
    "conversation.chat.in_progress",
    "conversation.message.delta",
    "conversation.audio.sentence_start",
    "conversation.audio.delta",
    "conversation.message.completed",
    "conversation.audio.completed",
    "conversation.chat.completed",
    "conversation.chat.failed",
    "conversation.chat.requires_action",
    "conversation.chat.canceled",
    "conversation.cleared",
    "conversation.audio_transcript.update",
    "conversation.audio_transcript.completed",
    "input_audio_buffer.completed",
    "input_audio_buffer.cleared",
    "input_audio_buffer.speech_started",
    "input_audio_buffer.speech_stopped",
    "error",
]


class Recorder:
    """`on_event` mapping that keeps `(event_type, event)` in arrival order."""

    def __init__(self, event_types: List[str]) -> None:
        self.events: List[Tuple[str, Any]] = []
        self.lock = threading.Lock()
        self.handlers: Dict[str, Callable[..., None]] = {t: self._record(t) for t in event_types}

    def _record(self, event_type: str) -> Callable[..., None]:
        def handler(client: Any, event: Any) -> None:
            with self.lock:
                self.events.append((event_type, event))

        return handler

    def types(self) -> List[str]:
        with self.lock:
            return [t for t, _ in self.events]

    def of(self, event_type: str) -> List[Any]:
        with self.lock:
            return [e for t, e in self.events if t == event_type]
