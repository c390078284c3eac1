"""`coze.websockets.chat`: voice (and text) chat with a bot over `/v1/chat`."""

from __future__ import annotations

from typing import Any, ClassVar, Dict, FrozenSet, Mapping, Optional, Sequence, Union

from .._base_client import AsyncAPIClient, SyncAPIClient
from .._exceptions import ChatFailedError
from ..types.websocket import WebsocketsEventType
from ..types.websocket_audio import (
    InputAudioBufferAppendEvent,
    InputAudioBufferClearedEvent,
    InputAudioBufferClearEvent,
    InputAudioBufferCompletedEvent,
    InputAudioBufferCompleteEvent,
)
from ..types.websocket_chat import (
    ChatCreatedEvent,
    ChatUpdatedEvent,
    ChatUpdateEvent,
    ConversationAudioCompletedEvent,
    ConversationAudioDeltaEvent,
    ConversationAudioSentenceStartEvent,
    ConversationAudioTranscriptCompletedEvent,
    ConversationAudioTranscriptUpdateEvent,
    ConversationChatCanceledEvent,
    ConversationChatCancelEvent,
    ConversationChatCompletedEvent,
    ConversationChatCreatedEvent,
    ConversationChatFailedEvent,
    ConversationChatInProgressEvent,
    ConversationChatRequiresActionEvent,
    ConversationChatSubmitToolOutputsEvent,
    ConversationClear,
    ConversationClearedEvent,
    ConversationMessageCompletedEvent,
    ConversationMessageCreateEvent,
    ConversationMessageDeltaEvent,
    DumpAudioEvent,
    InputAudioBufferSpeechStartedEvent,
    InputAudioBufferSpeechStoppedEvent,
    InputTextGenerateAudioEvent,
)
from ._base import (
    AsyncWebsocketsBaseClient,
    AsyncWebsocketsBaseEventHandler,
    Endpoint,
    WebsocketsBaseClient,
    WebsocketsBaseEventHandler,
)
from ._connection import WebsocketsOptions
from ._dispatch import EventTable, Fatal, build_event
from ._endpoint import WebsocketsResource, default_options, make_endpoint
from ._tables import table_of

__all__ = [
    "AsyncWebsocketsChatBuildClient",
    "AsyncWebsocketsChatClient",
    "AsyncWebsocketsChatEventHandler",
    "WebsocketsChatBuildClient",
    "WebsocketsChatClient",
    "WebsocketsChatEventHandler",
]

_T = WebsocketsEventType
_EVENTS = table_of(
    ChatCreatedEvent,
    ChatUpdatedEvent,
    ConversationChatCreatedEvent,
    ConversationChatInProgressEvent,
    ConversationMessageDeltaEvent,
    ConversationAudioSentenceStartEvent,
    ConversationAudioDeltaEvent,
    ConversationMessageCompletedEvent,
    ConversationAudioCompletedEvent,
    ConversationChatCompletedEvent,
    ConversationChatFailedEvent,
    ConversationChatRequiresActionEvent,
    ConversationChatCanceledEvent,
    ConversationClearedEvent,
    ConversationAudioTranscriptUpdateEvent,
    ConversationAudioTranscriptCompletedEvent,
    InputAudioBufferCompletedEvent,
    InputAudioBufferClearedEvent,
    InputAudioBufferSpeechStartedEvent,
    InputAudioBufferSpeechStoppedEvent,
    DumpAudioEvent,
)

Data = Union[Mapping[str, Any], Any]


def _chat_failed(event: ConversationChatFailedEvent) -> ChatFailedError:
    last = event.data.last_error
    err = ChatFailedError(last.code if last else 0, last.msg if last else "chat failed", event.logid)
    err.chat = event.data
    return err


class _ChatSession:
    _path: ClassVar[str] = "/v1/chat"
    _event_table: ClassVar[EventTable] = _EVENTS
    _wait_events: ClassVar[Sequence[str]] = (_T.CONVERSATION_CHAT_COMPLETED.value,)
    _update_events: ClassVar[FrozenSet[str]] = frozenset({_T.CHAT_UPDATE.value})
    _fatal: ClassVar[Mapping[str, Fatal]] = {_T.CONVERSATION_CHAT_FAILED.value: _chat_failed}


class WebsocketsChatEventHandler(WebsocketsBaseEventHandler):
    """Override the `on_<event>` methods you need; each receives the client and the typed event."""

    def on_chat_created(self, cli: WebsocketsChatClient, event: ChatCreatedEvent) -> None: ...
    def on_chat_updated(self, cli: WebsocketsChatClient, event: ChatUpdatedEvent) -> None: ...
    def on_conversation_chat_created(
        self, cli: WebsocketsChatClient, event: ConversationChatCreatedEvent
    ) -> None: ...
    def on_conversation_chat_in_progress(
        self, cli: WebsocketsChatClient, event: ConversationChatInProgressEvent
    ) -> None: ...
    def on_conversation_message_delta(
        self, cli: WebsocketsChatClient, event: ConversationMessageDeltaEvent
    ) -> None: ...
    def on_conversation_audio_sentence_start(
        self, cli: WebsocketsChatClient, event: ConversationAudioSentenceStartEvent
    ) -> None: ...
    def on_conversation_audio_delta(
        self, cli: WebsocketsChatClient, event: ConversationAudioDeltaEvent
    ) -> None: ...
    def on_conversation_message_completed(
        self, cli: WebsocketsChatClient, event: ConversationMessageCompletedEvent
    ) -> None: ...
    def on_conversation_audio_completed(
        self, cli: WebsocketsChatClient, event: ConversationAudioCompletedEvent
    ) -> None: ...
    def on_conversation_chat_completed(
        self, cli: WebsocketsChatClient, event: ConversationChatCompletedEvent
    ) -> None: ...
    def on_conversation_chat_failed(
        self, cli: WebsocketsChatClient, event: ConversationChatFailedEvent
    ) -> None: ...
    def on_conversation_chat_requires_action(
        self, cli: WebsocketsChatClient, event: ConversationChatRequiresActionEvent
    ) -> None: ...
    def on_conversation_chat_canceled(
        self, cli: WebsocketsChatClient, event: ConversationChatCanceledEvent
    ) -> None: ...
    def on_conversation_cleared(self, cli: WebsocketsChatClient, event: ConversationClearedEvent) -> None: ...
    def on_conversation_audio_transcript_update(
        self, cli: WebsocketsChatClient, event: ConversationAudioTranscriptUpdateEvent
    ) -> None: ...
    def on_conversation_audio_transcript_completed(
        self, cli: WebsocketsChatClient, event: ConversationAudioTranscriptCompletedEvent
    ) -> None: ...
    def on_input_audio_buffer_completed(
        self, cli: WebsocketsChatClient, event: InputAudioBufferCompletedEvent
    ) -> None: ...
    def on_input_audio_buffer_cleared(
        self, cli: WebsocketsChatClient, event: InputAudioBufferClearedEvent
    ) -> None: ...
    def on_input_audio_buffer_speech_started(
        self, cli: WebsocketsChatClient, event: InputAudioBufferSpeechStartedEvent
    ) -> None: ...
    def on_input_audio_buffer_speech_stopped(
        self, cli: WebsocketsChatClient, event: InputAudioBufferSpeechStoppedEvent
    ) -> None: ...


class AsyncWebsocketsChatEventHandler(AsyncWebsocketsBaseEventHandler):
    """The async twin of `WebsocketsChatEventHandler` (coroutine methods)."""

    async def on_chat_created(self, cli: AsyncWebsocketsChatClient, event: ChatCreatedEvent) -> None: ...
    async def on_chat_updated(self, cli: AsyncWebsocketsChatClient, event: ChatUpdatedEvent) -> None: ...
    async def on_conversation_chat_created(
        self, cli: AsyncWebsocketsChatClient, event: ConversationChatCreatedEvent
    ) -> None: ...
    async def on_conversation_chat_in_progress(
        self, cli: AsyncWebsocketsChatClient, event: ConversationChatInProgressEvent
    ) -> None: ...
    async def on_conversation_message_delta(
        self, cli: AsyncWebsocketsChatClient, event: ConversationMessageDeltaEvent
    ) -> None: ...
    async def on_conversation_audio_sentence_start(
        self, cli: AsyncWebsocketsChatClient, event: ConversationAudioSentenceStartEvent
    ) -> None: ...
    async def on_conversation_audio_delta(
        self, cli: AsyncWebsocketsChatClient, event: ConversationAudioDeltaEvent
    ) -> None: ...
    async def on_conversation_message_completed(
        self, cli: AsyncWebsocketsChatClient, event: ConversationMessageCompletedEvent
    ) -> None: ...
    async def on_conversation_audio_completed(
        self, cli: AsyncWebsocketsChatClient, event: ConversationAudioCompletedEvent
    ) -> None: ...
    async def on_conversation_chat_completed(
        self, cli: AsyncWebsocketsChatClient, event: ConversationChatCompletedEvent
    ) -> None: ...
    async def on_conversation_chat_failed(
        self, cli: AsyncWebsocketsChatClient, event: ConversationChatFailedEvent
    ) -> None: ...
    async def on_conversation_chat_requires_action(
        self, cli: AsyncWebsocketsChatClient, event: ConversationChatRequiresActionEvent
    ) -> None: ...
    async def on_conversation_chat_canceled(
        self, cli: AsyncWebsocketsChatClient, event: ConversationChatCanceledEvent
    ) -> None: ...
    async def on_conversation_cleared(
        self, cli: AsyncWebsocketsChatClient, event: ConversationClearedEvent
    ) -> None: ...
    async def on_conversation_audio_transcript_update(
        self, cli: AsyncWebsocketsChatClient, event: ConversationAudioTranscriptUpdateEvent
    ) -> None: ...
    async def on_conversation_audio_transcript_completed(
        self, cli: AsyncWebsocketsChatClient, event: ConversationAudioTranscriptCompletedEvent
    ) -> None: ...
    async def on_input_audio_buffer_completed(
        self, cli: AsyncWebsocketsChatClient, event: InputAudioBufferCompletedEvent
    ) -> None: ...
    async def on_input_audio_buffer_cleared(
        self, cli: AsyncWebsocketsChatClient, event: InputAudioBufferClearedEvent
    ) -> None: ...
    async def on_input_audio_buffer_speech_started(
        self, cli: AsyncWebsocketsChatClient, event: InputAudioBufferSpeechStartedEvent
    ) -> None: ...
    async def on_input_audio_buffer_speech_stopped(
        self, cli: AsyncWebsocketsChatClient, event: InputAudioBufferSpeechStoppedEvent
    ) -> None: ...


class WebsocketsChatClient(_ChatSession, WebsocketsBaseClient):
    """A voice chat session. `wait()` waits for `conversation.chat.completed` and raises
    `ChatFailedError` on `conversation.chat.failed`."""

    def chat_update(self, data: Data) -> None:
        """Configure the session: chat_config, input/output audio, turn detection, ASR..."""
        self._send(build_event(ChatUpdateEvent, data))

    def input_audio_buffer_append(self, data: Data) -> None:
        """Append audio: `{"delta": raw_bytes}`."""
        self._send(build_event(InputAudioBufferAppendEvent, data))

    def input_audio_buffer_complete(self) -> None:
        self._send(build_event(InputAudioBufferCompleteEvent))

    def input_audio_buffer_clear(self) -> None:
        self._send(build_event(InputAudioBufferClearEvent))

    def conversation_message_create(self, data: Data) -> None:
        self._send(build_event(ConversationMessageCreateEvent, data))

    def conversation_clear(self) -> None:
        self._send(build_event(ConversationClear))

    def conversation_chat_submit_tool_outputs(self, data: Data) -> None:
        self._send(build_event(ConversationChatSubmitToolOutputsEvent, data))

    def conversation_chat_cancel(self) -> None:
        """Interrupt the bot's reply."""
        self._send(build_event(ConversationChatCancelEvent))

    def input_text_generate_audio(self, data: Data) -> None:
        self._send(build_event(InputTextGenerateAudioEvent, data))


class AsyncWebsocketsChatClient(_ChatSession, AsyncWebsocketsBaseClient):
    async def chat_update(self, data: Data) -> None:
        self._send(build_event(ChatUpdateEvent, data))

    async def input_audio_buffer_append(self, data: Data) -> None:
        self._send(build_event(InputAudioBufferAppendEvent, data))

    async def input_audio_buffer_complete(self) -> None:
        self._send(build_event(InputAudioBufferCompleteEvent))

    async def input_audio_buffer_clear(self) -> None:
        self._send(build_event(InputAudioBufferClearEvent))

    async def conversation_message_create(self, data: Data) -> None:
        self._send(build_event(ConversationMessageCreateEvent, data))

    async def conversation_clear(self) -> None:
        self._send(build_event(ConversationClear))

    async def conversation_chat_submit_tool_outputs(self, data: Data) -> None:
        self._send(build_event(ConversationChatSubmitToolOutputsEvent, data))

    async def conversation_chat_cancel(self) -> None:
        self._send(build_event(ConversationChatCancelEvent))

    async def input_text_generate_audio(self, data: Data) -> None:
        self._send(build_event(InputTextGenerateAudioEvent, data))


def _endpoint(
    client: Any,
    ws_base_url: str,
    bot_id: str,
    workflow_id: Optional[str],
    device_id: Optional[Union[int, str]],
    headers: Optional[Mapping[str, str]],
) -> Endpoint:
    if not bot_id:
        raise ValueError("bot_id must be a non-empty value")
    query: Dict[str, Any] = {
        "bot_id": bot_id,
        "workflow_id": workflow_id,
        "device_id": str(device_id) if device_id is not None else None,
    }
    return make_endpoint(client, ws_base_url, "/v1/chat", query, headers)


class WebsocketsChatBuildClient(WebsocketsResource[SyncAPIClient]):
    def create(
        self,
        *,
        bot_id: str,
        on_event: Any = None,
        workflow_id: Optional[str] = None,
        device_id: Optional[Union[int, str]] = None,
        options: Optional[WebsocketsOptions] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> WebsocketsChatClient:
        """A chat session (not yet connected): `with coze.websockets.chat.create(...) as chat:`.

        `on_event` is a `WebsocketsChatEventHandler` or `{event_type: callable(client, event)}`.
        """
        endpoint = _endpoint(self._client, self._ws_base_url, bot_id, workflow_id, device_id, headers)
        return WebsocketsChatClient(endpoint, on_event, options or default_options(self._client))


class AsyncWebsocketsChatBuildClient(WebsocketsResource[AsyncAPIClient]):
    def create(
        self,
        *,
        bot_id: str,
        on_event: Any = None,
        workflow_id: Optional[str] = None,
        device_id: Optional[Union[int, str]] = None,
        options: Optional[WebsocketsOptions] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> AsyncWebsocketsChatClient:
        endpoint = _endpoint(self._client, self._ws_base_url, bot_id, workflow_id, device_id, headers)
        return AsyncWebsocketsChatClient(endpoint, on_event, options or default_options(self._client))
