"""`coze.websockets.audio.simult_interpretation`: simultaneous interpretation over
`/v1/audio/simult_interpretation` — speech in, its transcript, translation and spoken translation out."""

from __future__ import annotations

from typing import Any, ClassVar, FrozenSet, Mapping, Optional, Sequence

from ..._base_client import AsyncAPIClient, SyncAPIClient
from ...types.websocket import WebsocketsEventType
from ...types.websocket_audio import (
    InputAudioBufferAppendEvent,
    InputAudioBufferCompletedEvent,
    InputAudioBufferCompleteEvent,
)
from ...types.websocket_simult_interpretation import (
    SimultInterpretationAudioDeltaEvent,
    SimultInterpretationCreatedEvent,
    SimultInterpretationMessageCompletedEvent,
    SimultInterpretationTranscriptionDeltaEvent,
    SimultInterpretationTranslationDeltaEvent,
    SimultInterpretationUpdatedEvent,
    SimultInterpretationUpdateEvent,
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
    "AsyncWebsocketsAudioSimultInterpretationBuildClient",
    "AsyncWebsocketsAudioSimultInterpretationClient",
    "AsyncWebsocketsAudioSimultInterpretationEventHandler",
    "WebsocketsAudioSimultInterpretationBuildClient",
    "WebsocketsAudioSimultInterpretationClient",
    "WebsocketsAudioSimultInterpretationEventHandler",
]

_T = WebsocketsEventType
_PATH = "/v1/audio/simult_interpretation"


class _SimultInterpretationSession:
    _path: ClassVar[str] = _PATH
    _event_table: ClassVar[EventTable] = table_of(
        SimultInterpretationCreatedEvent,
        SimultInterpretationUpdatedEvent,
        InputAudioBufferCompletedEvent,
        SimultInterpretationTranscriptionDeltaEvent,
        SimultInterpretationTranslationDeltaEvent,
        SimultInterpretationAudioDeltaEvent,
        SimultInterpretationMessageCompletedEvent,
    )
    _wait_events: ClassVar[Sequence[str]] = (_T.SIMULT_INTERPRETATION_MESSAGE_COMPLETED.value,)
    _update_events: ClassVar[FrozenSet[str]] = frozenset({_T.SIMULT_INTERPRETATION_UPDATE.value})


class WebsocketsAudioSimultInterpretationEventHandler(WebsocketsBaseEventHandler):
    def on_simult_interpretation_created(
        self, cli: WebsocketsAudioSimultInterpretationClient, event: SimultInterpretationCreatedEvent
    ) -> None: ...
    def on_simult_interpretation_updated(
        self, cli: WebsocketsAudioSimultInterpretationClient, event: SimultInterpretationUpdatedEvent
    ) -> None: ...
    def on_input_audio_buffer_completed(
        self, cli: WebsocketsAudioSimultInterpretationClient, event: InputAudioBufferCompletedEvent
    ) -> None: ...
    def on_simult_interpretation_transcription_delta(
        self,
        cli: WebsocketsAudioSimultInterpretationClient,
        event: SimultInterpretationTranscriptionDeltaEvent,
    ) -> None: ...
    def on_simult_interpretation_translation_delta(
        self,
        cli: WebsocketsAudioSimultInterpretationClient,
        event: SimultInterpretationTranslationDeltaEvent,
    ) -> None: ...
    def on_simult_interpretation_audio_delta(
        self, cli: WebsocketsAudioSimultInterpretationClient, event: SimultInterpretationAudioDeltaEvent
    ) -> None: ...
    def on_simult_interpretation_message_completed(
        self,
        cli: WebsocketsAudioSimultInterpretationClient,
        event: SimultInterpretationMessageCompletedEvent,
    ) -> None: ...


class AsyncWebsocketsAudioSimultInterpretationEventHandler(AsyncWebsocketsBaseEventHandler):
    async def on_simult_interpretation_created(
        self, cli: AsyncWebsocketsAudioSimultInterpretationClient, event: SimultInterpretationCreatedEvent
    ) -> None: ...
    async def on_simult_interpretation_updated(
        self, cli: AsyncWebsocketsAudioSimultInterpretationClient, event: SimultInterpretationUpdatedEvent
    ) -> None: ...
    async def on_input_audio_buffer_completed(
        self, cli: AsyncWebsocketsAudioSimultInterpretationClient, event: InputAudioBufferCompletedEvent
    ) -> None: ...
    async def on_simult_interpretation_transcription_delta(
        self,
        cli: AsyncWebsocketsAudioSimultInterpretationClient,
        event: SimultInterpretationTranscriptionDeltaEvent,
    ) -> None: ...
    async def on_simult_interpretation_translation_delta(
        self,
        cli: AsyncWebsocketsAudioSimultInterpretationClient,
        event: SimultInterpretationTranslationDeltaEvent,
    ) -> None: ...
    async def on_simult_interpretation_audio_delta(
        self,
        cli: AsyncWebsocketsAudioSimultInterpretationClient,
        event: SimultInterpretationAudioDeltaEvent,
    ) -> None: ...
    async def on_simult_interpretation_message_completed(
        self,
        cli: AsyncWebsocketsAudioSimultInterpretationClient,
        event: SimultInterpretationMessageCompletedEvent,
    ) -> None: ...


class WebsocketsAudioSimultInterpretationClient(_SimultInterpretationSession, WebsocketsBaseClient):
    """A simultaneous-interpretation session: `wait()` waits for
    `simult_interpretation.message.completed`."""

    def simult_interpretation_update(self, data: Any) -> None:
        """Configure the session (`{"input_audio", "output_audio", "translate_config": {"from", "to"}}`)."""
        self._send(build_event(SimultInterpretationUpdateEvent, data))

    def input_audio_buffer_append(self, data: Any) -> None:
        """Append speech: `{"delta": raw_bytes}`."""
        self._send(build_event(InputAudioBufferAppendEvent, data))

    def input_audio_buffer_complete(self) -> None:
        """End of the speech: the rest is transcribed, translated and spoken."""
        self._send(build_event(InputAudioBufferCompleteEvent))


class AsyncWebsocketsAudioSimultInterpretationClient(_SimultInterpretationSession, AsyncWebsocketsBaseClient):
    async def simult_interpretation_update(self, data: Any) -> None:
        self._send(build_event(SimultInterpretationUpdateEvent, data))

    async def input_audio_buffer_append(self, data: Any) -> None:
        self._send(build_event(InputAudioBufferAppendEvent, data))

    async def input_audio_buffer_complete(self) -> None:
        self._send(build_event(InputAudioBufferCompleteEvent))


class WebsocketsAudioSimultInterpretationBuildClient(WebsocketsResource[SyncAPIClient]):
    def create(
        self,
        *,
        on_event: Any = None,
        options: Optional[WebsocketsOptions] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> WebsocketsAudioSimultInterpretationClient:
        endpoint = make_endpoint(self._client, self._ws_base_url, _PATH, None, headers)
        return WebsocketsAudioSimultInterpretationClient(
            endpoint, on_event, options or default_options(self._client)
        )


class AsyncWebsocketsAudioSimultInterpretationBuildClient(WebsocketsResource[AsyncAPIClient]):
    def create(
        self,
        *,
        on_event: Any = None,
        options: Optional[WebsocketsOptions] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> AsyncWebsocketsAudioSimultInterpretationClient:
        endpoint = make_endpoint(self._client, self._ws_base_url, _PATH, None, headers)
        return AsyncWebsocketsAudioSimultInterpretationClient(
            endpoint, on_event, options or default_options(self._client)
        )
