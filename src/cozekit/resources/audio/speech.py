"""`coze.audio.speech`: text to speech over HTTP, the audio streamed to the caller (or a file)."""

from __future__ import annotations

from typing import Optional, Union

from typing_extensions import Unpack

from ..._envelope import BINARY
from ..._paths import require
from ..._request import CallOptions, RequestOptions, post
from ..._resource import AsyncAPIResource, SyncAPIResource
from ..._streaming import AsyncBinaryResponse, BinaryResponse
from ...types.audio import AudioFormat
from .._body import to_json

__all__ = ["AsyncSpeech", "Speech"]

SAMPLE_RATES = frozenset({8000, 16000, 22050, 24000, 32000, 44100, 48000})
MAX_INPUT_BYTES = 1024


def _create(
    input: str,
    voice_id: str,
    response_format: Union[AudioFormat, str],
    speed: float,
    sample_rate: int,
    emotion: Optional[str],
    emotion_scale: Optional[float],
    loudness_rate: Optional[int],
    context_texts: Optional[str],
    options: CallOptions,
) -> RequestOptions:
    require(input=input, voice_id=voice_id)
    if len(input.encode()) > MAX_INPUT_BYTES:
        raise ValueError(f"input has at most {MAX_INPUT_BYTES} bytes (UTF-8), got {len(input.encode())}")
    if not 0.2 <= speed <= 3:
        raise ValueError("speed must be between 0.2 and 3")
    if sample_rate not in SAMPLE_RATES:
        raise ValueError(f"sample_rate must be one of {sorted(SAMPLE_RATES)}")
    if emotion_scale is not None and not 1 <= emotion_scale <= 5:
        raise ValueError("emotion_scale must be between 1 and 5")
    if loudness_rate is not None and not -50 <= loudness_rate <= 100:
        raise ValueError("loudness_rate must be between -50 and 100")
    body = {
        "input": input,
        "voice_id": voice_id,
        "response_format": to_json(response_format),
        "speed": speed,
        "sample_rate": sample_rate,
        "emotion": emotion,
        "emotion_scale": emotion_scale,
        "loudness_rate": loudness_rate,
        "context_texts": context_texts,
    }
    return post("/v1/audio/speech", body, envelope=BINARY, stream=True).with_call_options(options)


class Speech(SyncAPIResource):
    def create(
        self,
        *,
        input: str,
        voice_id: str,
        response_format: AudioFormat = AudioFormat.MP3,
        speed: float = 1,
        sample_rate: int = 24000,
        emotion: Optional[str] = None,
        emotion_scale: Optional[float] = None,
        loudness_rate: Optional[int] = None,
        context_texts: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> BinaryResponse:
        """Synthesize `input` (at most 1024 bytes). The body is not read yet: write it to a file or
        iterate its chunks; nothing is buffered whole.

        >>> coze.audio.speech.create(input="你好", voice_id=voice.voice_id).write_to_file("hi.mp3")
        """
        opts = _create(
            input,
            voice_id,
            response_format,
            speed,
            sample_rate,
            emotion,
            emotion_scale,
            loudness_rate,
            context_texts,
            options,
        )
        return self._client.stream_bytes(opts)


class AsyncSpeech(AsyncAPIResource):
    async def create(
        self,
        *,
        input: str,
        voice_id: str,
        response_format: AudioFormat = AudioFormat.MP3,
        speed: float = 1,
        sample_rate: int = 24000,
        emotion: Optional[str] = None,
        emotion_scale: Optional[float] = None,
        loudness_rate: Optional[int] = None,
        context_texts: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> AsyncBinaryResponse:
        opts = _create(
            input,
            voice_id,
            response_format,
            speed,
            sample_rate,
            emotion,
            emotion_scale,
            loudness_rate,
            context_texts,
            options,
        )
        return await self._client.stream_bytes(opts)
