"""Text to speech in one call: into an audio file as the audio arrives, or as a stream of chunks, over
`coze.websockets.audio.speech` (or `coze.audio.speech.create`). Every wait is bounded by `timeout`.

>>> synthesize(coze, "你好", "hello.wav", voice_id=VOICE)          # PCM streamed into a WAV file
>>> for chunk in synthesize_stream(coze, "你好"): player.write(chunk)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, AsyncIterator, Dict, Iterator, Optional

from .._exceptions import APIConnectionError, NotFoundError
from ..types.websocket import WebsocketsEventType
from ._audio import AudioSink, PathLike, PCMFormat
from ._voice_flow import (
    AsyncPump,
    Emit,
    Receive,
    Send,
    SyncPump,
    VoiceFlow,
    drive_async,
    drive_sync,
    lost,
)

if TYPE_CHECKING:
    from .._client import AsyncCoze, Coze
    from ..websockets import WebsocketsOptions

__all__ = [
    "AudioSink",
    "PCMFormat",
    "SpeechFile",
    "asynthesize",
    "asynthesize_stream",
    "synthesize",
    "synthesize_stream",
]

_T = WebsocketsEventType
MAX_TEXT_BYTES = 1024
CODECS = ("pcm", "opus", "mp3")
_REST_FORMAT = {"pcm": "pcm", "opus": "ogg_opus", "mp3": "mp3"}
TRANSPORTS = ("websocket", "rest", "auto")
_FALLBACK = (APIConnectionError, NotFoundError)
"""WebSocket failures (no connection, handshake timeout, no such endpoint) after which `auto` uses REST."""


@dataclass(frozen=True)
class SpeechFile:
    """What `synthesize` wrote."""

    path: str
    audio_bytes: int
    """Audio bytes written (a WAV header not counted)."""
    codec: str
    sample_rate: int
    transport: str
    """"websocket" or "rest" (the one actually used)."""

    @property
    def duration(self) -> Optional[float]:
        """Seconds of audio (PCM only)."""
        return self.audio_bytes / (2 * self.sample_rate) if self.codec == "pcm" else None


@dataclass
class _SpeechPlan:
    text: str
    voice_id: Optional[str]
    codec: str
    sample_rate: int
    speech_rate: Optional[int]
    loudness_rate: Optional[int]
    transport: str
    timeout: float
    options: Optional[WebsocketsOptions]
    used: str = field(default="websocket")

    def __post_init__(self) -> None:
        if not self.text:
            raise ValueError("text must be non-empty")
        if len(self.text.encode()) > MAX_TEXT_BYTES:
            raise ValueError(f"a speech request takes at most {MAX_TEXT_BYTES} bytes of text (Coze: 3010)")
        if self.codec not in CODECS:
            raise ValueError(f"codec must be one of {CODECS}")
        if self.transport not in TRANSPORTS:
            raise ValueError(f"transport must be one of {TRANSPORTS}")
        if self.codec == "mp3" and self.transport != "rest":
            raise ValueError("mp3 is only produced by the REST API: pass transport='rest'")
        if self.speech_rate is not None and not -50 <= self.speech_rate <= 100:
            raise ValueError("speech_rate must be between -50 and 100")
        if self.timeout <= 0:
            raise ValueError("timeout must be > 0")
        self.used = "rest" if self.transport == "rest" else "websocket"

    def output_audio(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"codec": self.codec}
        if self.codec == "pcm":  # opus has no rate to choose here (bitrate and frame size keep defaults)
            out["pcm_config"] = {"sample_rate": self.sample_rate}
        for key in ("voice_id", "speech_rate", "loudness_rate"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    def rest_arguments(self) -> Dict[str, Any]:
        """`coze.audio.speech.create` arguments; `speech_rate` r maps to `speed` 1 + r/100."""
        args: Dict[str, Any] = {
            "input": self.text,
            "voice_id": self.voice_id or "",
            "response_format": _REST_FORMAT[self.codec],
            "sample_rate": self.sample_rate,
            "speed": 1 + (self.speech_rate or 0) / 100,
            "timeout": self.timeout,
        }
        if self.loudness_rate is not None:
            args["loudness_rate"] = self.loudness_rate
        return args

    def flow(self) -> VoiceFlow:
        """The WebSocket exchange: configure, send the text, collect audio until `speech.audio.completed`."""
        deadline = time.monotonic() + self.timeout
        yield Send("speech_update", {"output_audio": self.output_audio()})
        yield Send("input_text_buffer_append", {"delta": self.text})
        yield Send("input_text_buffer_complete")
        while True:
            key, event = yield Receive(deadline, _T.SPEECH_AUDIO_COMPLETED.value)
            failure = lost(key, event, "/v1/audio/speech")
            if failure is not None:
                raise failure
            if key == _T.SPEECH_AUDIO_UPDATE and event.data.delta:
                yield Emit(event.data.delta)
            elif key == _T.SPEECH_AUDIO_COMPLETED:
                return


def _plan(text: str, **kwargs: Any) -> _SpeechPlan:
    return _SpeechPlan(text, **kwargs)


def _sink(file: PathLike, plan: _SpeechPlan) -> AudioSink:
    wav = str(file).lower().endswith(".wav") and plan.codec == "pcm"
    return AudioSink(file, PCMFormat(plan.sample_rate) if wav else None)


# -- sync ---------------------------------------------------------------------------------------------


def _speech_chunks(coze: Coze, plan: _SpeechPlan) -> Iterator[bytes]:
    if plan.transport != "rest":
        client = coze.websockets.audio.speech.create(options=plan.options)
        pump = SyncPump()
        pump.attach(client)
        try:
            client.connect()
        except _FALLBACK:
            if plan.transport != "auto":
                raise
        else:
            try:
                yield from drive_sync(client, pump, plan.flow())
            finally:
                client.close()
            return
    plan.used = "rest"
    with coze.audio.speech.create(**plan.rest_arguments()) as response:
        yield from response.iter_bytes()


def synthesize_stream(
    coze: Coze,
    text: str,
    *,
    voice_id: Optional[str] = None,
    codec: str = "pcm",
    sample_rate: int = 24000,
    speech_rate: Optional[int] = None,
    loudness_rate: Optional[int] = None,
    transport: str = "websocket",
    timeout: float = 60.0,
    options: Optional[WebsocketsOptions] = None,
) -> Iterator[bytes]:
    """The audio of `text` (at most 1024 bytes) chunk by chunk, as the server sends it.

    `codec`: "pcm" (mono 16-bit at `sample_rate`), "opus", or "mp3" (REST only). `transport`:
    "websocket" (`/v1/audio/speech` streaming), "rest" (`POST /v1/audio/speech`, needs `voice_id`), or
    "auto" (REST when the WebSocket cannot be opened). Raises `APITimeoutError` after `timeout` seconds.
    Arguments are checked at once; the connection opens on the first `next()`.
    """
    plan = _plan(
        text,
        voice_id=voice_id,
        codec=codec,
        sample_rate=sample_rate,
        speech_rate=speech_rate,
        loudness_rate=loudness_rate,
        transport=transport,
        timeout=timeout,
        options=options,
    )
    return _speech_chunks(coze, plan)


def synthesize(
    coze: Coze,
    text: str,
    file: PathLike,
    *,
    voice_id: Optional[str] = None,
    codec: str = "pcm",
    sample_rate: int = 24000,
    speech_rate: Optional[int] = None,
    loudness_rate: Optional[int] = None,
    transport: str = "websocket",
    timeout: float = 60.0,
    options: Optional[WebsocketsOptions] = None,
) -> SpeechFile:
    """Write the audio of `text` to `file` as it arrives (via `file.part`, renamed when complete).
    PCM into a `.wav` path gets a WAV header. Arguments as `synthesize_stream`."""
    plan = _plan(
        text,
        voice_id=voice_id,
        codec=codec,
        sample_rate=sample_rate,
        speech_rate=speech_rate,
        loudness_rate=loudness_rate,
        transport=transport,
        timeout=timeout,
        options=options,
    )
    sink = _sink(file, plan)
    try:
        for chunk in _speech_chunks(coze, plan):
            sink.write(chunk)
    except BaseException:
        sink.abort()
        raise
    sink.finish()
    return SpeechFile(sink.path, sink.audio_bytes, plan.codec, plan.sample_rate, plan.used)


# -- async --------------------------------------------------------------------------------------------


async def _aspeech_chunks(coze: AsyncCoze, plan: _SpeechPlan) -> AsyncIterator[bytes]:
    if plan.transport != "rest":
        client = coze.websockets.audio.speech.create(options=plan.options)
        pump = AsyncPump()
        pump.attach(client)
        try:
            await client.connect()
        except _FALLBACK:
            if plan.transport != "auto":
                raise
        else:
            try:
                async for chunk in drive_async(client, pump, plan.flow()):
                    yield chunk
            finally:
                await client.close()
            return
    plan.used = "rest"
    async with await coze.audio.speech.create(**plan.rest_arguments()) as response:
        async for chunk in response.iter_bytes():
            yield chunk


def asynthesize_stream(
    coze: AsyncCoze,
    text: str,
    *,
    voice_id: Optional[str] = None,
    codec: str = "pcm",
    sample_rate: int = 24000,
    speech_rate: Optional[int] = None,
    loudness_rate: Optional[int] = None,
    transport: str = "websocket",
    timeout: float = 60.0,
    options: Optional[WebsocketsOptions] = None,
) -> AsyncIterator[bytes]:
    """The async twin of `synthesize_stream`: `async for chunk in asynthesize_stream(coze, text)`."""
    plan = _plan(
        text,
        voice_id=voice_id,
        codec=codec,
        sample_rate=sample_rate,
        speech_rate=speech_rate,
        loudness_rate=loudness_rate,
        transport=transport,
        timeout=timeout,
        options=options,
    )
    return _aspeech_chunks(coze, plan)


async def asynthesize(
    coze: AsyncCoze,
    text: str,
    file: PathLike,
    *,
    voice_id: Optional[str] = None,
    codec: str = "pcm",
    sample_rate: int = 24000,
    speech_rate: Optional[int] = None,
    loudness_rate: Optional[int] = None,
    transport: str = "websocket",
    timeout: float = 60.0,
    options: Optional[WebsocketsOptions] = None,
) -> SpeechFile:
    """The async twin of `synthesize`."""
    plan = _plan(
        text,
        voice_id=voice_id,
        codec=codec,
        sample_rate=sample_rate,
        speech_rate=speech_rate,
        loudness_rate=loudness_rate,
        transport=transport,
        timeout=timeout,
        options=options,
    )
    sink = _sink(file, plan)
    try:
        async for chunk in _aspeech_chunks(coze, plan):
            sink.write(chunk)
    except BaseException:
        sink.abort()
        raise
    sink.finish()
    return SpeechFile(sink.path, sink.audio_bytes, plan.codec, plan.sample_rate, plan.used)
