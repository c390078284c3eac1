"""`coze.websockets.audio`: `.speech` (streaming TTS), `.transcriptions` (streaming ASR) and
`.simult_interpretation` (speech translated as it is spoken)."""

from __future__ import annotations

from functools import cached_property

from ..._base_client import AsyncAPIClient, SyncAPIClient
from .._endpoint import WebsocketsResource
from .simult_interpretation import (
    AsyncWebsocketsAudioSimultInterpretationBuildClient,
    WebsocketsAudioSimultInterpretationBuildClient,
)
from .speech import AsyncWebsocketsAudioSpeechBuildClient, WebsocketsAudioSpeechBuildClient
from .transcriptions import (
    AsyncWebsocketsAudioTranscriptionsBuildClient,
    WebsocketsAudioTranscriptionsBuildClient,
)

__all__ = ["AsyncWebsocketsAudioClient", "WebsocketsAudioClient"]


class WebsocketsAudioClient(WebsocketsResource[SyncAPIClient]):
    @cached_property
    def speech(self) -> WebsocketsAudioSpeechBuildClient:
        return WebsocketsAudioSpeechBuildClient(self._client, self._ws_base_url)

    @cached_property
    def transcriptions(self) -> WebsocketsAudioTranscriptionsBuildClient:
        return WebsocketsAudioTranscriptionsBuildClient(self._client, self._ws_base_url)

    @cached_property
    def simult_interpretation(self) -> WebsocketsAudioSimultInterpretationBuildClient:
        return WebsocketsAudioSimultInterpretationBuildClient(self._client, self._ws_base_url)


class AsyncWebsocketsAudioClient(WebsocketsResource[AsyncAPIClient]):
    @cached_property
    def speech(self) -> AsyncWebsocketsAudioSpeechBuildClient:
        return AsyncWebsocketsAudioSpeechBuildClient(self._client, self._ws_base_url)

    @cached_property
    def transcriptions(self) -> AsyncWebsocketsAudioTranscriptionsBuildClient:
        return AsyncWebsocketsAudioTranscriptionsBuildClient(self._client, self._ws_base_url)

    @cached_property
    def simult_interpretation(self) -> AsyncWebsocketsAudioSimultInterpretationBuildClient:
        return AsyncWebsocketsAudioSimultInterpretationBuildClient(self._client, self._ws_base_url)
