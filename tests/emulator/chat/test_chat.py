"""Chat v3 over the wire: framing, event order, state, history, rules and error codes."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Tuple

import pytest

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.chat.backend import ChatStart
from cozekit.emulator.chat.engine import Begun
from cozekit.emulator.core.base import Account
from cozekit.emulator.core.errors import CozeErrors
from cozekit.emulator.core.injections import ScriptedReply

from ..conftest import Api, chat_of

BOT = ThreadedEmulator.demo_bot_id


def test_stream_framing_is_exact(api: Api) -> None:
    resp = api.http.post(
        "/v3/chat",
        json={
            "bot_id": BOT,
            "user_id": "u1",
            "stream": True,
            "additional_messages": [{"role": "user", "content": "hi", "content_type": "text"}],
        },
    )
    assert resp.headers["content-type"] == "text/event-stream"
    raw = resp.text
    assert re.fullmatch(r"(event:[a-z._]+\ndata:[^\n]+\n\n)+", raw)
    assert "id:" not in raw.replace('"id":', "") and "retry:" not in raw and not raw.startswith(":")
    assert raw.endswith('event:done\ndata:"[DONE]"\n\n')


def test_event_order_and_content(api: Api) -> None:
    events = api.stream(BOT, "hello there")
    names = [e for e, _ in events]
    assert names[:2] == ["conversation.chat.created", "conversation.chat.in_progress"]
    deltas = [d for e, d in events if e == "conversation.message.delta"]
    assert len(deltas) > 1 and names[2 : 2 + len(deltas)] == ["conversation.message.delta"] * len(deltas)
    completed = [d for e, d in events if e == "conversation.message.completed"]
    assert [m["type"] for m in completed] == ["answer", "verbose"]
    answer = completed[0]
    assert answer["content"] == "".join(d["content"] for d in deltas)
    assert answer["content"] == "Cozekit Demo Bot (turn 1) heard: hello there"
    assert {d["id"] for d in deltas} == {answer["id"]}
    assert json.loads(completed[1]["content"])["msg_type"] == "generate_answer_finish"
    assert names[-2:] == ["conversation.chat.completed", "done"]
    chat = chat_of(events)
    assert chat["status"] == "completed" and chat["usage"]["token_count"] > 0
    assert chat["usage"]["token_count"] == chat["usage"]["input_count"] + chat["usage"]["output_count"]
    assert chat["last_error"] == {"code": 0, "msg": ""} and chat["completed_at"] >= chat["created_at"]
    assert events[0][1]["status"] == "created" and events[1][1]["status"] == "in_progress"


def test_chunk_size_is_configurable(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.configure(chunk_size=1)
    events = api.stream(BOT, "ab")
    deltas = [d["content"] for e, d in events if e == "conversation.message.delta"]
    assert all(len(c) == 1 for c in deltas) and "".join(deltas).endswith("heard: ab")


def test_non_stream_returns_at_once_and_finishes_in_background(api: Api) -> None:
    body = {
        "bot_id": BOT,
        "user_id": "u1",
        "meta_data": {"k": "v"},
        "additional_messages": [{"role": "user", "content": "q", "content_type": "text"}],
    }
    chat = api.ok("POST", "/v3/chat", json=body)
    assert chat["status"] == "in_progress" and chat["meta_data"] == {"k": "v"}
    done = api.wait(chat["conversation_id"], chat["id"])
    assert done["status"] == "completed" and done["meta_data"] == {"k": "v"}
    params = {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    assert api.ok("POST", "/v3/chat/retrieve", params=params)["status"] == "completed"
    msgs = api.ok("GET", "/v3/chat/message/list", params=params)
    assert [m["type"] for m in msgs] == ["answer", "verbose"]
    assert msgs[0]["content"] == "Cozekit Demo Bot (turn 1) heard: q"


def test_history_reaches_the_model_until_the_context_is_cleared(emu: ThreadedEmulator, api: Api) -> None:
    first = chat_of(api.stream(BOT, "one"))
    conv = first["conversation_id"]
    second = api.stream(BOT, "two", conversation_id=conv)
    answer = next(d for e, d in second if e == "conversation.message.completed")
    assert answer["content"].startswith("Cozekit Demo Bot (turn 2)")
    section = api.ok("POST", f"/v1/conversations/{conv}/clear")
    assert section["conversation_id"] == conv and section["id"] != first["section_id"]
    third = api.stream(BOT, "three", conversation_id=conv)
    answer = next(d for e, d in third if e == "conversation.message.completed")
    assert answer["content"].startswith("Cozekit Demo Bot (turn 1)") and answer["section_id"] == section["id"]
    seen = emu.control.chat(chat_of(third)["id"])["model_inputs"][0]
    assert seen["history"] == [] and seen["query"] == "three"
    listed = api.ok("POST", "/v1/conversation/message/list", params={"conversation_id": conv}, json={})
    assert len(listed) == 6  # clearing hides history from the model, not from the list


def test_additional_messages_context_and_custom_variables(emu: ThreadedEmulator, api: Api) -> None:
    events = api.stream(
        BOT,
        "",
        additional_messages=[
            {"role": "user", "content": "my name is Ann", "content_type": "text"},
            {"role": "assistant", "type": "answer", "content": "hello Ann", "content_type": "text"},
            {"role": "user", "content": "who am I?", "content_type": "text"},
        ],
        custom_variables={"user_name": "Ann"},
    )
    chat = chat_of(events)
    seen = emu.control.chat(chat["id"])["model_inputs"][0]
    assert seen["system_prompt"] == "You are a friendly demo assistant. The user's name is Ann."
    assert seen["history"] == [
        {"role": "user", "content": "my name is Ann"},
        {"role": "assistant", "content": "hello Ann"},
    ]
    assert seen["query"] == "who am I?"
    listed = api.ok(
        "POST",
        "/v1/conversation/message/list",
        params={"conversation_id": chat["conversation_id"]},
        json={"order": "asc"},
    )
    assert [m["content"] for m in listed][:3] == ["my name is Ann", "hello Ann", "who am I?"]


def test_object_string_with_an_uploaded_file(emu: ThreadedEmulator, api: Api) -> None:
    file = api.ok("POST", "/v1/files/upload", files={"file": ("report.pdf", b"%PDF-1.4")})
    content = json.dumps([{"type": "text", "text": "summarise"}, {"type": "file", "file_id": file["id"]}])
    events = api.stream(
        BOT, "", additional_messages=[{"role": "user", "content": content, "content_type": "object_string"}]
    )
    answer = next(d for e, d in events if e == "conversation.message.completed")
    assert answer["content"].endswith("heard: summarise [file: report.pdf]")
    bad = json.dumps([{"type": "text", "text": "x"}, {"type": "image", "file_id": "7999999999999999999"}])
    body = {
        "bot_id": BOT,
        "user_id": "u",
        "additional_messages": [{"role": "user", "content": bad, "content_type": "object_string"}],
    }
    assert api.call("POST", "/v3/chat", json=body)["code"] == 4304
    only_text = json.dumps([{"type": "text", "text": "x"}])
    body["additional_messages"][0]["content"] = only_text
    assert api.call("POST", "/v3/chat", json=body)["code"] == 4000


def test_auto_save_history_false_keeps_the_conversation_clean(api: Api) -> None:
    events = api.stream(BOT, "secret", auto_save_history=False)
    chat = chat_of(events)
    listed = api.ok(
        "POST", "/v1/conversation/message/list", params={"conversation_id": chat["conversation_id"]}, json={}
    )
    assert listed == []
    body = {
        "bot_id": BOT,
        "user_id": "u",
        "stream": False,
        "auto_save_history": False,
        "additional_messages": [{"role": "user", "content": "x", "content_type": "text"}],
    }
    assert api.call("POST", "/v3/chat", json=body)["code"] == 4007


def test_one_running_chat_per_conversation(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.configure(chunk_delay_ms=200)
    msg = [{"role": "user", "content": "slow", "content_type": "text"}]
    chat = api.ok("POST", "/v3/chat", json={"bot_id": BOT, "user_id": "u", "additional_messages": msg})
    again = api.call(
        "POST",
        "/v3/chat",
        params={"conversation_id": chat["conversation_id"]},
        json={"bot_id": BOT, "user_id": "u", "additional_messages": msg},
    )
    assert again["code"] == 4016
    canceled = api.ok(
        "POST", "/v3/chat/cancel", json={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    )
    assert canceled["status"] == "canceled"
    assert api.wait(chat["conversation_id"], chat["id"])["status"] == "canceled"
    again = api.call(
        "POST", "/v3/chat/cancel", json={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    )
    assert again["code"] == 4104


def test_cancel_rules(api: Api) -> None:
    chat = chat_of(api.stream(BOT, "x"))
    resp = api.call(
        "POST", "/v3/chat/cancel", json={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    )
    assert resp["code"] == 4104
    resp = api.call(
        "POST", "/v3/chat/cancel", json={"conversation_id": chat["conversation_id"], "chat_id": "1"}
    )
    assert resp["code"] == 4001


def test_chat_request_errors(emu: ThreadedEmulator, api: Api) -> None:
    msg = [{"role": "user", "content": "x", "content_type": "text"}]
    base = {"user_id": "u", "stream": True, "additional_messages": msg}
    assert api.call("POST", "/v3/chat", json={**base, "bot_id": "123"})["code"] == 4006
    draft = emu.control.create_bot(name="Draft", published=False)
    assert api.call("POST", "/v3/chat", json={**base, "bot_id": draft})["code"] == 4015
    events = api.stream(draft, "x", publish_status="unpublished_draft")
    assert chat_of(events)["status"] == "completed"
    assert (
        api.call("POST", "/v3/chat", params={"conversation_id": "42"}, json={**base, "bot_id": BOT})["code"]
        == 4002
    )
    meta = {f"k{i}": "v" for i in range(17)}
    assert api.call("POST", "/v3/chat", json={**base, "bot_id": BOT, "meta_data": meta})["code"] == 4003
    assert (
        api.call("POST", "/v3/chat", json={**base, "bot_id": BOT, "additional_messages": msg * 101})["code"]
        == 4004
    )
    assert (
        api.call("POST", "/v3/chat", json={**base, "bot_id": BOT, "additional_messages": []})["code"] == 4000
    )
    bad_role = [{"role": "system", "content": "x", "content_type": "text"}]
    assert (
        api.call("POST", "/v3/chat", json={**base, "bot_id": BOT, "additional_messages": bad_role})["code"]
        == 4000
    )


def test_implicit_conversation_belongs_to_the_bot(api: Api) -> None:
    chat = chat_of(api.stream(BOT, "x"))
    conv = api.ok("GET", "/v1/conversation/retrieve", params={"conversation_id": chat["conversation_id"]})
    assert conv["bot_id"] == BOT and conv["last_section_id"] == chat["section_id"]
    listed = api.ok("GET", "/v1/conversations", params={"bot_id": BOT})
    assert [c["id"] for c in listed["conversations"]] == [conv["id"]]


def test_scripted_reply_chunks_and_follow_ups(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.script(BOT, {"chunks": ["Hel", "lo!"], "follow_ups": ["Why?", "How?"]})
    events = api.stream(BOT, "x")
    assert [d["content"] for e, d in events if e == "conversation.message.delta"] == ["Hel", "lo!"]
    completed = [d for e, d in events if e == "conversation.message.completed"]
    assert [(m["type"], m["content"]) for m in completed[::2][:1]] == [("answer", "Hello!")]
    assert [m["type"] for m in completed] == ["answer", "verbose", "follow_up", "follow_up"]
    assert [m["content"] for m in completed[2:]] == ["Why?", "How?"]
    assert [e for e, _ in events][-2:] == ["conversation.chat.completed", "done"]
    # the script is used up: the next turn is the default model again
    answer = next(d for e, d in api.stream(BOT, "y") if e == "conversation.message.completed")
    assert answer["content"].endswith("heard: y")


def test_bots_with_suggestions_get_follow_ups(emu: ThreadedEmulator, api: Api) -> None:
    bot = emu.control.create_bot(name="Suggester", follow_ups=True)
    events = api.stream(bot, "cats")
    types = [d["type"] for e, d in events if e == "conversation.message.completed"]
    assert types == ["answer", "verbose", "follow_up", "follow_up", "follow_up"]


def test_scripted_failure_is_chat_failed_with_last_error(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.script(BOT, {"error": {"code": 4013, "msg": "model exploded"}})
    events = api.stream(BOT, "x")
    assert [e for e, _ in events] == [
        "conversation.chat.created",
        "conversation.chat.in_progress",
        "conversation.chat.failed",
        "done",
    ]
    failed = chat_of(events, "conversation.chat.failed")
    assert failed["status"] == "failed" and failed["last_error"] == {"code": 4013, "msg": "model exploded"}
    assert failed["failed_at"] >= failed["created_at"]
    assert api.wait(failed["conversation_id"], failed["id"])["last_error"]["code"] == 4013


def test_cancel_mid_stream_ends_the_stream_without_completing(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.configure(chunk_delay_ms=50, chunk_size=1)
    body = {
        "bot_id": BOT,
        "user_id": "u",
        "stream": True,
        "additional_messages": [{"role": "user", "content": "long", "content_type": "text"}],
    }
    names = []
    with api.http.stream("POST", "/v3/chat", json=body) as resp:
        lines = resp.iter_lines()
        for line in lines:
            if line.startswith("event:"):
                names.append(line[6:])
            elif line.startswith("data:") and names[-1] == "conversation.chat.in_progress":
                chat = json.loads(line[5:])
                canceled = api.ok(
                    "POST",
                    "/v3/chat/cancel",
                    json={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]},
                )
                assert canceled["status"] == "canceled"
    assert names[-1] == "done" and "conversation.chat.completed" not in names
    assert api.wait(chat["conversation_id"], chat["id"])["status"] == "canceled"


# -- a turn that needs no waiting runs as the chat is recorded (ChatEngine.settle) ------------------

VARYING = {"id", "conversation_id", "chat_id", "section_id", "created_at", "completed_at", "updated_at"}


def _shape(events: List[Tuple[str, Any]]) -> List[Tuple[str, Any]]:
    """The events with the fields that differ from chat to chat (ids, times) left out."""

    def strip(data: Any) -> Any:
        if isinstance(data, dict):
            return {k: strip(v) for k, v in data.items() if k not in VARYING}
        if isinstance(data, list):
            return [strip(v) for v in data]
        return data

    return [(name, strip(data)) for name, data in events]


def test_a_non_stream_chat_that_needs_no_waiting_is_complete_when_its_start_answers(
    emu: ThreadedEmulator, api: Api
) -> None:
    emu.control.configure(chunk_delay_ms=0)
    body = {
        "bot_id": BOT,
        "user_id": "u1",
        "additional_messages": [{"role": "user", "content": "q", "content_type": "text"}],
    }
    chat = api.ok("POST", "/v3/chat", json=body)
    assert chat["status"] == "in_progress"  # the start's answer is the same as for a turn still running
    params = {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    assert api.ok("GET", "/v3/chat/retrieve", params=params)["status"] == "completed"  # no wait, no poll
    msgs = api.ok("GET", "/v3/chat/message/list", params=params)
    assert [m["type"] for m in msgs] == ["answer", "verbose"]
    assert emu.control.chat(chat["id"])["model_inputs"][0]["query"] == "q"


@pytest.mark.parametrize(
    "script",
    [
        None,
        {"text": "scripted answer", "reasoning": "thinking first"},
        {"tool_calls": [{"name": "lamp", "arguments": {"on": True}}]},
        {"error": {"code": 5000, "msg": "boom"}},
    ],
    ids=["deterministic", "scripted", "tool-calls", "failure"],
)
def test_a_turn_run_at_once_streams_and_stores_what_a_turn_run_as_a_task_does(
    emu: ThreadedEmulator, api: Api, script: Optional[Dict[str, Any]]
) -> None:
    runs = []
    for delay_ms in (0, 1):  # 0: at once, as the chat is recorded; 1: a task that waits before each delta
        emu.control.configure(chunk_delay_ms=delay_ms, follow_ups=True)
        if script is not None:
            emu.control.script(BOT, script)
        events = api.stream(BOT, "turn me on")
        ended = events[-2][1]
        params = {"conversation_id": ended["conversation_id"], "chat_id": ended["id"]}
        stored = api.ok("GET", "/v3/chat/retrieve", params=params)
        messages = api.ok("GET", "/v3/chat/message/list", params=params)
        inputs = emu.control.chat(ended["id"]).get("model_inputs")
        runs.append((_shape(events), _shape([("chat", stored)] + [("message", m) for m in messages]), inputs))
    assert runs[0] == runs[1]
    names = [name for name, _ in runs[0][0]]
    assert names[:2] == ["conversation.chat.created", "conversation.chat.in_progress"]
    assert names[-1] == "done" and names[-2] in (
        "conversation.chat.completed",
        "conversation.chat.requires_action",
        "conversation.chat.failed",
    )


def _begin(state: Any, text: str = "q") -> Tuple[Account, Begun]:
    account = state.accounts.authenticate(state.info["token"])
    message = {"role": "user", "content": text, "content_type": "text"}
    return account, state.engine.start(account, ChatStart(BOT, "u1", additional_messages=[message]))


def _types(state: Any, account: Account, chat: Dict[str, Any]) -> List[str]:
    return [m["type"] for m in state.messages.of_conversation(account, chat["conversation_id"])]


def test_a_turn_that_needs_no_waiting_ends_in_the_transaction_recording_its_chat(engine_state: Any) -> None:
    account, begun = _begin(engine_state)
    assert begun.prepared is None and begun.in_progress["status"] == "in_progress"
    chat = engine_state.chats.raw(account, begun.created["id"])  # no event loop has run: nothing is pending
    assert chat["status"] == "completed" and chat["usage"]["output_count"] > 0
    assert _types(engine_state, account, chat) == ["question", "answer", "verbose"]
    assert begun.in_progress["usage"]["token_count"] == 0  # the start's snapshot is what the start saw


def test_a_turn_with_a_streaming_delay_is_left_to_a_task(engine_state: Any) -> None:
    engine_state.config.chunk_delay = 0.01
    account, begun = _begin(engine_state)
    assert begun.prepared is not None
    chat = engine_state.chats.raw(account, begun.created["id"])
    assert chat["status"] == "in_progress" and _types(engine_state, account, chat) == ["question"]


def test_a_model_that_fails_at_once_fails_its_chat_not_the_start(
    engine_state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Broken:
        def at_once(self, request: Any) -> List[Any]:
            raise RuntimeError("a bug in the model")

    monkeypatch.setattr(engine_state.engine, "_model_for", lambda bot_id: (Broken(), None))
    account, begun = _begin(engine_state)
    chat = engine_state.chats.raw(account, begun.created["id"])
    assert chat["status"] == "failed" and chat["last_error"]["code"] == CozeErrors.INTERNAL_ERROR.code
    assert _types(engine_state, account, chat) == ["question"]


def test_a_stream_run_at_once_is_sent_as_a_stream_run_as_a_task_is(emu: ThreadedEmulator, api: Api) -> None:
    heads = []
    for delay_ms in (0, 1):
        emu.control.configure(chunk_delay_ms=delay_ms)
        message = {"role": "user", "content": "hi", "content_type": "text"}
        body = {"bot_id": BOT, "user_id": "u1", "stream": True, "additional_messages": [message]}
        resp = api.http.post("/v3/chat", json=body)
        assert resp.text.endswith('event:done\ndata:"[DONE]"\n\n')
        heads.append({k: v for k, v in resp.headers.items() if k not in ("x-tt-logid", "date")})
    assert heads[0] == heads[1]
    assert heads[0]["transfer-encoding"] == "chunked" and "content-length" not in heads[0]


def test_a_scripted_reply_is_kept_for_the_next_chat_when_the_start_fails(
    engine_state: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine_state.scripts.push(BOT, [ScriptedReply(chunks=["scripted"]), ScriptedReply(chunks=["second"])])

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the outcome could not be written")

    with monkeypatch.context() as patched:
        patched.setattr(engine_state.engine, "_conclude", broken)
        with pytest.raises(RuntimeError):
            _begin(engine_state)
    assert engine_state.scripts.pending(BOT) == 2  # the failed start played nothing
    account, begun = _begin(engine_state)
    chat = engine_state.chats.raw(account, begun.created["id"])
    answers = engine_state.messages.of_conversation(account, chat["conversation_id"])
    assert [m["content"] for m in answers if m["type"] == "answer"] == ["scripted"]
    assert engine_state.scripts.pending(BOT) == 1
