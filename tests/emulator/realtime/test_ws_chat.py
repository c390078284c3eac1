"""The emulator's `/v1/chat` through cozekit's WebSocket chat client, sync and async: text and voice
turns, server-side turn detection, interruption, local tools, clearing, errors."""

from __future__ import annotations

import array
import threading
from pathlib import Path
from typing import Any

import pytest

from cozekit import AsyncCoze, ChatFailedError, Coze, CozeAPIError, TokenAuth
from cozekit.emulator import ThreadedEmulator, example_workflows
from cozekit.emulator.audio.voice import g711, pcm, tones

from ..wsutil import CHAT_EVENTS, FAST, Recorder

REPLY = "Cozekit Demo Bot (turn {n}) heard: {text}"


def sync_coze(emu: ThreadedEmulator) -> Coze:
    return Coze(TokenAuth(emu.token), emu.base_url)


def user_text(text: str) -> Any:
    return {"role": "user", "content_type": "text", "content": text}


def bot_audio(rec: Recorder) -> bytes:
    return b"".join(e.data.get_audio() for e in rec.of("conversation.audio.delta"))


def reply_text(rec: Recorder) -> str:
    return "".join(e.data.content for e in rec.of("conversation.message.delta"))


def test_text_turn_has_the_documented_sequence_and_speaks(emu: ThreadedEmulator) -> None:
    rec = Recorder(CHAT_EVENTS)
    with sync_coze(emu).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    ) as chat:
        chat.chat_update({"output_audio": {"pcm_config": {"sample_rate": 16000}}})
        chat.conversation_message_create(user_text("hello there"))
        chat.wait(timeout=10)
    types = rec.types()
    assert types[:2] == ["chat.created", "chat.updated"]
    core = [t for t in types if t not in ("conversation.message.delta", "conversation.audio.delta")]
    assert core[2:] == [
        "conversation.message.completed",
        "conversation.chat.created",
        "conversation.chat.in_progress",
        "conversation.audio.sentence_start",
        "conversation.message.completed",
        "conversation.message.completed",
        "conversation.audio.completed",
        "conversation.chat.completed",
    ]
    question, answer, verbose = (e.data for e in rec.of("conversation.message.completed"))
    assert (question.role, question.type, question.content) == ("user", "question", "hello there")
    assert answer.type == "answer" and verbose.type == "verbose"
    expected = REPLY.format(n=1, text="hello there")
    assert reply_text(rec) == answer.content == expected
    assert rec.of("conversation.audio.sentence_start")[0].data.text == expected
    assert tones.decode(bot_audio(rec), 16000) == expected
    deltas = rec.of("conversation.audio.delta")
    assert all(d.data.content_type == "audio" and d.data.chat_id == answer.chat_id for d in deltas)
    completed = rec.of("conversation.chat.completed")[0].data
    assert completed.status == "completed" and completed.usage.token_count > 0
    assert all(e.logid == rec.of("chat.created")[0].logid for _, e in rec.events)


def test_voice_turn_with_client_commit(emu: ThreadedEmulator) -> None:
    rec = Recorder(CHAT_EVENTS)
    speech = tones.encode("what time is it", 16000)
    with sync_coze(emu).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    ) as chat:
        chat.chat_update({"input_audio": {"format": "pcm", "sample_rate": 16000}})
        for i in range(0, len(speech), 3200):
            chat.input_audio_buffer_append({"delta": speech[i : i + 3200]})
        chat.input_audio_buffer_complete()
        chat.wait(timeout=10)
        chat.conversation_message_create(user_text("and now?"))
        chat.wait(timeout=10)
    assert rec.of("conversation.audio_transcript.completed")[0].data.content == "what time is it"
    types = rec.types()
    assert types.index("input_audio_buffer.completed") < types.index("conversation.audio_transcript.update")
    answers = [e.data.content for e in rec.of("conversation.message.completed") if e.data.type == "answer"]
    assert answers == [REPLY.format(n=1, text="what time is it"), REPLY.format(n=2, text="and now?")]
    chats = rec.of("conversation.chat.completed")
    assert chats[0].data.conversation_id == chats[1].data.conversation_id


def test_server_vad_detects_turns_and_speech_interrupts(emu: ThreadedEmulator) -> None:
    emu.control.configure(chunk_delay_ms=20)
    emu.control.script(emu.demo_bot_id, {"chunks": ["word "] * 200}, {"text": "Second answer."})
    rec = Recorder(CHAT_EVENTS)
    first_delta = threading.Event()
    handlers = dict(rec.handlers)

    def on_delta(cli: Any, event: Any) -> None:
        rec.handlers["conversation.message.delta"](cli, event)
        first_delta.set()

    handlers["conversation.message.delta"] = on_delta
    silence = b"\0" * 16000  # 0.5 s at 16 kHz
    with sync_coze(emu).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=handlers, options=FAST
    ) as chat:
        chat.chat_update(
            {
                "input_audio": {"format": "pcm", "sample_rate": 16000},
                "turn_detection": {"type": "server_vad", "silence_duration_ms": 300},
            }
        )
        chat.wait(["chat.updated"], timeout=5)
        chat.input_audio_buffer_append({"delta": silence + tones.encode("tell me a story", 16000) + silence})
        assert first_delta.wait(10)
        chat.input_audio_buffer_append({"delta": tones.encode("stop", 16000) + silence})
        chat.wait(timeout=10)
    types = rec.types()
    assert (
        types.count("input_audio_buffer.speech_started") == 2
        and types.count("input_audio_buffer.speech_stopped") == 2
    )
    canceled = rec.of("conversation.chat.canceled")
    assert [
        (
            c.data.code,
            types.index("conversation.chat.canceled") > types.index("input_audio_buffer.speech_started"),
        )
        for c in canceled
    ] == [(1, True)]
    transcripts = [e.data.content for e in rec.of("conversation.audio_transcript.completed")]
    assert transcripts == ["tell me a story", "stop"]
    completed = rec.of("conversation.chat.completed")
    assert len(completed) == 1
    answers = [e.data.content for e in rec.of("conversation.message.completed") if e.data.type == "answer"]
    assert answers == ["Second answer."]


async def test_async_cancel_clear_and_generate_audio(emu: ThreadedEmulator) -> None:
    emu.control.configure(chunk_delay_ms=20)
    emu.control.script(emu.demo_bot_id, {"chunks": ["slow "] * 200})
    rec = Recorder(CHAT_EVENTS)
    coze = AsyncCoze(TokenAuth(emu.token), emu.base_url)
    client = coze.websockets.chat.create(bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST)
    async with client as chat:
        await chat.conversation_message_create(user_text("go on"))
        await chat.wait(["conversation.message.delta"], timeout=10)
        await chat.conversation_chat_cancel()
        await chat.wait(["conversation.chat.canceled"], timeout=10)
        await chat.conversation_clear()
        await chat.wait(["conversation.cleared"], timeout=10)
        await chat.input_text_generate_audio({"mode": "text", "text": "Just saying."})
        await chat.wait(["conversation.audio.completed"], timeout=10)
    assert [e.data.code for e in rec.of("conversation.chat.canceled")] == [2]
    assert rec.of("conversation.audio.sentence_start")[-1].data.text == "Just saying."
    assert tones.decode(bot_audio(rec), 24000) == "Just saying."
    assert "conversation.chat.completed" not in rec.types()


def test_local_tool_round_trip(emu: ThreadedEmulator) -> None:
    rec = Recorder(CHAT_EVENTS)
    with sync_coze(emu).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    ) as chat:
        chat.conversation_message_create(user_text("call get_weather for Paris"))
        chat.wait(["conversation.chat.requires_action"], timeout=10)
        action = rec.of("conversation.chat.requires_action")[0].data
        call = action.required_action.submit_tool_outputs.tool_calls[0]
        assert call.function.name == "get_weather"
        chat.conversation_chat_submit_tool_outputs(
            {"chat_id": action.id, "tool_outputs": [{"tool_call_id": call.id, "output": "sunny"}]}
        )
        chat.wait(timeout=10)
    answers = [e.data.content for e in rec.of("conversation.message.completed") if e.data.type == "answer"]
    assert answers[-1] == "Tool results: get_weather returned sunny."
    assert (
        rec.of("conversation.audio.sentence_start")[-1].data.text
        == "Tool results: get_weather returned sunny."
    )


def test_failed_chat_and_bad_events(emu: ThreadedEmulator) -> None:
    emu.control.script(emu.demo_bot_id, {"error": {"code": 5000, "msg": "model down"}})
    with sync_coze(emu).websockets.chat.create(bot_id=emu.demo_bot_id, options=FAST) as chat:
        chat.conversation_message_create(user_text("hi"))
        with pytest.raises(ChatFailedError) as failed:
            chat.wait(timeout=10)
    assert failed.value.code == 5000
    with sync_coze(emu).websockets.chat.create(bot_id=emu.demo_bot_id, options=FAST) as chat:
        chat.chat_update({"turn_detection": {"type": "telepathy"}})
        with pytest.raises(CozeAPIError) as err:
            chat.wait(["chat.updated"], timeout=5)
    assert err.value.code == 4000 and "turn_detection" in err.value.msg


def test_unknown_bot_is_an_error_event(emu: ThreadedEmulator) -> None:
    client = sync_coze(emu).websockets.chat.create(bot_id="404", options=FAST)
    with client as chat, pytest.raises(CozeAPIError) as err:
        chat.wait(["chat.created"], timeout=5)
    assert err.value.code == 4006 and err.value.logid


def test_event_subscriptions_filter_downlink(emu: ThreadedEmulator) -> None:
    rec = Recorder(CHAT_EVENTS)
    with sync_coze(emu).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    ) as chat:
        chat.chat_update(
            {"event_subscriptions": ["conversation.message.delta", "conversation.chat.completed"]}
        )
        chat.conversation_message_create(user_text("quiet please"))
        chat.wait(timeout=10)
    assert set(rec.types()) == {
        "chat.created",
        "chat.updated",
        "conversation.message.delta",
        "conversation.chat.completed",
    }


def test_prologue_is_spoken(emu: ThreadedEmulator) -> None:
    rec = Recorder(CHAT_EVENTS)
    with sync_coze(emu).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    ) as chat:
        chat.chat_update({"need_play_prologue": True, "output_audio": {"pcm_config": {"sample_rate": 8000}}})
        chat.wait(["conversation.audio.completed"], timeout=10)
    assert rec.of("conversation.audio.sentence_start")[0].data.text == "Hi! I am the emulator's demo bot."
    assert tones.decode(bot_audio(rec), 8000) == "Hi! I am the emulator's demo bot."


def test_wav_input_is_understood(emu: ThreadedEmulator) -> None:
    rec = Recorder(CHAT_EVENTS)
    wav = pcm.wav_bytes(tones.encode("from a file", 24000), 24000)
    with sync_coze(emu).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    ) as chat:
        chat.input_audio_buffer_append({"delta": wav})
        chat.input_audio_buffer_complete()
        chat.wait(timeout=10)
    assert rec.of("conversation.audio_transcript.completed")[0].data.content == "from a file"


def test_g711_in_and_out(emu: ThreadedEmulator) -> None:
    rec = Recorder(CHAT_EVENTS)
    question = g711.encode(tones.encode("over the phone", 8000), "g711u")
    with sync_coze(emu).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST
    ) as chat:
        chat.chat_update(
            {"input_audio": {"format": "pcm", "codec": "g711u"}, "output_audio": {"codec": "g711a"}}
        )
        chat.wait(["chat.updated"], timeout=5)
        chat.input_audio_buffer_append({"delta": question})
        chat.input_audio_buffer_complete()
        chat.wait(timeout=10)
    updated = rec.of("chat.updated")[0].data
    assert (updated.input_audio.sample_rate, updated.output_audio.pcm_config.sample_rate) == (8000, 8000)
    assert rec.of("conversation.audio_transcript.completed")[0].data.content == "over the phone"
    reply = g711.decode(bot_audio(rec), "g711a")
    assert tones.decode(reply, 8000) == REPLY.format(n=1, text="over the phone")


def test_g711_reference_values() -> None:
    silence = b"\0\0" * 4
    assert g711.encode(silence, "g711u") == b"\xff" * 4 and g711.encode(silence, "g711a") == b"\xd5" * 4
    assert g711.decode(b"\x00\x80", "g711u") == pcm.to_bytes(array.array("h", [-32124, 32124]))
    assert g711.decode(b"\x55\xd5", "g711a") == pcm.to_bytes(array.array("h", [-8, 8]))


def test_keyword_interruption(emu: ThreadedEmulator) -> None:
    emu.control.configure(chunk_delay_ms=20)
    emu.control.script(emu.demo_bot_id, {"chunks": ["story "] * 200}, {"text": "Stopped."})
    rec = Recorder(CHAT_EVENTS)
    started = threading.Event()
    handlers = {**rec.handlers}
    record_delta = rec.handlers["conversation.message.delta"]

    def on_delta(cli: Any, event: Any) -> None:
        record_delta(cli, event)
        started.set()

    handlers["conversation.message.delta"] = on_delta
    silence = b"\0" * 16000
    update = {
        "input_audio": {"format": "pcm", "sample_rate": 16000},
        "turn_detection": {
            "type": "server_vad",
            "silence_duration_ms": 300,
            "interrupt_config": {"mode": "keyword_prefix", "keywords": ["hey coze"]},
        },
    }
    with sync_coze(emu).websockets.chat.create(
        bot_id=emu.demo_bot_id, on_event=handlers, options=FAST
    ) as chat:
        chat.chat_update(update)
        chat.wait(["chat.updated"], timeout=5)
        chat.input_audio_buffer_append({"delta": tones.encode("tell me a story", 16000) + silence})
        assert started.wait(10)
        chat.input_audio_buffer_append({"delta": tones.encode("what about coze", 16000) + silence})
        chat.wait(["conversation.audio_transcript.completed"] * 2, timeout=10)
        assert "conversation.chat.canceled" not in rec.types()
        chat.input_audio_buffer_append({"delta": tones.encode("hey coze stop", 16000) + silence})
        chat.wait(timeout=10)
    assert [e.data.code for e in rec.of("conversation.chat.canceled")] == [1]
    transcripts = [e.data.content for e in rec.of("conversation.audio_transcript.completed")]
    assert transcripts == ["tell me a story", "what about coze", "hey coze stop"]
    answers = [e.data.content for e in rec.of("conversation.message.completed") if e.data.type == "answer"]
    assert answers == ["Stopped."]


def test_interrupt_keywords_are_checked(emu: ThreadedEmulator) -> None:
    bad = {"type": "server_vad", "interrupt_config": {"mode": "keyword_contains", "keywords": ["hi"]}}
    with sync_coze(emu).websockets.chat.create(bot_id=emu.demo_bot_id, options=FAST) as chat:
        chat.chat_update({"turn_detection": bad})
        with pytest.raises(CozeAPIError, match="6-24 bytes"):
            chat.wait(["chat.updated"], timeout=5)


def test_voice_chat_through_a_chatflow(emu: ThreadedEmulator) -> None:
    definition = (Path(example_workflows()) / "helpdesk_chatflow.json").read_text()
    workflow_id = emu.control.create_workflow(definition)["workflow_id"]
    rec = Recorder(CHAT_EVENTS)
    chat_client = sync_coze(emu).websockets.chat.create(
        bot_id=emu.demo_bot_id, workflow_id=workflow_id, on_event=rec.handlers, options=FAST
    )
    with chat_client as chat:
        chat.chat_update({"input_audio": {"format": "pcm", "sample_rate": 16000}})
        chat.input_audio_buffer_append({"delta": tones.encode("my printer is broken", 16000)})
        chat.input_audio_buffer_complete()
        chat.wait(timeout=10)
        chat.conversation_message_create(user_text("still broken"))
        chat.wait(timeout=10)
    answers = [e.data.content for e in rec.of("conversation.message.completed") if e.data.type == "answer"]
    assert answers == [
        "Helpdesk (turn 1) heard: my printer is broken",
        "Helpdesk (turn 2) heard: still broken",
    ]
    questions = [
        e.data.content for e in rec.of("conversation.message.completed") if e.data.type == "question"
    ]
    assert questions == ["my printer is broken", "still broken"]
    spoken = [e.data.text for e in rec.of("conversation.audio.sentence_start")]
    assert spoken == answers


def test_voice_print_config_is_checked(emu: ThreadedEmulator) -> None:
    coze = sync_coze(emu)
    group = coze.audio.voiceprint_groups.create(name="family")
    rec = Recorder(CHAT_EVENTS[:-1])
    with coze.websockets.chat.create(bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST) as chat:
        chat.chat_update({"voice_print_config": {"group_id": group.id, "score": 60}})
        chat.wait(["chat.updated"], timeout=5)
        chat.chat_update({"voice_print_config": {"group_id": "404"}})
        with pytest.raises(CozeAPIError) as err:
            chat.wait(["chat.updated"], timeout=5)
    assert err.value.code == 4200
    assert rec.of("chat.updated")[0].data.voice_print_config.group_id == group.id


async def test_async_voice_turn_with_server_vad(emu: ThreadedEmulator) -> None:
    rec = Recorder(CHAT_EVENTS)
    coze = AsyncCoze(TokenAuth(emu.token), emu.base_url)
    client = coze.websockets.chat.create(bot_id=emu.demo_bot_id, on_event=rec.handlers, options=FAST)
    speech = b"\0" * 8000 + tones.encode("async voice", 16000) + b"\0" * 16000
    async with client as chat:
        await chat.chat_update(
            {"input_audio": {"format": "pcm", "sample_rate": 16000}, "turn_detection": {"type": "server_vad"}}
        )
        for i in range(0, len(speech), 3200):
            await chat.input_audio_buffer_append({"delta": speech[i : i + 3200]})
        await chat.wait(timeout=10)
    assert rec.types().count("input_audio_buffer.speech_stopped") == 1
    assert rec.of("conversation.audio_transcript.completed")[0].data.content == "async voice"
    assert tones.decode(bot_audio(rec), 24000) == REPLY.format(n=1, text="async voice")
