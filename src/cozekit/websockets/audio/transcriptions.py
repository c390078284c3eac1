"""`coze.websockets.audio.transcriptions`: streaming speech recognition over `/v1/audio/transcriptions`."""

from __future__ import annotations

from typing import Any, ClassVar, FrozenSet, Mapping, Optional, Sequence

from ..._base_client import AsyncAPIClient, SyncAPIClient
from ...types.websocket import WebsocketsEventType
from ...types.websocket_audio import (
    InputAudioBufferAppendEvent,
    InputAudioBufferClearedEvent,
    InputAudioBufferClearEvent,
    InputAudioBufferCompletedEvent,
    InputAudioBufferCompleteEvent,
    TranscriptionsCreatedEvent,
    TranscriptionsMessageCompletedEvent,
    TranscriptionsMessageUpdateEvent,
    TranscriptionsUpdatedEvent,
    TranscriptionsUpdateEvent,
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
    "AsyncWebsocketsAudioTranscriptionsBuildClient",
    "AsyncWebsocketsAudioTranscriptionsClient",
    "AsyncWebsocketsAudioTranscriptionsEventHandler",
    "WebsocketsAudioTranscriptionsBuildClient",
    "WebsocketsAudioTranscriptionsClient",
    "WebsocketsAudioTranscriptionsEventHandler",
]

_T = WebsocketsEventType
_PATH = "/v1/audio/transcriptions"


class _TranscriptionsSession:
    _path: ClassVar[str] = _PATH
    _event_table: ClassVar[EventTable] = table_of(
        TranscriptionsCreatedEvent,
        TranscriptionsUpdatedEvent,
        InputAudioBufferCompletedEvent,
        InputAudioBufferClearedEvent,
        TranscriptionsMessageUpdateEvent,
        TranscriptionsMessageCompletedEvent,
    )
    _wait_events: ClassVar[Sequence[str]] = (_T.TRANSCRIPTIONS_MESSAGE_COMPLETED.value,)
    _update_events: ClassVar[FrozenSet[str]] = frozenset({_T.TRANSCRIPTIONS_UPDATE.value})


class WebsocketsAudioTranscriptionsEventHandler(WebsocketsBaseEventHandler):
    def on_transcriptions_created(
        self, cli: WebsocketsAudioTranscriptionsClient, event: TranscriptionsCreatedEvent
    ) -> None: ...
    def on_transcriptions_updated(
        self, cli: WebsocketsAudioTranscriptionsClient, event: TranscriptionsUpdatedEvent
    ) -> None: ...
    def on_input_audio_buffer_completed(
        self, cli: WebsocketsAudioTranscriptionsClient, event: InputAudioBufferCompletedEvent
    ) -> None: ...
    def on_input_audio_buffer_cleared(
        self, cli: WebsocketsAudioTranscriptionsClient, event: InputAudioBufferClearedEvent
    ) -> None: ...
    def on_transcriptions_message_update(
        self, cli: WebsocketsAudioTranscriptionsClient, event: TranscriptionsMessageUpdateEvent
    ) -> None: ...
    def on_transcriptions_message_completed(
        self, cli: WebsocketsAudioTranscriptionsClient, event: TranscriptionsMessageCompletedEvent
    ) -> None: ...


class AsyncWebsocketsAudioTranscriptionsEventHandler(AsyncWebsocketsBaseEventHandler):
    async def on_transcriptions_created(
        self, cli: AsyncWebsocketsAudioTranscriptionsClient, event: TranscriptionsCreatedEvent
    ) -> None: ...
    async def on_transcriptions_updated(
        self, cli: AsyncWebsocketsAudioTranscriptionsClient, event: TranscriptionsUpdatedEvent
    ) -> None: ...
    async def on_input_audio_buffer_completed(
        self, cli: AsyncWebsocketsAudioTranscriptionsClient, event: InputAudioBufferCompletedEvent
    ) -> None: ...
    async def on_input_audio_buffer_cleared(
        self, cli: AsyncWebsocketsAudioTranscriptionsClient, event: InputAudioBufferClearedEvent
    ) -> None: ...
    async def on_transcriptions_message_update(
        self, cli: AsyncWebsocketsAudioTranscriptionsClient, event: TranscriptionsMessageUpdateEvent
    ) -> None: ...
    async def on_transcriptions_message_completed(
        self, cli: AsyncWebsocketsAudioTranscriptionsClient, event: TranscriptionsMessageCompletedEvent
    ) -> None: ...


class WebsocketsAudioTranscriptionsClient(_TranscriptionsSession, WebsocketsBaseClient):
    """A streaming ASR session: `wait()` waits for `transcriptions.message.completed`."""

    def transcriptions_update(self, data: Any) -> None:
        """Describe the input audio (`{"input_audio": {...}, "asr_config": {...}}`)."""
        self._send(build_event(TranscriptionsUpdateEvent, data))

    def input_audio_buffer_append(self, data: Any) -> None:
        """Append audio: `{"delta": raw_bytes}`."""
        self._send(build_event(InputAudioBufferAppendEvent, data))

    def input_audio_buffer_complete(self) -> None:
        self._send(build_event(InputAudioBufferCompleteEvent))

    def input_audio_buffer_clear(self) -> None:
        self._send(build_event(InputAudioBufferClearEvent))


class AsyncWebsocketsAudioTranscriptionsClient(_TranscriptionsSession, AsyncWebsocketsBaseClient):
    async def transcriptions_update(self, data: Any) -> None:
        self._send(build_event(TranscriptionsUpdateEvent, data))

    async def input_audio_buffer_append(self, data: Any) -> None:
        self._send(build_event(InputAudioBufferAppendEvent, data))

    async def input_audio_buffer_complete(self) -> None:
        self._send(build_event(InputAudioBufferCompleteEvent))

    async def input_audio_buffer_clear(self) -> None:
        self._send(build_event(InputAudioBufferClearEvent))


class WebsocketsAudioTranscriptionsBuildClient(WebsocketsResource[SyncAPIClient]):
    def create(
        self,
        *,
        on_event: Any = None,
        options: Optional[WebsocketsOptions] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> WebsocketsAudioTranscriptionsClient:
        endpoint = make_endpoint(self._client, self._ws_base_url, _PATH, None, headers)
        return WebsocketsAudioTranscriptionsClient(
            endpoint, on_event, options or default_options(self._client)
        )


class AsyncWebsocketsAudioTranscriptionsBuildClient(WebsocketsResource[AsyncAPIClient]):
    def create(
        self,
        *,
        on_event: Any = None,
        options: Optional[WebsocketsOptions] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> AsyncWebsocketsAudioTranscriptionsClient:
        endpoint = make_endpoint(self._client, self._ws_base_url, _PATH, None, headers)
        return AsyncWebsocketsAudioTranscriptionsClient(
            endpoint, on_event, options or default_options(self._client)
        )
