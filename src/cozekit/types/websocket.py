"""WebSocket events shared by `/v1/chat`, `/v1/audio/speech` and `/v1/audio/transcriptions`: the event
envelope, event types, errors and audio formats. Names follow cozepy."""

from __future__ import annotations

import base64
from typing import Any, ClassVar, Optional, Type

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer
from typing_extensions import Annotated

from .._exceptions import CozeAPIError, error_class
from .._models import CozeModel, OpenEnum

__all__ = [
    "AudioBytes",
    "EmotionConfig",
    "EventDetail",
    "InputAudio",
    "LimitConfig",
    "MP3Config",
    "OpusConfig",
    "OutputAudio",
    "PCMConfig",
    "WebsocketsErrorData",
    "WebsocketsErrorEvent",
    "WebsocketsEvent",
    "WebsocketsEventType",
]


class WebsocketsEventType(OpenEnum):
    """Every documented uplink and downlink event type, plus the SDK's own `client_error` and `closed`."""

    CLIENT_ERROR = "client_error"
    """SDK-side: an invalid frame or a lost connection (never on the wire)."""
    CLOSED = "closed"
    """SDK-side: the connection closed (never on the wire)."""
    ERROR = "error"

    # /v1/audio/speech
    SPEECH_UPDATE = "speech.update"
    INPUT_TEXT_BUFFER_APPEND = "input_text_buffer.append"
    INPUT_TEXT_BUFFER_COMPLETE = "input_text_buffer.complete"
    SPEECH_CREATED = "speech.created"
    SPEECH_UPDATED = "speech.updated"
    INPUT_TEXT_BUFFER_COMPLETED = "input_text_buffer.completed"
    SPEECH_AUDIO_UPDATE = "speech.audio.update"
    SPEECH_AUDIO_COMPLETED = "speech.audio.completed"

    # /v1/audio/transcriptions (the input_audio_buffer events are shared with /v1/chat)
    TRANSCRIPTIONS_UPDATE = "transcriptions.update"
    INPUT_AUDIO_BUFFER_APPEND = "input_audio_buffer.append"
    INPUT_AUDIO_BUFFER_COMPLETE = "input_audio_buffer.complete"
    INPUT_AUDIO_BUFFER_CLEAR = "input_audio_buffer.clear"
    TRANSCRIPTIONS_CREATED = "transcriptions.created"
    TRANSCRIPTIONS_UPDATED = "transcriptions.updated"
    INPUT_AUDIO_BUFFER_COMPLETED = "input_audio_buffer.completed"
    INPUT_AUDIO_BUFFER_CLEARED = "input_audio_buffer.cleared"
    TRANSCRIPTIONS_MESSAGE_UPDATE = "transcriptions.message.update"
    TRANSCRIPTIONS_MESSAGE_COMPLETED = "transcriptions.message.completed"

    # /v1/audio/simult_interpretation (the input_audio_buffer uplink events as above)
    SIMULT_INTERPRETATION_UPDATE = "simult_interpretation.update"
    SIMULT_INTERPRETATION_CREATED = "simult_interpretation.created"
    SIMULT_INTERPRETATION_UPDATED = "simult_interpretation.updated"
    SIMULT_INTERPRETATION_AUDIO_DELTA = "simult_interpretation.audio.delta"
    SIMULT_INTERPRETATION_TRANSCRIPTION_DELTA = "simult_interpretation.transcription.delta"
    SIMULT_INTERPRETATION_TRANSLATION_DELTA = "simult_interpretation.translation.delta"
    SIMULT_INTERPRETATION_MESSAGE_COMPLETED = "simult_interpretation.message.completed"

    # /v1/chat uplink
    CHAT_UPDATE = "chat.update"
    CONVERSATION_MESSAGE_CREATE = "conversation.message.create"
    CONVERSATION_CLEAR = "conversation.clear"
    CONVERSATION_CHAT_SUBMIT_TOOL_OUTPUTS = "conversation.chat.submit_tool_outputs"
    CONVERSATION_CHAT_CANCEL = "conversation.chat.cancel"
    INPUT_TEXT_GENERATE_AUDIO = "input_text.generate_audio"
    # /v1/chat downlink
    CHAT_CREATED = "chat.created"
    CHAT_UPDATED = "chat.updated"
    CONVERSATION_CHAT_CREATED = "conversation.chat.created"
    CONVERSATION_CHAT_IN_PROGRESS = "conversation.chat.in_progress"
    CONVERSATION_MESSAGE_DELTA = "conversation.message.delta"
    CONVERSATION_AUDIO_SENTENCE_START = "conversation.audio.sentence_start"
    CONVERSATION_AUDIO_DELTA = "conversation.audio.delta"
    CONVERSATION_MESSAGE_COMPLETED = "conversation.message.completed"
    CONVERSATION_AUDIO_COMPLETED = "conversation.audio.completed"
    CONVERSATION_CHAT_COMPLETED = "conversation.chat.completed"
    CONVERSATION_CHAT_FAILED = "conversation.chat.failed"
    CONVERSATION_CHAT_REQUIRES_ACTION = "conversation.chat.requires_action"
    CONVERSATION_CHAT_CANCELED = "conversation.chat.canceled"
    CONVERSATION_CLEARED = "conversation.cleared"
    CONVERSATION_AUDIO_TRANSCRIPT_UPDATE = "conversation.audio_transcript.update"
    CONVERSATION_AUDIO_TRANSCRIPT_COMPLETED = "conversation.audio_transcript.completed"
    INPUT_AUDIO_BUFFER_SPEECH_STARTED = "input_audio_buffer.speech_started"
    INPUT_AUDIO_BUFFER_SPEECH_STOPPED = "input_audio_buffer.speech_stopped"
    DUMP_AUDIO = "dump.audio"


def _decode_b64(value: Any) -> Any:
    if isinstance(value, str):
        return base64.b64decode(value)
    if isinstance(value, bytearray):
        return bytes(value)
    return value


AudioBytes = Annotated[
    bytes,
    BeforeValidator(_decode_b64),
    PlainSerializer(lambda b: base64.b64encode(b).decode("ascii"), return_type=str),
]
"""Audio bytes, base64 on the wire: a string validates by decoding, bytes are kept."""


class EventDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    logid: Optional[str] = None
    respond_at: Optional[str] = None
    """Milliseconds since the epoch, as a string."""
    origin_message: Optional[str] = None


class WebsocketsEvent(CozeModel):
    """One event; unknown event types validate as this class with their `data` kept."""

    Detail: ClassVar[Type[EventDetail]] = EventDetail

    event_type: WebsocketsEventType
    id: Optional[str] = None
    detail: Optional[EventDetail] = None

    @property
    def logid(self) -> str:
        logid = self.detail.logid if isinstance(self.detail, EventDetail) else None
        return logid if isinstance(logid, str) else ""


class WebsocketsErrorData(CozeModel):
    code: int = 0
    msg: str = ""


class WebsocketsErrorEvent(WebsocketsEvent):
    """`error`: the server refused an event or failed; `to_error()` is the typed `CozeAPIError`."""

    event_type: WebsocketsEventType = WebsocketsEventType.ERROR
    data: WebsocketsErrorData = WebsocketsErrorData()

    def to_error(self) -> CozeAPIError:
        data = self.data if isinstance(self.data, WebsocketsErrorData) else WebsocketsErrorData()
        code = data.code if isinstance(data.code, int) else 0
        msg = data.msg if isinstance(data.msg, str) else str(data.msg)
        body = self.model_dump(mode="json", exclude_none=True, warnings=False)
        return error_class(None, code)(code, msg, self.logid, body=body)


class LimitConfig(CozeModel):
    period: Optional[int] = None
    """Seconds per period."""
    max_frame_num: Optional[int] = None


class InputAudio(CozeModel):
    """What the client sends: format pcm|wav|ogg, codec pcm|opus|g711a|g711u, rate, channels, bit depth."""

    format: Optional[str] = None
    codec: Optional[str] = None
    sample_rate: Optional[int] = None
    channel: Optional[int] = None
    bit_depth: Optional[int] = None


class PCMConfig(CozeModel):
    sample_rate: Optional[int] = None
    frame_size_ms: Optional[float] = None
    limit_config: Optional[LimitConfig] = None


class OpusConfig(CozeModel):
    sample_rate: Optional[int] = None
    bitrate: Optional[int] = None
    use_cbr: Optional[bool] = None
    frame_size_ms: Optional[float] = None
    limit_config: Optional[LimitConfig] = None


class MP3Config(CozeModel):
    sample_rate: Optional[int] = None
    bit_rate: Optional[int] = None


class EmotionConfig(CozeModel):
    emotion: Optional[str] = None
    emotion_scale: Optional[float] = None


class OutputAudio(CozeModel):
    """What the server sends: codec pcm (mono 16-bit) | g711a | g711u | opus | mp3, voice and rate."""

    codec: Optional[str] = None
    pcm_config: Optional[PCMConfig] = None
    opus_config: Optional[OpusConfig] = None
    mp3_config: Optional[MP3Config] = None
    speech_rate: Optional[int] = None
    loudness_rate: Optional[int] = None
    voice_id: Optional[str] = None
    context_texts: Optional[str] = None
    emotion_config: Optional[EmotionConfig] = None
