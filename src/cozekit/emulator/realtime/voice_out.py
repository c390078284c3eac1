"""The bot's voice in `/v1/chat`: reply text is cut into sentences, each one announced with
`conversation.audio.sentence_start` and spoken as `conversation.audio.delta` frames."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Dict

from .audio_config import b64, encode_output, frame_bytes, speed_of

if TYPE_CHECKING:
    from .chat import ChatSession

SENTENCE_END = "。！？；.!?;\n"


class Speaker:
    def __init__(self, session: ChatSession, message: Dict[str, Any]) -> None:
        self.session = session
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
        rate = int(output["pcm_config"].get("sample_rate", 24000))
        voice, speed, loudness = str(output["voice_id"]), speed_of(output), int(output["loudness_rate"])
        pcm = await asyncio.to_thread(
            session.state.audio.synthesize, sentence.strip(), rate, voice, speed, loudness
        )
        audio = encode_output(pcm, output)
        self.spoke = True
        await session.emit("conversation.audio.sentence_start", {"text": sentence.strip()})
        step = frame_bytes(output)
        for start in range(0, len(audio), step):
            await session.emit(
                "conversation.audio.delta", self.audio_message(b64(audio[start : start + step]))
            )
            await asyncio.sleep(0)

    async def complete(self) -> None:
        await self.flush()
        if self.spoke:
            await self.session.emit("conversation.audio.completed", self.audio_message(""))

    def audio_message(self, content: str) -> Dict[str, Any]:
        return {**self.message, "content": content, "content_type": "audio"}
