"""The bot's voice in `/v1/chat`: reply text is cut into sentences, each one announced with
`conversation.audio.sentence_start` and spoken as `conversation.audio.delta` frames."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, Optional, Protocol

from .audio_config import b64, output_rate, speed_of
from .codecs import output_frames
from .pacing import Pacer

Synthesize = Callable[[str, int, str, float, int], bytes]
"""Text, sample rate, voice id, speed, loudness -> PCM (the audio backend's `synthesize`)."""


class Voice(Protocol):
    """What a speaker needs from its socket session: the current output settings and pacer (both change
    with `chat.update`), and a way to send an event."""

    output: Dict[str, Any]
    pacer: Optional[Pacer]

    async def emit(self, event_type: str, data: Optional[Any] = None) -> None: ...


SENTENCE_END = "。！？；.!?;\n"


class Speaker:
    def __init__(self, session: Voice, synthesize: Synthesize, message: Dict[str, Any]) -> None:
        self.session = session
        self.synthesize = synthesize
        self.message = message
        """The answer message the audio belongs to (ids, conversation, chat, section)."""
        self.pending = ""
        self.spoke = False

    async def feed(self, text: str) -> None:
        self.pending += text
        while True:
            cut = next((i for i, ch in enumerate(self.pending) if ch in SENTENCE_END), -1)
            if cut < 0:
                return
            sentence, self.pending = self.pending[: cut + 1], self.pending[cut + 1 :]
            await self.say(sentence)

    async def flush(self) -> None:
        sentence, self.pending = self.pending, ""
        await self.say(sentence)

    async def say(self, sentence: str) -> None:
        if not sentence.strip():
            return
        session = self.session
        output = session.output
        rate = output_rate(output)
        voice, speed, loudness = str(output["voice_id"]), speed_of(output), int(output["loudness_rate"])
        pcm = await asyncio.to_thread(self.synthesize, sentence.strip(), rate, voice, speed, loudness)
        frames = await asyncio.to_thread(output_frames, pcm, output)
        self.spoke = True
        await session.emit("conversation.audio.sentence_start", {"text": sentence.strip()})
        for frame in frames:
            if session.pacer is not None:
                await session.pacer.frame()
            await session.emit("conversation.audio.delta", self.audio_message(b64(frame)))
            await asyncio.sleep(0)

    async def complete(self) -> None:
        await self.flush()
        if self.spoke:
            await self.session.emit("conversation.audio.completed", self.audio_message(""))

    def audio_message(self, content: str) -> Dict[str, Any]:
        return {**self.message, "content": content, "content_type": "audio"}
