"""`limit_config` output pacing on the speech and chat sockets, through cozekit (sync and async). The
emulator's clock is swapped for a virtual one (sleeps take no time and move it on), so each frame's
`detail.respond_at` shows which period it went out in, without waiting or timing anything."""

from __future__ import annotations

from collections import Counter
from typing import Any, Dict, List

import pytest

from cozekit import AsyncCoze, Coze, CozeAPIError, TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.audio.voice import tones
from cozekit.emulator.realtime import pacing

from ..wsutil import CHAT_EVENTS, FAST, SPEECH_EVENTS, Recorder

TEXT = "paced output audio"


@pytest.fixture
def virtual_clock(monkeypatch: pytest.MonkeyPatch) -> pacing.VirtualClock:
    clock = pacing.VirtualClock()
    monkeypatch.setattr(pacing, "clock", clock)
    return clock


def periods(events: List[Any]) -> List[int]:
    """How many frames went out at each (virtual) time, in time order."""
    counts = Counter(int(e.detail.respond_at) for e in events)
    return [counts[t] for t in sorted(counts)]


def gaps(events: List[Any]) -> List[int]:
    times = sorted({int(e.detail.respond_at) for e in events})
    return [b - a for a, b in zip(times, times[1:])]


def speak(emu: ThreadedEmulator, output_audio: Dict[str, Any]) -> Recorder:
    rec = Recorder(SPEECH_EVENTS)
    with Coze(TokenAuth(emu.token), emu.base_url).websockets.audio.speech.create(
        on_event=rec.handlers, options=FAST
    ) as tts:
        tts.speech_update({"output_audio": output_audio})
        tts.input_text_buffer_append({"delta": TEXT})
        tts.input_text_buffer_complete()
        tts.wait(timeout=10)
    return rec


def test_speech_pcm_frames_are_paced_per_period(emu: ThreadedEmulator, virtual_clock: Any) -> None:
    pcm_config: Dict[str, Any] = {"sample_rate": 16000, "frame_size_ms": 100}
    free = speak(emu, {"codec": "pcm", "pcm_config": pcm_config}).of("speech.audio.update")
    limit = {"period": 1, "max_frame_num": 3}
    paced = speak(emu, {"codec": "pcm", "pcm_config": {**pcm_config, "limit_config": limit}})
    frames = paced.of("speech.audio.update")
    assert len(free) > 6 and periods(free) == [len(free)]  # unlimited: no waiting at all
    assert len(frames) == len(free)
    per_period = periods(frames)
    assert per_period[:-1] == [3] * (len(per_period) - 1) and 1 <= per_period[-1] <= 3
    assert gaps(frames) == [1000] * (len(per_period) - 1)
    audio = b"".join(e.data.delta for e in frames)
    assert tones.decode(audio, 16000) == TEXT  # the same speech, only paced
    assert paced.of("speech.updated")[0].data.output_audio.pcm_config.limit_config.max_frame_num == 3


async def test_async_speech_opus_frames_are_paced(emu: ThreadedEmulator, virtual_clock: Any) -> None:
    rec = Recorder(SPEECH_EVENTS)
    opus_config = {"frame_size_ms": 60, "limit_config": {"period": 2, "max_frame_num": 4}}
    client = AsyncCoze(TokenAuth(emu.token), emu.base_url).websockets.audio.speech.create(
        on_event=rec.handlers, options=FAST
    )
    async with client as tts:
        await tts.speech_update({"output_audio": {"codec": "opus", "opus_config": opus_config}})
        await tts.input_text_buffer_append({"delta": TEXT})
        await tts.input_text_buffer_complete()
        await tts.wait(timeout=10)
    frames = rec.of("speech.audio.update")
    per_period = periods(frames)
    assert len(per_period) >= 3 and max(per_period) == 4 and sum(per_period) == len(frames)
    assert per_period[:-1] == [4] * (len(per_period) - 1)
    assert gaps(frames) == [2000] * (len(per_period) - 1)


def chat_deltas(emu: ThreadedEmulator, pcm_config: Dict[str, Any]) -> List[Any]:
    rec = Recorder(CHAT_EVENTS)
    with Coze(TokenAuth(emu.token), emu.base_url).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    ) as chat:
        chat.chat_update({"output_audio": {"pcm_config": pcm_config}})
        chat.conversation_message_create({"role": "user", "content_type": "text", "content": "pace me"})
        chat.wait(timeout=10)
    return rec.of("conversation.audio.delta")


def test_chat_audio_is_paced_with_a_frame_size(emu: ThreadedEmulator, virtual_clock: Any) -> None:
    limit = {"period": 1, "max_frame_num": 5}
    paced = chat_deltas(emu, {"sample_rate": 16000, "frame_size_ms": 100, "limit_config": limit})
    per_period = periods(paced)
    assert len(per_period) >= 3 and per_period[:-1] == [5] * (len(per_period) - 1)
    assert gaps(paced) == [1000] * (len(per_period) - 1)
    # the chat docs: PCM pacing also needs pcm_config.frame_size_ms; without it, nothing waits
    unpaced = chat_deltas(emu, {"sample_rate": 16000, "limit_config": limit})
    assert len(unpaced) == len(paced) and periods(unpaced) == [len(unpaced)]


async def test_async_chat_rejects_a_bad_limit(emu: ThreadedEmulator) -> None:
    client = AsyncCoze(TokenAuth(emu.token), emu.base_url).websockets.chat.create(
        bot_id=emu.demo_bot_id, options=FAST
    )
    async with client as chat:
        bad = {"frame_size_ms": 100, "limit_config": {"period": 1, "max_frame_num": 0}}
        await chat.chat_update({"output_audio": {"pcm_config": bad}})
        with pytest.raises(CozeAPIError) as err:
            await chat.wait(["chat.updated"], timeout=5)
    assert err.value.code == 4000 and "max_frame_num" in err.value.msg
