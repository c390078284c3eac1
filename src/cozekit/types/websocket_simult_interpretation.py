"""`/v1/audio/simult_interpretation` WebSocket events: speech in one language in, its transcript, its
translation and the translation spoken out. Names follow @coze/api (cozepy has no such client); the
`input_audio_buffer` uplink events are the ones `/v1/audio/transcriptions` uses."""

from __future__ import annotations

from typing import ClassVar, List, Optional, Type

from pydantic import Field

from .._models import CozeModel
from .websocket import AudioBytes, InputAudio, OutputAudio, WebsocketsEvent, WebsocketsEventType

__all__ = [
    "SimultInterpretationAudioDeltaEvent",
    "SimultInterpretationCreatedEvent",
    "SimultInterpretationGlossaryItem",
    "SimultInterpretationMessageCompletedEvent",
    "SimultInterpretationTranscriptionDeltaEvent",
    "SimultInterpretationTranslateConfig",
    "SimultInterpretationTranslationDeltaEvent",
    "SimultInterpretationUpdateEvent",
    "SimultInterpretationUpdatedEvent",
]

_T = WebsocketsEventType


class SimultInterpretationGlossaryItem(CozeModel):
    """A fixed translation: `original` is always rendered as `translation`."""

    original: str
    translation: str


class SimultInterpretationTranslateConfig(CozeModel):
    """Source and target language (`zh` or `en`), hot words for recognition and a glossary."""

    from_: Optional[str] = Field(default=None, alias="from")
    to: Optional[str] = None
    hot_words: Optional[List[str]] = None
    glossary: Optional[List[SimultInterpretationGlossaryItem]] = None


class _Config(CozeModel):
    input_audio: Optional[InputAudio] = None
    output_audio: Optional[OutputAudio] = None
    translate_config: Optional[SimultInterpretationTranslateConfig] = None


class SimultInterpretationUpdateEvent(WebsocketsEvent):
    """Set the input audio, the spoken output and the languages (`{"input_audio", "output_audio",
    "translate_config"}`)."""

    Data: ClassVar[Type[_Config]] = _Config

    event_type: WebsocketsEventType = _T.SIMULT_INTERPRETATION_UPDATE
    data: _Config = _Config()


class SimultInterpretationCreatedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.SIMULT_INTERPRETATION_CREATED


class SimultInterpretationUpdatedEvent(WebsocketsEvent):
    """The effective configuration, defaults filled in."""

    Data: ClassVar[Type[_Config]] = _Config

    event_type: WebsocketsEventType = _T.SIMULT_INTERPRETATION_UPDATED
    data: _Config = _Config()


class _AudioDelta(CozeModel):
    delta: AudioBytes


class _TextDelta(CozeModel):
    delta: str = ""


class SimultInterpretationAudioDeltaEvent(WebsocketsEvent):
    """A chunk of the translation spoken in `output_audio`'s format; `data.delta` is decoded bytes."""

    Data: ClassVar[Type[_AudioDelta]] = _AudioDelta

    event_type: WebsocketsEventType = _T.SIMULT_INTERPRETATION_AUDIO_DELTA
    data: _AudioDelta


class SimultInterpretationTranscriptionDeltaEvent(WebsocketsEvent):
    """More of the source-language transcript (append the deltas)."""

    Data: ClassVar[Type[_TextDelta]] = _TextDelta

    event_type: WebsocketsEventType = _T.SIMULT_INTERPRETATION_TRANSCRIPTION_DELTA
    data: _TextDelta = _TextDelta()


class SimultInterpretationTranslationDeltaEvent(WebsocketsEvent):
    """More of the translation (append the deltas)."""

    Data: ClassVar[Type[_TextDelta]] = _TextDelta

    event_type: WebsocketsEventType = _T.SIMULT_INTERPRETATION_TRANSLATION_DELTA
    data: _TextDelta = _TextDelta()


class SimultInterpretationMessageCompletedEvent(WebsocketsEvent):
    """The audio given so far is fully transcribed, translated and spoken."""

    event_type: WebsocketsEventType = _T.SIMULT_INTERPRETATION_MESSAGE_COMPLETED
