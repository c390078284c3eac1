"""`/v1/audio/speech` (streaming TTS) and `/v1/audio/transcriptions` (streaming ASR) WebSocket events, plus
the `input_audio_buffer` events they share with `/v1/chat`. Names follow cozepy."""

from __future__ import annotations

from typing import Any, ClassVar, Optional, Type

from .._models import CozeModel
from .websocket import AudioBytes, InputAudio, OutputAudio, WebsocketsEvent, WebsocketsEventType

__all__ = [
    "InputAudioBufferAppendEvent",
    "InputAudioBufferClearEvent",
    "InputAudioBufferClearedEvent",
    "InputAudioBufferCompleteEvent",
    "InputAudioBufferCompletedEvent",
    "InputTextBufferAppendEvent",
    "InputTextBufferCompleteEvent",
    "InputTextBufferCompletedEvent",
    "SpeechAudioCompletedEvent",
    "SpeechAudioUpdateEvent",
    "SpeechCreatedEvent",
    "SpeechUpdateEvent",
    "SpeechUpdatedEvent",
    "TranscriptionsASRConfig",
    "TranscriptionsCreatedEvent",
    "TranscriptionsMessageCompletedEvent",
    "TranscriptionsMessageUpdateEvent",
    "TranscriptionsUpdateEvent",
    "TranscriptionsUpdatedEvent",
]

_T = WebsocketsEventType


# -- input audio buffer (chat and transcriptions) -------------------------------------------------------


class _AudioDelta(CozeModel):
    delta: AudioBytes


class InputAudioBufferAppendEvent(WebsocketsEvent):
    """Append audio to the input buffer; `data.delta` is raw bytes (sent as base64)."""

    Data: ClassVar[Type[_AudioDelta]] = _AudioDelta

    event_type: WebsocketsEventType = _T.INPUT_AUDIO_BUFFER_APPEND
    data: _AudioDelta


class InputAudioBufferCompleteEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.INPUT_AUDIO_BUFFER_COMPLETE


class InputAudioBufferClearEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.INPUT_AUDIO_BUFFER_CLEAR


class InputAudioBufferCompletedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.INPUT_AUDIO_BUFFER_COMPLETED


class InputAudioBufferClearedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.INPUT_AUDIO_BUFFER_CLEARED


# -- speech ---------------------------------------------------------------------------------------------


class _SpeechConfig(CozeModel):
    output_audio: Optional[OutputAudio] = None


class SpeechUpdateEvent(WebsocketsEvent):
    Data: ClassVar[Type[_SpeechConfig]] = _SpeechConfig

    event_type: WebsocketsEventType = _T.SPEECH_UPDATE
    data: _SpeechConfig = _SpeechConfig()


class _TextDelta(CozeModel):
    delta: str


class InputTextBufferAppendEvent(WebsocketsEvent):
    Data: ClassVar[Type[_TextDelta]] = _TextDelta

    event_type: WebsocketsEventType = _T.INPUT_TEXT_BUFFER_APPEND
    data: _TextDelta


class InputTextBufferCompleteEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.INPUT_TEXT_BUFFER_COMPLETE


class SpeechCreatedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.SPEECH_CREATED


class SpeechUpdatedEvent(WebsocketsEvent):
    Data: ClassVar[Type[_SpeechConfig]] = _SpeechConfig

    event_type: WebsocketsEventType = _T.SPEECH_UPDATED
    data: _SpeechConfig = _SpeechConfig()


class InputTextBufferCompletedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.INPUT_TEXT_BUFFER_COMPLETED


class SpeechAudioUpdateEvent(WebsocketsEvent):
    """A synthesized audio chunk; `data.delta` is decoded bytes."""

    Data: ClassVar[Type[_AudioDelta]] = _AudioDelta

    event_type: WebsocketsEventType = _T.SPEECH_AUDIO_UPDATE
    data: _AudioDelta


class SpeechAudioCompletedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.SPEECH_AUDIO_COMPLETED


# -- transcriptions -------------------------------------------------------------------------------------


class TranscriptionsASRConfig(CozeModel):
    hot_words: Optional[Any] = None
    context: Optional[str] = None
    user_language: Optional[str] = None
    enable_ddc: Optional[bool] = None
    enable_itn: Optional[bool] = None
    enable_punc: Optional[bool] = None


class _TranscriptionsConfig(CozeModel):
    input_audio: Optional[InputAudio] = None
    asr_config: Optional[TranscriptionsASRConfig] = None


class TranscriptionsUpdateEvent(WebsocketsEvent):
    Data: ClassVar[Type[_TranscriptionsConfig]] = _TranscriptionsConfig

    event_type: WebsocketsEventType = _T.TRANSCRIPTIONS_UPDATE
    data: _TranscriptionsConfig = _TranscriptionsConfig()


class TranscriptionsCreatedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.TRANSCRIPTIONS_CREATED


class TranscriptionsUpdatedEvent(WebsocketsEvent):
    Data: ClassVar[Type[_TranscriptionsConfig]] = _TranscriptionsConfig

    event_type: WebsocketsEventType = _T.TRANSCRIPTIONS_UPDATED
    data: _TranscriptionsConfig = _TranscriptionsConfig()


class _Content(CozeModel):
    content: str = ""


class TranscriptionsMessageUpdateEvent(WebsocketsEvent):
    """The text recognised so far (the full text each time)."""

    Data: ClassVar[Type[_Content]] = _Content

    event_type: WebsocketsEventType = _T.TRANSCRIPTIONS_MESSAGE_UPDATE
    data: _Content = _Content()


class TranscriptionsMessageCompletedEvent(WebsocketsEvent):
    Data: ClassVar[Type[_Content]] = _Content

    event_type: WebsocketsEventType = _T.TRANSCRIPTIONS_MESSAGE_COMPLETED
    data: Optional[_Content] = None
