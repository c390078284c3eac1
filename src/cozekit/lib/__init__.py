"""Helpers above the raw API: stream accumulation, the local-plugin loop, and voice (speech, transcription,
voice chat)."""

from .chat_stream import ChatStreamAccumulator, text_deltas
from .local_plugins import LocalPluginError, arun_with_local_plugins, run_with_local_plugins
from .voice_chat import (
    AsyncVoiceChat,
    ReplyAudio,
    ReplyDone,
    ReplyText,
    ReplyToolCall,
    UserTranscript,
    VoiceChat,
    VoiceChatItem,
)
from .voice_speech import (
    AudioSink,
    PCMFormat,
    SpeechFile,
    asynthesize,
    asynthesize_stream,
    split_text,
    synthesize,
    synthesize_stream,
)
from .voice_transcribe import atranscribe, transcribe

__all__ = [
    "AsyncVoiceChat",
    "AudioSink",
    "ChatStreamAccumulator",
    "LocalPluginError",
    "PCMFormat",
    "ReplyAudio",
    "ReplyDone",
    "ReplyText",
    "ReplyToolCall",
    "SpeechFile",
    "UserTranscript",
    "VoiceChat",
    "VoiceChatItem",
    "arun_with_local_plugins",
    "asynthesize",
    "asynthesize_stream",
    "atranscribe",
    "run_with_local_plugins",
    "split_text",
    "synthesize",
    "synthesize_stream",
    "text_deltas",
    "transcribe",
]
