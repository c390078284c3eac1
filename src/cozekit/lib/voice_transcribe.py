"""Speech to text in one call: an audio file (WAV or raw PCM), bytes, or any iterable or async iterable of
chunks, sent paced in chunks over `coze.websockets.audio.transcriptions`; partial texts to a callback.

>>> transcribe(coze, "hello.wav", on_partial=print)                # the final text
"""

from __future__ import annotations

import inspect
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional

from .._flow import Flow
from ..types.websocket import WebsocketsEventType
from ._audio import AudioSource, PCMFormat, aclose_source, close_source, open_audio
from ._voice_flow import AsyncPump, Emit, Event, SyncPump, VoiceFlow, VoiceIO, lost

if TYPE_CHECKING:
    from .._client import AsyncCoze, Coze
    from ..websockets import WebsocketsOptions

__all__ = ["atranscribe", "transcribe", "transcription_flow"]

_T = WebsocketsEventType


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


def _update_flow(got: Event) -> Flow[bool]:
    """A text update out; True once the transcription is complete."""
    text, done = _asr_take(got)
    if text is not None:
        yield Emit(text)
    return done


def transcription_flow(io: VoiceIO, config: Dict[str, Any], pace: float, timeout: float) -> VoiceFlow:
    """Configure, send the audio chunk by chunk (reading answers as they come), complete, then wait at
    most `timeout` seconds for `transcriptions.message.completed`. Emits every text update."""
    yield io.send("transcriptions_update", config)
    if (yield from io.feed(pace, _update_flow)):
        return
    yield io.send("input_audio_buffer_complete")
    deadline = time.monotonic() + timeout
    while True:
        text, done = _asr_take((yield from io.receive(deadline, _T.TRANSCRIPTIONS_MESSAGE_COMPLETED.value)))
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
) -> tuple[Any, Dict[str, Any]]:
    """The audio's chunks and the session configuration."""
    if timeout <= 0:
        raise ValueError("timeout must be > 0")
    if pace < 0:
        raise ValueError("pace must be >= 0")
    source = open_audio(audio, PCMFormat(sample_rate, channels, bit_depth), chunk_ms)
    config: Dict[str, Any] = {"input_audio": source.format.input_audio()}
    if language is not None:
        config["asr_config"] = {"user_language": language}
    return source.chunks, config


class _Partial:
    def __init__(self, on_partial: Optional[Callable[[str], Any]]) -> None:
        self.text = ""
        self._on_partial = on_partial

    def add(self, text: str) -> Any:
        """Keep `text` if it is new; then what `on_partial(text)` returned (an awaitable from a coroutine
        function, for the async caller to await)."""
        if text == self.text:
            return None
        self.text = text
        return None if self._on_partial is None else self._on_partial(text)


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
    chunks, config = _asr_setup(audio, sample_rate, channels, bit_depth, chunk_ms, pace, language, timeout)
    partial = _Partial(on_partial)
    client = coze.websockets.audio.transcriptions.create(options=options)
    pump = SyncPump()
    pump.attach(client)
    flow = transcription_flow(VoiceIO(client, pump, chunks), config, pace, timeout)
    try:
        with client:
            for text in coze.iter_flow(flow):
                partial.add(text)
    finally:
        close_source(chunks)
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
    chunks, config = _asr_setup(audio, sample_rate, channels, bit_depth, chunk_ms, pace, language, timeout)
    partial = _Partial(on_partial)
    client = coze.websockets.audio.transcriptions.create(options=options)
    pump = AsyncPump()
    pump.attach(client)
    flow = transcription_flow(VoiceIO(client, pump, chunks), config, pace, timeout)
    try:
        async with client:
            async for text in coze.iter_flow(flow):
                seen = partial.add(text)
                if inspect.isawaitable(seen):
                    await seen
    finally:
        await aclose_source(chunks)
    return partial.text
