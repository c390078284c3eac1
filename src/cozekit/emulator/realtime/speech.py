"""`/v1/audio/speech`: text in (`input_text_buffer.append` / `.complete`), audio deltas out."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, Optional

from ..audio.backend import MAX_TEXT_BYTES
from ..core.errors import CozeErrors
from .audio_config import OUTPUT_DEFAULTS, b64, output_audio, output_rate, speed_of
from .codecs import output_frames
from .pacing import Pacer, pacer_for
from .session import Session


class SpeechSession(Session):
    created_event = "speech.created"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.output: Dict[str, Any] = dict(OUTPUT_DEFAULTS)
        self.text = ""
        self.pacer: Optional[Pacer] = None
        """`limit_config` pacing of the audio frames."""

    async def on_speech_update(self, data: Dict[str, Any]) -> None:
        update = data.get("output_audio") or {}
        merged = output_audio(self.output, update)
        await asyncio.to_thread(self.services.audio.voice, self.account, str(merged["voice_id"]))
        self.output = merged
        self.pacer = pacer_for(merged)
        await self.emit("speech.updated", {"output_audio": self.output})

    async def on_input_text_buffer_append(self, data: Dict[str, Any]) -> None:
        delta = data.get("delta")
        if not isinstance(delta, str):
            raise CozeErrors.PARAM_ERROR("data.delta must be text")
        if len((self.text + delta).encode()) > MAX_TEXT_BYTES:
            raise CozeErrors.TEXT_TOO_LONG(limit=MAX_TEXT_BYTES)
        self.text += delta

    async def on_input_text_buffer_complete(self, data: Dict[str, Any]) -> None:
        text, self.text = self.text, ""
        await self.emit("input_text_buffer.completed")
        if text:
            output = self.output
            voice, speed, loudness = str(output["voice_id"]), speed_of(output), int(output["loudness_rate"])
            pcm = await asyncio.to_thread(
                self.services.audio.synthesize, text, output_rate(output), voice, speed, loudness
            )
            for frame in await asyncio.to_thread(output_frames, pcm, output):
                if self.pacer is not None:
                    await self.pacer.frame()
                await self.emit("speech.audio.update", {"delta": b64(frame)})
                await asyncio.sleep(0)
        await self.emit("speech.audio.completed")
