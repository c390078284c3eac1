"""`/v1/chat` WebSocket events (voice and text chat with a bot), uplink and downlink. Names follow cozepy."""

from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Optional, Type

from .._models import CozeModel, OpenEnum
from .chat import Chat, ToolOutput
from .message import Message
from .websocket import InputAudio, OutputAudio, WebsocketsEvent, WebsocketsEventType

__all__ = [
    "ASRConfig",
    "ChatConfig",
    "ChatCreatedEvent",
    "ChatUpdateEvent",
    "ChatUpdatedEvent",
    "ConversationAudioCompletedEvent",
    "ConversationAudioDeltaEvent",
    "ConversationAudioSentenceStartEvent",
    "ConversationAudioTranscriptCompletedEvent",
    "ConversationAudioTranscriptUpdateEvent",
    "ConversationChatCancelEvent",
    "ConversationChatCanceledEvent",
    "ConversationChatCompletedEvent",
    "ConversationChatCreatedEvent",
    "ConversationChatFailedEvent",
    "ConversationChatInProgressEvent",
    "ConversationChatRequiresActionEvent",
    "ConversationChatSubmitToolOutputsEvent",
    "ConversationClear",
    "ConversationClearedEvent",
    "ConversationMessageCompletedEvent",
    "ConversationMessageCreateEvent",
    "ConversationMessageDeltaEvent",
    "DumpAudioEvent",
    "InputAudioBufferSpeechStartedEvent",
    "InputAudioBufferSpeechStoppedEvent",
    "InputTextGenerateAudioEvent",
    "InterruptConfig",
    "SemanticVADConfig",
    "TurnDetection",
    "TurnDetectionType",
    "VoicePrintConfig",
    "VoiceProcessingConfig",
]

_T = WebsocketsEventType


class TurnDetectionType(OpenEnum):
    CLIENT_INTERRUPT = "client_interrupt"
    """Push to talk (default): the client says when the user is done (`input_audio_buffer.complete`)."""
    SERVER_VAD = "server_vad"
    """Free talk: the server detects speech start and end."""
    SEMANTIC_VAD = "semantic_vad"


class ChatConfig(CozeModel):
    conversation_id: Optional[str] = None
    user_id: Optional[str] = None
    meta_data: Optional[Dict[str, str]] = None
    custom_variables: Optional[Dict[str, str]] = None
    extra_params: Optional[Dict[str, str]] = None
    auto_save_history: Optional[bool] = None
    parameters: Optional[Dict[str, Any]] = None


class InterruptConfigMode(OpenEnum):
    """How a keyword interrupts the bot: anywhere in what the user says, or at its start."""

    KEYWORD_CONTAINS = "keyword_contains"
    KEYWORD_PREFIX = "keyword_prefix"


class ASRConfigUserLanguage(OpenEnum):
    """`asr_config.user_language`: `common` (large model: Mandarin, English, Cantonese) or one language."""

    COMMON = "common"
    ZH = "zh"
    CANT = "cant"
    SC = "sc"
    EN = "en"
    JA = "ja"
    KO = "ko"
    FR = "fr"
    ID = "id"
    ES = "es"
    PT = "pt"
    MS = "ms"
    RU = "ru"


class GenerateAudioMode(OpenEnum):
    TEXT = "text"


class InterruptConfig(CozeModel):
    mode: Optional[str] = None
    """keyword_contains or keyword_prefix."""
    keywords: Optional[List[str]] = None


class SemanticVADConfig(CozeModel):
    silence_threshold_ms: Optional[int] = None
    semantic_unfinished_wait_time_ms: Optional[int] = None


class TurnDetection(CozeModel):
    type: Optional[TurnDetectionType] = None
    prefix_padding_ms: Optional[int] = None
    silence_duration_ms: Optional[int] = None
    semantic_vad_config: Optional[SemanticVADConfig] = None
    interrupt_config: Optional[InterruptConfig] = None


class ASRConfig(CozeModel):
    hot_words: Optional[List[str]] = None
    context: Optional[str] = None
    user_language: Optional[str] = None
    enable_ddc: Optional[bool] = None
    enable_itn: Optional[bool] = None
    enable_punc: Optional[bool] = None
    stream_mode: Optional[str] = None
    enable_nostream: Optional[bool] = None
    enable_emotion: Optional[bool] = None
    enable_gender: Optional[bool] = None
    sensitive_words_filter: Optional[Dict[str, Any]] = None


class VoicePrintConfig(CozeModel):
    group_id: Optional[str] = None
    score: Optional[int] = None
    reuse_voice_info: Optional[bool] = None


class VoiceProcessingConfig(CozeModel):
    enable_ans: Optional[bool] = None
    enable_pdns: Optional[bool] = None
    voice_print_feature_id: Optional[str] = None


class _ChatUpdateData(CozeModel):
    chat_config: Optional[ChatConfig] = None
    input_audio: Optional[InputAudio] = None
    output_audio: Optional[OutputAudio] = None
    turn_detection: Optional[TurnDetection] = None
    asr_config: Optional[ASRConfig] = None
    event_subscriptions: Optional[List[str]] = None
    need_play_prologue: Optional[bool] = None
    prologue_content: Optional[str] = None
    voice_processing_config: Optional[VoiceProcessingConfig] = None
    voice_print_config: Optional[VoicePrintConfig] = None


# -- uplink ---------------------------------------------------------------------------------------------


class ChatUpdateEvent(WebsocketsEvent):
    """`chat.update`: configure the session (answered by `chat.updated` or `error`)."""

    Data: ClassVar[Type[_ChatUpdateData]] = _ChatUpdateData
    ChatConfig: ClassVar[Type[ChatConfig]] = ChatConfig
    TurnDetection: ClassVar[Type[TurnDetection]] = TurnDetection
    TurnDetectionType: ClassVar[Type[TurnDetectionType]] = TurnDetectionType
    ASRConfig: ClassVar[Type[ASRConfig]] = ASRConfig
    InterruptConfig: ClassVar[Type[InterruptConfig]] = InterruptConfig
    InterruptConfigMode: ClassVar[Type[InterruptConfigMode]] = InterruptConfigMode
    ASRConfigUserLanguage: ClassVar[Type[ASRConfigUserLanguage]] = ASRConfigUserLanguage

    event_type: WebsocketsEventType = _T.CHAT_UPDATE
    data: _ChatUpdateData = _ChatUpdateData()


class _MessageCreateData(CozeModel):
    role: str
    content_type: str
    content: str


class ConversationMessageCreateEvent(WebsocketsEvent):
    """`conversation.message.create`: add a text/object_string message; role `user` starts a reply."""

    Data: ClassVar[Type[_MessageCreateData]] = _MessageCreateData

    event_type: WebsocketsEventType = _T.CONVERSATION_MESSAGE_CREATE
    data: _MessageCreateData


class ConversationClear(WebsocketsEvent):
    """`conversation.clear`: start a new context section (answered by `conversation.cleared`)."""

    event_type: WebsocketsEventType = _T.CONVERSATION_CLEAR


class _SubmitToolOutputsData(CozeModel):
    chat_id: str
    tool_outputs: List[ToolOutput]


class ConversationChatSubmitToolOutputsEvent(WebsocketsEvent):
    Data: ClassVar[Type[_SubmitToolOutputsData]] = _SubmitToolOutputsData

    event_type: WebsocketsEventType = _T.CONVERSATION_CHAT_SUBMIT_TOOL_OUTPUTS
    data: _SubmitToolOutputsData


class ConversationChatCancelEvent(WebsocketsEvent):
    """`conversation.chat.cancel`: interrupt the bot (answered by `conversation.chat.canceled`)."""

    event_type: WebsocketsEventType = _T.CONVERSATION_CHAT_CANCEL


class _GenerateAudioData(CozeModel):
    mode: str = "text"
    text: Optional[str] = None


class InputTextGenerateAudioEvent(WebsocketsEvent):
    """`input_text.generate_audio`: speak a text (under 1024 bytes) without a bot reply."""

    Data: ClassVar[Type[_GenerateAudioData]] = _GenerateAudioData
    Mode: ClassVar[Type[GenerateAudioMode]] = GenerateAudioMode

    event_type: WebsocketsEventType = _T.INPUT_TEXT_GENERATE_AUDIO
    data: _GenerateAudioData


# -- downlink -------------------------------------------------------------------------------------------


class ChatCreatedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.CHAT_CREATED


class ChatUpdatedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.CHAT_UPDATED
    data: _ChatUpdateData = _ChatUpdateData()


class ConversationChatCreatedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.CONVERSATION_CHAT_CREATED
    data: Chat


class ConversationChatInProgressEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.CONVERSATION_CHAT_IN_PROGRESS
    data: Chat


class ConversationMessageDeltaEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.CONVERSATION_MESSAGE_DELTA
    data: Message


class _SentenceData(CozeModel):
    text: str = ""


class ConversationAudioSentenceStartEvent(WebsocketsEvent):
    """The subtitle of the audio deltas that follow."""

    Data: ClassVar[Type[_SentenceData]] = _SentenceData

    event_type: WebsocketsEventType = _T.CONVERSATION_AUDIO_SENTENCE_START
    data: _SentenceData = _SentenceData()


class ConversationAudioDeltaEvent(WebsocketsEvent):
    """An audio chunk: `data.get_audio()` is the decoded bytes (PCM 24 kHz 16-bit mono by default)."""

    event_type: WebsocketsEventType = _T.CONVERSATION_AUDIO_DELTA
    data: Message


class ConversationMessageCompletedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.CONVERSATION_MESSAGE_COMPLETED
    data: Message


class ConversationAudioCompletedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.CONVERSATION_AUDIO_COMPLETED
    data: Optional[Message] = None


class ConversationChatCompletedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.CONVERSATION_CHAT_COMPLETED
    data: Chat


class ConversationChatFailedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.CONVERSATION_CHAT_FAILED
    data: Chat


class ConversationChatRequiresActionEvent(WebsocketsEvent):
    """The bot called a local plugin: answer with `conversation_chat_submit_tool_outputs`."""

    event_type: WebsocketsEventType = _T.CONVERSATION_CHAT_REQUIRES_ACTION
    data: Chat


class _CanceledData(CozeModel):
    code: int = 0
    """1 interrupted by the user's speech, 2 canceled by the client, 3 a new message was created."""
    msg: str = ""


class ConversationChatCanceledEvent(WebsocketsEvent):
    Data: ClassVar[Type[_CanceledData]] = _CanceledData

    event_type: WebsocketsEventType = _T.CONVERSATION_CHAT_CANCELED
    data: _CanceledData = _CanceledData()


class ConversationClearedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.CONVERSATION_CLEARED


class _TranscriptData(CozeModel):
    content: str = ""


class ConversationAudioTranscriptUpdateEvent(WebsocketsEvent):
    """The user's speech recognised so far (the full text each time)."""

    Data: ClassVar[Type[_TranscriptData]] = _TranscriptData

    event_type: WebsocketsEventType = _T.CONVERSATION_AUDIO_TRANSCRIPT_UPDATE
    data: _TranscriptData = _TranscriptData()


class ConversationAudioTranscriptCompletedEvent(WebsocketsEvent):
    Data: ClassVar[Type[_TranscriptData]] = _TranscriptData

    event_type: WebsocketsEventType = _T.CONVERSATION_AUDIO_TRANSCRIPT_COMPLETED
    data: _TranscriptData = _TranscriptData()


class InputAudioBufferSpeechStartedEvent(WebsocketsEvent):
    """server_vad only: the user started speaking."""

    event_type: WebsocketsEventType = _T.INPUT_AUDIO_BUFFER_SPEECH_STARTED


class InputAudioBufferSpeechStoppedEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.INPUT_AUDIO_BUFFER_SPEECH_STOPPED


class _DumpAudioData(CozeModel):
    url: str = ""


class DumpAudioEvent(WebsocketsEvent):
    event_type: WebsocketsEventType = _T.DUMP_AUDIO
    data: _DumpAudioData = _DumpAudioData()
