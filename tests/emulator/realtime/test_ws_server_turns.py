"""`input_audio_buffer.complete` under server turn detection, through cozekit's chat socket client:
the Coze docs say the event has no effect in server_vad mode (the emulator treats semantic_vad, the other
server-detected mode, the same), so the pending speech ends only on silence. Sync and async."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from cozekit import AsyncCoze, Coze, TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.audio.voice import tones

from ..wsutil import CHAT_EVENTS, FAST, Recorder

SILENCE = b"\0" * 16000  # 0.5 s at 16 kHz
MARKER = {"role": "system", "content_type": "text", "content": "x"}
"""An invalid message: its `error` event marks the point in the session after the `complete`."""


def vad_update(kind: str) -> Dict[str, Any]:
    detection: Dict[str, Any] = {"type": kind, "silence_duration_ms": 300}
    if kind == "semantic_vad":
        detection["semantic_vad_config"] = {"silence_threshold_ms": 300}
    return {"input_audio": {"format": "pcm", "sample_rate": 16000}, "turn_detection": detection}


def check_complete_was_ignored(rec: Recorder) -> None:
    types = rec.types()
    assert "input_audio_buffer.completed" not in types
    assert types.count("input_audio_buffer.speech_started") == 1
    assert types.count("input_audio_buffer.speech_stopped") == 1
    # the speech still went on after the complete: it stopped only on the silence sent after the marker
    assert types.index("error") < types.index("input_audio_buffer.speech_stopped")
    assert rec.of("error")[0].code == 4000
    transcripts = [e.data.content for e in rec.of("conversation.audio_transcript.completed")]
    assert transcripts == ["one long turn"]
    assert types.count("conversation.chat.completed") == 1


@pytest.mark.parametrize("kind", ["server_vad", "semantic_vad"])
def test_complete_has_no_effect_with_server_turn_detection(emu: ThreadedEmulator, kind: str) -> None:
    rec = Recorder(CHAT_EVENTS)
    speech = tones.encode("one long turn", 16000)
    with Coze(TokenAuth(emu.token), emu.base_url).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    ) as chat:
        chat.chat_update(vad_update(kind))
        chat.wait(["chat.updated"], timeout=5)
        chat.input_audio_buffer_append({"delta": SILENCE + speech})  # no trailing silence yet
        chat.input_audio_buffer_complete()
        chat.conversation_message_create(MARKER)
        chat.input_audio_buffer_append({"delta": SILENCE})
        chat.wait(["conversation.chat.completed"], timeout=10)
    check_complete_was_ignored(rec)


async def test_async_complete_has_no_effect_with_server_vad(emu: ThreadedEmulator) -> None:
    rec = Recorder(CHAT_EVENTS)
    speech = tones.encode("one long turn", 16000)
    client = AsyncCoze(TokenAuth(emu.token), emu.base_url).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    )
    async with client as chat:
        await chat.chat_update(vad_update("server_vad"))
        await chat.wait(["chat.updated"], timeout=5)
        await chat.input_audio_buffer_append({"delta": SILENCE + speech})
        await chat.input_audio_buffer_complete()
        await chat.conversation_message_create(MARKER)
        await chat.input_audio_buffer_append({"delta": SILENCE})
        await chat.wait(["conversation.chat.completed"], timeout=10)
    check_complete_was_ignored(rec)


def test_complete_still_ends_a_push_to_talk_turn(emu: ThreadedEmulator) -> None:
    rec = Recorder(CHAT_EVENTS)
    with Coze(TokenAuth(emu.token), emu.base_url).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    ) as chat:
        chat.chat_update({"input_audio": {"format": "pcm", "sample_rate": 16000}})
        chat.input_audio_buffer_append({"delta": tones.encode("push to talk", 16000)})
        chat.input_audio_buffer_complete()
        chat.wait(["conversation.chat.completed"], timeout=10)
    types = rec.types()
    transcript = types.index("conversation.audio_transcript.completed")
    assert types.index("input_audio_buffer.completed") < transcript
    assert rec.of("conversation.audio_transcript.completed")[0].data.content == "push to talk"
