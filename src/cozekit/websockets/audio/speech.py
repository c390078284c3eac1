"""`coze.websockets.audio.speech`: streaming text to speech over `/v1/audio/speech`."""

from __future__ import annotations

from typing import Any, ClassVar, FrozenSet, Mapping, Optional, Sequence

from ..._base_client import AsyncAPIClient, SyncAPIClient
from ...types.websocket import WebsocketsEventType
from ...types.websocket_audio import (
    InputTextBufferAppendEvent,
    InputTextBufferCompletedEvent,
    InputTextBufferCompleteEvent,
    SpeechAudioCompletedEvent,
    SpeechAudioUpdateEvent,
    SpeechCreatedEvent,
    SpeechUpdatedEvent,
    SpeechUpdateEvent,
)
from .._base import (
    AsyncWebsocketsBaseClient,
    AsyncWebsocketsBaseEventHandler,
    WebsocketsBaseClient,
    WebsocketsBaseEventHandler,
)
from .._connection import WebsocketsOptions
from .._dispatch import EventTable, build_event
from .._endpoint import WebsocketsResource, default_options, make_endpoint
from .._tables import table_of

__all__ = [
    "AsyncWebsocketsAudioSpeechBuildClient",
    "AsyncWebsocketsAudioSpeechClient",
    "AsyncWebsocketsAudioSpeechEventHandler",
    "WebsocketsAudioSpeechBuildClient",
    "WebsocketsAudioSpeechClient",
    "WebsocketsAudioSpeechEventHandler",
]

_T = WebsocketsEventType
_PATH = "/v1/audio/speech"
MAX_TEXT_BYTES = 1024


class _SpeechSession:
    _path: ClassVar[str] = _PATH
    _event_table: ClassVar[EventTable] = table_of(
        SpeechCreatedEvent,
        SpeechUpdatedEvent,
        InputTextBufferCompletedEvent,
        SpeechAudioUpdateEvent,
        SpeechAudioCompletedEvent,
    )
    _wait_events: ClassVar[Sequence[str]] = (_T.SPEECH_AUDIO_COMPLETED.value,)
    _update_events: ClassVar[FrozenSet[str]] = frozenset({_T.SPEECH_UPDATE.value})


def _text_event(data: Any) -> InputTextBufferAppendEvent:
    event = build_event(InputTextBufferAppendEvent, data)
    assert isinstance(event, InputTextBufferAppendEvent)
    if len(event.data.delta.encode()) > MAX_TEXT_BYTES:
        raise ValueError(f"a speech request takes at most {MAX_TEXT_BYTES} bytes of text (Coze answers 3010)")
    return event


class WebsocketsAudioSpeechEventHandler(WebsocketsBaseEventHandler):
    def on_speech_created(self, cli: WebsocketsAudioSpeechClient, event: SpeechCreatedEvent) -> None: ...
    def on_speech_updated(self, cli: WebsocketsAudioSpeechClient, event: SpeechUpdatedEvent) -> None: ...
    def on_input_text_buffer_completed(
        self, cli: WebsocketsAudioSpeechClient, event: InputTextBufferCompletedEvent
    ) -> None: ...
    def on_speech_audio_update(
        self, cli: WebsocketsAudioSpeechClient, event: SpeechAudioUpdateEvent
    ) -> None: ...
    def on_speech_audio_completed(
        self, cli: WebsocketsAudioSpeechClient, event: SpeechAudioCompletedEvent
    ) -> None: ...


class AsyncWebsocketsAudioSpeechEventHandler(AsyncWebsocketsBaseEventHandler):
    async def on_speech_created(
        self, cli: AsyncWebsocketsAudioSpeechClient, event: SpeechCreatedEvent
    ) -> None: ...
    async def on_speech_updated(
        self, cli: AsyncWebsocketsAudioSpeechClient, event: SpeechUpdatedEvent
    ) -> None: ...
    async def on_input_text_buffer_completed(
        self, cli: AsyncWebsocketsAudioSpeechClient, event: InputTextBufferCompletedEvent
    ) -> None: ...
    async def on_speech_audio_update(
        self, cli: AsyncWebsocketsAudioSpeechClient, event: SpeechAudioUpdateEvent
    ) -> None: ...
    async def on_speech_audio_completed(
        self, cli: AsyncWebsocketsAudioSpeechClient, event: SpeechAudioCompletedEvent
    ) -> None: ...


class WebsocketsAudioSpeechClient(_SpeechSession, WebsocketsBaseClient):
    """A streaming TTS session: `wait()` waits for `speech.audio.completed`."""

    def speech_update(self, event: Any) -> None:
        """Set the output audio (`{"output_audio": {...}}`, a `SpeechUpdateEvent.Data` or the event)."""
        self._send(build_event(SpeechUpdateEvent, event))

    def input_text_buffer_append(self, data: Any) -> None:
        """Append text: `{"delta": "..."}`."""
        self._send(_text_event(data))

    def input_text_buffer_complete(self) -> None:
        self._send(build_event(InputTextBufferCompleteEvent))


class AsyncWebsocketsAudioSpeechClient(_SpeechSession, AsyncWebsocketsBaseClient):
    async def speech_update(self, event: Any) -> None:
        self._send(build_event(SpeechUpdateEvent, event))

    async def input_text_buffer_append(self, data: Any) -> None:
        self._send(_text_event(data))

    async def input_text_buffer_complete(self) -> None:
        self._send(build_event(InputTextBufferCompleteEvent))


class WebsocketsAudioSpeechBuildClient(WebsocketsResource[SyncAPIClient]):
    def create(
        self,
        *,
        on_event: Any = None,
        options: Optional[WebsocketsOptions] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> WebsocketsAudioSpeechClient:
        endpoint = make_endpoint(self._client, self._ws_base_url, _PATH, None, headers)
        return WebsocketsAudioSpeechClient(endpoint, on_event, options or default_options(self._client))


class AsyncWebsocketsAudioSpeechBuildClient(WebsocketsResource[AsyncAPIClient]):
    def create(
        self,
        *,
        on_event: Any = None,
        options: Optional[WebsocketsOptions] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> AsyncWebsocketsAudioSpeechClient:
        endpoint = make_endpoint(self._client, self._ws_base_url, _PATH, None, headers)
        return AsyncWebsocketsAudioSpeechClient(endpoint, on_event, options or default_options(self._client))
