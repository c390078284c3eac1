"""`coze.websockets`: realtime voice over WebSockets — `.chat` (`/v1/chat`), `.audio.speech`
(`/v1/audio/speech`), `.audio.transcriptions` (`/v1/audio/transcriptions`) and
`.audio.simult_interpretation` (`/v1/audio/simult_interpretation`), sync and async.

The host is derived from the client's REST base URL (`api.coze.cn` → `ws.coze.cn`, `api.coze.com` →
`ws.coze.com`, other hosts kept, e.g. the emulator's `http://127.0.0.1:PORT` → `ws://127.0.0.1:PORT`).

>>> with coze.websockets.chat.create(bot_id=bot_id, on_event=MyHandler()) as chat:
...     chat.conversation_message_create({"role": "user", "content_type": "text", "content": "hi"})
...     chat.wait(timeout=60)
"""

from __future__ import annotations

from functools import cached_property
from typing import Optional

from .._base_client import AsyncAPIClient, SyncAPIClient
from ._base import (
    AsyncWebsocketsBaseClient,
    AsyncWebsocketsBaseEventHandler,
    SessionState,
    WebsocketsBaseClient,
    WebsocketsBaseEventHandler,
)
from ._connection import ReconnectPolicy, WebsocketsOptions
from ._dispatch import NotConnectedError
from ._endpoint import websocket_base_url
from .audio import AsyncWebsocketsAudioClient, WebsocketsAudioClient
from .audio.simult_interpretation import (
    AsyncWebsocketsAudioSimultInterpretationClient,
    AsyncWebsocketsAudioSimultInterpretationEventHandler,
    WebsocketsAudioSimultInterpretationClient,
    WebsocketsAudioSimultInterpretationEventHandler,
)
from .audio.speech import (
    AsyncWebsocketsAudioSpeechClient,
    AsyncWebsocketsAudioSpeechEventHandler,
    WebsocketsAudioSpeechClient,
    WebsocketsAudioSpeechEventHandler,
)
from .audio.transcriptions import (
    AsyncWebsocketsAudioTranscriptionsClient,
    AsyncWebsocketsAudioTranscriptionsEventHandler,
    WebsocketsAudioTranscriptionsClient,
    WebsocketsAudioTranscriptionsEventHandler,
)
from .chat import (
    AsyncWebsocketsChatBuildClient,
    AsyncWebsocketsChatClient,
    AsyncWebsocketsChatEventHandler,
    WebsocketsChatBuildClient,
    WebsocketsChatClient,
    WebsocketsChatEventHandler,
)

__all__ = [
    "AsyncWebsocketsAudioSimultInterpretationClient",
    "AsyncWebsocketsAudioSimultInterpretationEventHandler",
    "AsyncWebsocketsAudioSpeechClient",
    "AsyncWebsocketsAudioSpeechEventHandler",
    "AsyncWebsocketsAudioTranscriptionsClient",
    "AsyncWebsocketsAudioTranscriptionsEventHandler",
    "AsyncWebsocketsBaseClient",
    "AsyncWebsocketsBaseEventHandler",
    "AsyncWebsocketsChatClient",
    "AsyncWebsocketsChatEventHandler",
    "AsyncWebsocketsClient",
    "NotConnectedError",
    "ReconnectPolicy",
    "SessionState",
    "WebsocketsAudioSimultInterpretationClient",
    "WebsocketsAudioSimultInterpretationEventHandler",
    "WebsocketsAudioSpeechClient",
    "WebsocketsAudioSpeechEventHandler",
    "WebsocketsAudioTranscriptionsClient",
    "WebsocketsAudioTranscriptionsEventHandler",
    "WebsocketsBaseClient",
    "WebsocketsBaseEventHandler",
    "WebsocketsChatClient",
    "WebsocketsChatEventHandler",
    "WebsocketsClient",
    "WebsocketsOptions",
    "websocket_base_url",
]


class WebsocketsClient:
    """`coze.websockets`; pass `base_url` to override the derived `ws(s)://` host."""

    def __init__(self, client: SyncAPIClient, base_url: Optional[str] = None) -> None:
        self._client = client
        self.base_url = (base_url or websocket_base_url(client.base_url)).rstrip("/")

    @cached_property
    def chat(self) -> WebsocketsChatBuildClient:
        return WebsocketsChatBuildClient(self._client, self.base_url)

    @cached_property
    def audio(self) -> WebsocketsAudioClient:
        return WebsocketsAudioClient(self._client, self.base_url)


class AsyncWebsocketsClient:
    def __init__(self, client: AsyncAPIClient, base_url: Optional[str] = None) -> None:
        self._client = client
        self.base_url = (base_url or websocket_base_url(client.base_url)).rstrip("/")

    @cached_property
    def chat(self) -> AsyncWebsocketsChatBuildClient:
        return AsyncWebsocketsChatBuildClient(self._client, self.base_url)

    @cached_property
    def audio(self) -> AsyncWebsocketsAudioClient:
        return AsyncWebsocketsAudioClient(self._client, self.base_url)
