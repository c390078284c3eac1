"""`/v1/audio/transcriptions`: audio in (`input_audio_buffer.append` / `.complete`), text out.

While audio arrives, `transcriptions.message.update` carries the text recognized so far; on
`complete` the final text follows, then `transcriptions.message.completed`.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional

from ..voice import pcm as pcmlib
from ..voice import tones
from .audio_config import INPUT_DEFAULTS, audio_delta, decode_input, input_audio
from .session import Session


def to_pcm(buffer: bytes, config: Dict[str, Any]) -> pcmlib.Audio:
    """The buffer as mono 16-bit PCM: a WAV header wins over the configured format."""
    wav = pcmlib.parse_wav(buffer)
    if wav is not None:
        return wav
    return pcmlib.Audio(decode_input(buffer, config), int(config["sample_rate"]))


class TranscriptionsSession(Session):
    created_event = "transcriptions.created"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.input: Dict[str, Any] = dict(INPUT_DEFAULTS)
        self.asr: Dict[str, Any] = {}
        self.buffer = b""
        self.heard = ""
        self.reader: Optional[tones.Reader] = None

    async def on_transcriptions_update(self, data: Dict[str, Any]) -> None:
        self.input = input_audio(self.input, data.get("input_audio") or {})
        self.asr = {**self.asr, **(data.get("asr_config") or {})}
        out: Dict[str, Any] = {"input_audio": self.input}
        if self.asr:
            out["asr_config"] = self.asr
        await self.emit("transcriptions.updated", out)

    async def on_input_audio_buffer_append(self, data: Dict[str, Any]) -> None:
        chunk = audio_delta(data)
        self.buffer += chunk
        partial = self._partial(chunk)
        if partial and partial != self.heard:
            self.heard = partial
            await self.emit("transcriptions.message.update", {"content": partial})

    def _partial(self, chunk: bytes) -> Optional[str]:
        """The text decoded so far (each chunk is analysed once)."""
        if self.reader is None:
            wav = pcmlib.parse_wav(chunk)
            if wav is not None:
                self.reader = tones.Reader(wav.rate)
                return self.reader.feed(wav.pcm).text(partial=True)
            self.reader = tones.Reader(int(self.input["sample_rate"]))
        return self.reader.feed(decode_input(chunk, self.input)).text(partial=True)

    async def on_input_audio_buffer_clear(self, data: Dict[str, Any]) -> None:
        self.buffer, self.heard, self.reader = b"", "", None
        await self.emit("input_audio_buffer.cleared")

    async def on_input_audio_buffer_complete(self, data: Dict[str, Any]) -> None:
        buffer, self.buffer, self.heard, self.reader = self.buffer, b"", "", None
        await self.emit("input_audio_buffer.completed")
        text = await asyncio.to_thread(self.transcribe, buffer)
        await self.emit("transcriptions.message.update", {"content": text})
        await self.emit("transcriptions.message.completed", {"content": text})

    def transcribe(self, buffer: bytes) -> str:
        """Like the REST endpoint; raw PCM is wrapped as WAV with the configured format first."""
        if pcmlib.parse_wav(buffer) is None:
            audio = to_pcm(buffer, self.input)
            buffer = pcmlib.wav_bytes(audio.pcm, audio.rate)
        return self.state.audio.transcribe(buffer)
