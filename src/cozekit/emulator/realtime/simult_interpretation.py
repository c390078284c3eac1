"""`/v1/audio/simult_interpretation`: speech in (`input_audio_buffer.append` / `.complete`); its
transcript, a translation and the translation spoken out.

The emulator's translation is made up and deterministic: the transcript with the glossary's `original`
terms replaced by their `translation` (case-insensitive), after a tag naming the languages, as in
`[zh→en] Hello.`. While audio arrives, the transcript grows by `simult_interpretation.transcription.delta`
events; each complete sentence (ending in `.`, `!`, `?`, `。`, `！` or `？`) is translated at once
(`simult_interpretation.translation.delta`) and spoken (`simult_interpretation.audio.delta`, in
`output_audio`'s format). `input_audio_buffer.complete` transcribes the whole buffer (as the transcription
socket does), deals with the rest the same way and ends the message with
`simult_interpretation.message.completed`.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Dict, List, Optional

from ..audio.voice import tones
from ..core.errors import bad_request
from ..core.llm import split
from .audio_config import (
    INPUT_DEFAULTS,
    OUTPUT_DEFAULTS,
    audio_delta,
    b64,
    input_audio,
    output_audio,
    output_rate,
    speed_of,
)
from .codecs import InputDecoder, Recognizer, output_frames
from .pacing import Pacer, pacer_for
from .session import Session

LANGUAGES = ("zh", "en")
TRANSLATE_DEFAULTS: Dict[str, Any] = {"from": "zh", "to": "en", "hot_words": [], "glossary": []}
SENTENCE_END = re.compile(r"[.!?。！？]")


def translate_config(current: Dict[str, Any], update: Dict[str, Any]) -> Dict[str, Any]:
    """The merged `translate_config`: languages zh or en (not the same), hot words, a glossary."""
    merged = {**current, **{k: v for k, v in update.items() if v is not None}}
    for key in ("from", "to"):
        if merged[key] not in LANGUAGES:
            raise bad_request(f"translate_config.{key} must be zh or en")
    if merged["from"] == merged["to"]:
        raise bad_request("translate_config.from and translate_config.to must differ")
    hot_words = merged["hot_words"]
    if not isinstance(hot_words, list) or not all(isinstance(w, str) for w in hot_words):
        raise bad_request("translate_config.hot_words must be a list of strings")
    glossary = merged["glossary"]
    if not isinstance(glossary, list):
        raise bad_request("translate_config.glossary must be a list")
    for item in glossary:
        if not isinstance(item, dict) or not isinstance(item.get("translation"), str):
            raise bad_request("each glossary item needs original and translation strings")
        if not isinstance(item.get("original"), str) or not item["original"]:
            raise bad_request("each glossary item needs original and translation strings")
    merged["glossary"] = [{"original": i["original"], "translation": i["translation"]} for i in glossary]
    return merged


def translate(text: str, config: Dict[str, Any], first: bool) -> str:
    """The made-up translation of `text`, a piece of one message; the first piece carries the tag."""
    out = text
    for item in config["glossary"]:
        replacement = str(item["translation"]).replace("\\", "\\\\")  # taken literally
        out = re.sub(re.escape(item["original"]), replacement, out, flags=re.I)
    return (f"[{config['from']}→{config['to']}] " + out.lstrip()) if first else out


class SimultInterpretationSession(Session, Recognizer):
    created_event = "simult_interpretation.created"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.input: Dict[str, Any] = dict(INPUT_DEFAULTS)
        self.output: Dict[str, Any] = dict(OUTPUT_DEFAULTS)
        self.translate: Dict[str, Any] = dict(TRANSLATE_DEFAULTS)
        self.pacer: Optional[Pacer] = None
        self._new_message()

    def _new_message(self) -> None:
        self.buffer = b""
        self.heard = ""
        """The transcript sent so far in this message."""
        self.translated = 0
        """How much of `heard` is translated and spoken."""
        self.reader: Optional[tones.Reader] = None
        self.decoder: Optional[InputDecoder] = None

    async def on_simult_interpretation_update(self, data: Dict[str, Any]) -> None:
        inp = input_audio(self.input, data.get("input_audio") or {})
        out = output_audio(self.output, data.get("output_audio") or {})
        await asyncio.to_thread(self.services.audio.voice, self.account, str(out["voice_id"]))
        config = translate_config(self.translate, data.get("translate_config") or {})
        if inp != self.input:
            self.decoder, self.reader = None, None
        self.input, self.output, self.translate = inp, out, config
        self.pacer = pacer_for(out)
        updated = {"input_audio": inp, "output_audio": out, "translate_config": config}
        await self.emit("simult_interpretation.updated", updated)

    async def on_input_audio_buffer_append(self, data: Dict[str, Any]) -> None:
        chunk = audio_delta(data)
        self.buffer += chunk
        partial = self._partial(chunk)
        if partial and len(partial) > len(self.heard) and partial.startswith(self.heard):
            await self._heard(partial)
            end = _last_sentence_end(self.heard, self.translated)
            if end is not None:
                await self._interpret(end)

    async def on_input_audio_buffer_complete(self, data: Dict[str, Any]) -> None:
        buffer, decoder = self.buffer, self.decoder or InputDecoder(self.input)
        await self.emit("input_audio_buffer.completed")
        text = (
            await asyncio.to_thread(self.services.audio.transcribe, decoder.whole(buffer)) if buffer else ""
        )
        if text.startswith(self.heard) and len(text) > len(self.heard):
            await self._heard(text)
        if self.heard[self.translated :].strip():
            await self._interpret(len(self.heard))
        self._new_message()
        await self.emit("simult_interpretation.message.completed")

    async def _heard(self, text: str) -> None:
        delta, self.heard = text[len(self.heard) :], text
        await self.emit("simult_interpretation.transcription.delta", {"delta": delta})

    async def _interpret(self, end: int) -> None:
        """Translate and speak `heard[translated:end]`."""
        piece = self.heard[self.translated : end]
        translation = translate(piece, self.translate, first=self.translated == 0)
        self.translated = end
        for delta in split(translation, self.services.config.chunk_size):
            await self.emit("simult_interpretation.translation.delta", {"delta": delta})
        for frame in await asyncio.to_thread(self._speak, translation.strip()):
            if self.pacer is not None:
                await self.pacer.frame()
            await self.emit("simult_interpretation.audio.delta", {"delta": b64(frame)})
            await asyncio.sleep(0)

    def _speak(self, text: str) -> List[bytes]:
        output = self.output
        voice, speed, loudness = str(output["voice_id"]), speed_of(output), int(output["loudness_rate"])
        pcm = self.services.audio.synthesize(text, output_rate(output), voice, speed, loudness)
        return output_frames(pcm, output)


def _last_sentence_end(text: str, start: int) -> Optional[int]:
    """The index just after the last sentence end in `text[start:]`, if there is one."""
    ends = [m.end() for m in SENTENCE_END.finditer(text, start)]
    return ends[-1] if ends else None
