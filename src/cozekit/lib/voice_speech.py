"""Text to speech in one call: into an audio file as the audio arrives, or as a stream of chunks, over
`coze.websockets.audio.speech` (or `coze.audio.speech.create`). Every wait is bounded by `timeout`.
Coze takes at most 1024 bytes of text a request (error 3010): longer text is split at sentence (else
pause or whitespace, else character) boundaries, and the pieces are spoken one after another.

>>> synthesize(coze, "你好", "hello.wav", voice_id=VOICE)          # PCM streamed into a WAV file
>>> for chunk in synthesize_stream(coze, "你好"): player.write(chunk)
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, AsyncIterator, Dict, Iterator, List, Optional, Type

from .._exceptions import APIConnectionError, NotFoundError
from ..types.websocket import WebsocketsEventType
from ._audio import AudioSink, PathLike, PCMFormat
from ._voice_flow import AsyncPump, Emit, SyncPump, VoiceFlow, VoiceIO, lost

if TYPE_CHECKING:
    from .._client import AsyncCoze, Coze
    from ..websockets import WebsocketsOptions

__all__ = [
    "AudioSink",
    "PCMFormat",
    "SpeechFile",
    "asynthesize",
    "asynthesize_stream",
    "split_text",
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
_SENTENCE_END = re.compile(r"(?:[。！？；…]+|[.!?;]+(?=\s))[\"'”’)）」』]*\s*")
"""A sentence end (ASCII marks only before whitespace, so "3.14" stays whole), its closing quotes and the
whitespace after it."""
_PAUSE = re.compile(r"[，、：,:]\s*|\s+")


def _cut(head: str) -> int:
    """Where to end a piece that must fit in `head`: after the last sentence end, else pause or
    whitespace, in its second half; else at its end (a character boundary)."""
    for pattern in (_SENTENCE_END, _PAUSE):
        ends = [m.end() for m in pattern.finditer(head) if m.end() > len(head) // 2]
        if ends:
            return ends[-1]
    return len(head)


def split_text(text: str, limit: int = MAX_TEXT_BYTES) -> List[str]:
    """`text` in pieces of at most `limit` UTF-8 bytes, cut between characters at the best boundary
    (see `_cut`); whitespace-only pieces are dropped. `"".join(pieces)` is `text` up to that whitespace.

    >>> split_text("One. Two.", limit=6)
    ['One. ', 'Two.']
    """
    if limit < 4:
        raise ValueError("limit must be at least 4 bytes (one UTF-8 character)")
    pieces: List[str] = []
    rest = text
    while len(rest.encode()) > limit:
        head = rest.encode()[:limit].decode(errors="ignore")  # drops a character cut in two
        cut = _cut(head)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    return [p for p in pieces if p.strip()] or pieces[:1]


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
    pieces: List[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.text:
            raise ValueError("text must be non-empty")
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
        self.pieces = split_text(self.text)

    def output_audio(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"codec": self.codec}
        if self.codec == "pcm":  # opus has no rate to choose here (bitrate and frame size keep defaults)
            out["pcm_config"] = {"sample_rate": self.sample_rate}
        for key in ("voice_id", "speech_rate", "loudness_rate"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    def rest_arguments(self, piece: str) -> Dict[str, Any]:
        """`coze.audio.speech.create` arguments for one piece; `speech_rate` r maps to `speed` 1 + r/100."""
        args: Dict[str, Any] = {
            "input": piece,
            "voice_id": self.voice_id or "",
            "response_format": _REST_FORMAT[self.codec],
            "sample_rate": self.sample_rate,
            "speed": 1 + (self.speech_rate or 0) / 100,
            "timeout": self.timeout,
        }
        if self.loudness_rate is not None:
            args["loudness_rate"] = self.loudness_rate
        return args

    def flow(self, io: VoiceIO) -> VoiceFlow:
        """The WebSocket exchange: configure; then for each piece send it (append, complete) and collect
        its audio until `speech.audio.completed`. Each piece's wait is bounded by `timeout`."""
        yield io.send("speech_update", {"output_audio": self.output_audio()})
        for piece in self.pieces:
            deadline = time.monotonic() + self.timeout
            yield io.send("input_text_buffer_append", {"delta": piece})
            yield io.send("input_text_buffer_complete")
            while True:
                key, event = yield from io.receive(deadline, _T.SPEECH_AUDIO_COMPLETED.value)
                failure = lost(key, event, "/v1/audio/speech")
                if failure is not None:
                    raise failure
                if key == _T.SPEECH_AUDIO_UPDATE and event.data.delta:
                    yield Emit(event.data.delta)
                elif key == _T.SPEECH_AUDIO_COMPLETED:
                    break


def _plan(arguments: Dict[str, Any]) -> _SpeechPlan:
    """The plan of a `synthesize*` call, from its `locals()` (all but the client and the file)."""
    return _SpeechPlan(**{k: v for k, v in arguments.items() if k not in ("coze", "file")})


class _SpeechWriter:
    """`synthesize`'s file: chunks are written as they come, the file is kept only if all came."""

    def __init__(self, file: PathLike, plan: _SpeechPlan) -> None:
        wav = str(file).lower().endswith(".wav") and plan.codec == "pcm"
        self.sink = AudioSink(file, PCMFormat(plan.sample_rate) if wav else None)
        self._plan = plan

    def __enter__(self) -> AudioSink:
        return self.sink

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Any, tb: Any) -> None:
        if exc_type is not None:
            self.sink.abort()
        else:
            self.sink.finish()

    def result(self) -> SpeechFile:
        plan = self._plan
        return SpeechFile(self.sink.path, self.sink.audio_bytes, plan.codec, plan.sample_rate, plan.used)


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
                yield from coze.iter_flow(plan.flow(VoiceIO(client, pump)))
            finally:
                client.close()
            return
    plan.used = "rest"
    for piece in plan.pieces:
        with coze.audio.speech.create(**plan.rest_arguments(piece)) as response:
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
    """The audio of `text` chunk by chunk, as the server sends it. Text over 1024 bytes is spoken in
    pieces (`split_text`): one append + complete per piece over the WebSocket, one request each by REST;
    `timeout` bounds each piece.

    `codec`: "pcm" (mono 16-bit at `sample_rate`), "opus", or "mp3" (REST only). `transport`:
    "websocket" (`/v1/audio/speech` streaming), "rest" (`POST /v1/audio/speech`, needs `voice_id`), or
    "auto" (REST when the WebSocket cannot be opened). Raises `APITimeoutError` after `timeout` seconds.
    Arguments are checked at once; the connection opens on the first `next()`.
    """
    plan = _plan(locals())
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
    plan = _plan(locals())
    writer = _SpeechWriter(file, plan)
    with writer as sink:
        for chunk in _speech_chunks(coze, plan):
            sink.write(chunk)
    return writer.result()


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
                async for chunk in coze.iter_flow(plan.flow(VoiceIO(client, pump))):
                    yield chunk
            finally:
                await client.close()
            return
    plan.used = "rest"
    for piece in plan.pieces:
        async with await coze.audio.speech.create(**plan.rest_arguments(piece)) as response:
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
    plan = _plan(locals())
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
    plan = _plan(locals())
    writer = _SpeechWriter(file, plan)
    with writer as sink:
        async for chunk in _aspeech_chunks(coze, plan):
            sink.write(chunk)
    return writer.result()
