"""Speech in one call: text to an audio file or a stream of chunks, and audio (a file or any chunk
iterator) to text, over `coze.websockets.audio.*`. Every wait is bounded by `timeout`.

>>> synthesize(coze, "你好", "hello.wav", voice_id=VOICE)          # PCM streamed into a WAV file
>>> for chunk in synthesize_stream(coze, "你好"): player.write(chunk)
>>> transcribe(coze, "hello.wav", on_partial=print)                # the final text
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, AsyncIterator, Callable, Dict, Iterator, Optional

from .._exceptions import APIConnectionError, NotFoundError
from ..types.websocket import WebsocketsEventType
from ._audio import AudioSink, AudioSource, PathLike, PCMFormat, open_audio
from ._voice_flow import (
    AsyncPump,
    Emit,
    Event,
    Poll,
    Pull,
    Receive,
    Send,
    Sleep,
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
    "atranscribe",
    "synthesize",
    "synthesize_stream",
    "transcribe",
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
        if self.codec == "pcm":
            out["pcm_config"] = {"sample_rate": self.sample_rate}
        else:
            out["opus_config"] = {"sample_rate": self.sample_rate}
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


# -- transcription ------------------------------------------------------------------------------------


def _asr_take(got: Event) -> tuple[Optional[str], bool]:
    """(text update or None, finished) for one event of `/v1/audio/transcriptions`."""
    key, event = got
    failure = lost(key, event, "/v1/audio/transcriptions")
    if failure is not None:
        raise failure
    if key == _T.TRANSCRIPTIONS_MESSAGE_UPDATE:
        return event.data.content, False
    if key == _T.TRANSCRIPTIONS_MESSAGE_COMPLETED:
        return (event.data.content or None) if event.data is not None else None, True
    return None, False


def transcription_flow(config: Dict[str, Any], pace: float, timeout: float) -> VoiceFlow:
    """Configure, send the audio chunk by chunk (reading answers as they come), complete, then wait at
    most `timeout` seconds for `transcriptions.message.completed`. Emits every text update."""
    yield Send("transcriptions_update", config)
    while True:
        chunk = yield Pull()
        if chunk is None:
            break
        if not chunk:
            continue
        yield Send("input_audio_buffer_append", {"delta": chunk})
        while True:
            got = yield Poll()
            if got is None:
                break
            text, done = _asr_take(got)
            if text is not None:
                yield Emit(text)
            if done:
                return
        if pace > 0:
            yield Sleep(pace)
    yield Send("input_audio_buffer_complete")
    deadline = time.monotonic() + timeout
    while True:
        text, done = _asr_take((yield Receive(deadline, _T.TRANSCRIPTIONS_MESSAGE_COMPLETED.value)))
        if text is not None:
            yield Emit(text)
        if done:
            return


def _asr_setup(
    audio: AudioSource,
    sample_rate: int,
    channels: int,
    bit_depth: int,
    chunk_ms: int,
    pace: float,
    language: Optional[str],
    timeout: float,
) -> tuple[Any, VoiceFlow]:
    if timeout <= 0:
        raise ValueError("timeout must be > 0")
    if pace < 0:
        raise ValueError("pace must be >= 0")
    source = open_audio(audio, PCMFormat(sample_rate, channels, bit_depth), chunk_ms)
    config: Dict[str, Any] = {"input_audio": source.format.input_audio()}
    if language is not None:
        config["asr_config"] = {"user_language": language}
    return source.chunks, transcription_flow(config, pace, timeout)


class _Partial:
    def __init__(self, on_partial: Optional[Callable[[str], Any]]) -> None:
        self.text = ""
        self._on_partial = on_partial

    def add(self, text: str) -> None:
        if text != self.text:
            self.text = text
            if self._on_partial is not None:
                self._on_partial(text)


def transcribe(
    coze: Coze,
    audio: AudioSource,
    *,
    sample_rate: int = 24000,
    channels: int = 1,
    bit_depth: int = 16,
    chunk_ms: int = 100,
    pace: float = 0.0,
    language: Optional[str] = None,
    on_partial: Optional[Callable[[str], Any]] = None,
    timeout: float = 60.0,
    options: Optional[WebsocketsOptions] = None,
) -> str:
    """The text spoken in `audio`: a `.wav` file (its header gives the format), a raw PCM file, WAV or
    PCM bytes, or an iterable of raw PCM chunks (`sample_rate`/`channels`/`bit_depth` describe raw PCM).

    Audio goes out in `chunk_ms` pieces, `pace` seconds apart (0: as fast as possible; 0.1 with 100 ms
    chunks is real time). `on_partial` gets each new recognised text. After the last chunk the final
    text must arrive within `timeout` seconds (`APITimeoutError` otherwise).
    """
    chunks, flow = _asr_setup(audio, sample_rate, channels, bit_depth, chunk_ms, pace, language, timeout)
    partial = _Partial(on_partial)
    client = coze.websockets.audio.transcriptions.create(options=options)
    pump = SyncPump()
    pump.attach(client)
    try:
        with client:
            for text in drive_sync(client, pump, flow, chunks):
                partial.add(text)
    finally:
        _close_source(chunks)
    return partial.text


async def atranscribe(
    coze: AsyncCoze,
    audio: AudioSource,
    *,
    sample_rate: int = 24000,
    channels: int = 1,
    bit_depth: int = 16,
    chunk_ms: int = 100,
    pace: float = 0.0,
    language: Optional[str] = None,
    on_partial: Optional[Callable[[str], Any]] = None,
    timeout: float = 60.0,
    options: Optional[WebsocketsOptions] = None,
) -> str:
    """The async twin of `transcribe`; `audio` may also be an async iterable of chunks, and
    `on_partial` a coroutine function."""
    chunks, flow = _asr_setup(audio, sample_rate, channels, bit_depth, chunk_ms, pace, language, timeout)
    text = ""
    client = coze.websockets.audio.transcriptions.create(options=options)
    pump = AsyncPump()
    pump.attach(client)
    try:
        async with client:
            async for update in drive_async(client, pump, flow, chunks):
                if update != text:
                    text = update
                    if on_partial is not None:
                        seen = on_partial(text)
                        if inspect.isawaitable(seen):
                            await seen
    finally:
        await _aclose_source(chunks)
    return text


def _close_source(chunks: Any) -> None:
    close = getattr(chunks, "close", None)
    if callable(close):
        close()


async def _aclose_source(chunks: Any) -> None:
    aclose = getattr(chunks, "aclose", None)
    if callable(aclose):
        await aclose()
    else:
        _close_source(chunks)
