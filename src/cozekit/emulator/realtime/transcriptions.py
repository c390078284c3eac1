"""`/v1/audio/transcriptions`: audio in (`input_audio_buffer.append` / `.complete`), text out.

While audio arrives, `transcriptions.message.update` carries the text recognized so far; on
`complete` the final text follows, then `transcriptions.message.completed`.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional

from ..audio.voice import tones
from .audio_config import INPUT_DEFAULTS, audio_delta, input_audio
from .codecs import InputDecoder, Recognizer
from .session import Session


class TranscriptionsSession(Session, Recognizer):
    created_event = "transcriptions.created"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.input: Dict[str, Any] = dict(INPUT_DEFAULTS)
        self.asr: Dict[str, Any] = {}
        self.buffer = b""
        self.heard = ""
        self.reader: Optional[tones.Reader] = None
        self.decoder: Optional[InputDecoder] = None

    async def on_transcriptions_update(self, data: Dict[str, Any]) -> None:
        self.input = input_audio(self.input, data.get("input_audio") or {})
        self.decoder = None
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

    async def on_input_audio_buffer_clear(self, data: Dict[str, Any]) -> None:
        self.buffer, self.heard, self.reader, self.decoder = b"", "", None, None
        await self.emit("input_audio_buffer.cleared")

    async def on_input_audio_buffer_complete(self, data: Dict[str, Any]) -> None:
        buffer, self.buffer, self.heard, self.reader = self.buffer, b"", "", None
        decoder, self.decoder = self.decoder or InputDecoder(self.input), None
        await self.emit("input_audio_buffer.completed")
        text = await asyncio.to_thread(self.transcribe, decoder.whole(buffer))
        await self.emit("transcriptions.message.update", {"content": text})
        await self.emit("transcriptions.message.completed", {"content": text})

    def transcribe(self, audio: bytes) -> str:
        """Like the REST endpoint, on the whole buffer as an audio file (see `InputDecoder.whole`)."""
        return self.services.audio.transcribe(audio)
