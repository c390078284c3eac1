"""Audio REST models: voices, speech formats, transcriptions and RTC rooms. Names follow cozepy."""

from __future__ import annotations

from typing import List, Optional

from pydantic import Field

from .._models import CozeModel, OpenEnum
from ._shared import OptionalTimestamp

__all__ = [
    "AudioFormat",
    "CreateRoomResp",
    "CreateTranscriptionsResp",
    "EmotionInfo",
    "EmotionScaleInterval",
    "LanguageCode",
    "RoomAudioConfig",
    "RoomConfig",
    "RoomMode",
    "RoomTurnDetection",
    "RoomVideoConfig",
    "TranslateConfig",
    "Voice",
    "VoiceModelType",
    "VoiceState",
]


class AudioFormat(OpenEnum):
    """Audio container/codec names used by speech (output) and voice cloning (input)."""

    WAV = "wav"
    PCM = "pcm"
    OGG_OPUS = "ogg_opus"
    MP3 = "mp3"
    OGG = "ogg"
    M4A = "m4a"
    AAC = "aac"


class LanguageCode(OpenEnum):
    ZH = "zh"
    EN = "en"
    JA = "ja"
    ES = "es"
    ID = "id"
    PT = "pt"


class VoiceState(OpenEnum):
    INIT = "init"
    CLONED = "cloned"
    ALL = "all"
    """Only as a list filter."""


class VoiceModelType(OpenEnum):
    BIG = "big"
    SMALL = "small"


class EmotionScaleInterval(CozeModel):
    min: Optional[float] = None
    max: Optional[float] = None
    default: Optional[float] = None


class EmotionInfo(CozeModel):
    """One emotion a multi-emotion voice supports."""

    emotion: str = ""
    display_name: str = ""
    emotion_scale_interval: Optional[EmotionScaleInterval] = None


class Voice(CozeModel):
    """A system or cloned voice (`voice_id` is what speech and chats take)."""

    voice_id: str
    name: str = ""
    is_system_voice: bool = False
    language_code: str = ""
    language_name: str = ""
    preview_text: str = ""
    preview_audio: str = ""
    available_training_times: int = 0
    create_time: OptionalTimestamp = None
    update_time: OptionalTimestamp = None
    model_type: Optional[VoiceModelType] = None
    model_name: Optional[str] = None
    state: Optional[VoiceState] = None
    support_emotions: Optional[List[EmotionInfo]] = None


class CreateTranscriptionsResp(CozeModel):
    text: str = ""


class RoomMode(OpenEnum):
    DEFAULT = "default"
    S2S = "s2s"
    PODCAST = "podcast"
    TRANSLATE = "translate"


class RoomAudioConfig(CozeModel):
    codec: Optional[str] = None
    """AACLC, G711A, OPUS (default) or G722."""


class RoomVideoConfig(CozeModel):
    codec: Optional[str] = None
    stream_video_type: Optional[str] = None
    video_frame_rate: Optional[int] = None
    video_frame_expire_duration: Optional[int] = None


class TranslateConfig(CozeModel):
    from_: Optional[str] = Field(default=None, alias="from")
    to: Optional[str] = None


class RoomTurnDetection(CozeModel):
    type: Optional[str] = None
    """server_vad, client_interrupt or semantic_vad."""


class RoomConfig(CozeModel):
    audio_config: Optional[RoomAudioConfig] = None
    video_config: Optional[RoomVideoConfig] = None
    prologue_content: Optional[str] = None
    prologue_delay_duration_ms: Optional[int] = None
    room_mode: Optional[RoomMode] = None
    translate_config: Optional[TranslateConfig] = None
    turn_detection: Optional[RoomTurnDetection] = None


class CreateRoomResp(CozeModel):
    """RTC join credentials for a voice room."""

    token: str = ""
    uid: str = ""
    room_id: str = ""
    app_id: str = ""
