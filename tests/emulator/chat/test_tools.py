"""Local plugins (端插件): requires_action, then submit_tool_outputs, streamed or not."""

from __future__ import annotations

import json
from typing import Any, Dict

from cozekit.emulator import ThreadedEmulator

from ..conftest import Api, chat_of, parse_sse

BOT = ThreadedEmulator.demo_bot_id


def _requires_action(api: Api, text: str = "please get_weather for Paris") -> Dict[str, Any]:
    events = api.stream(BOT, text)
    names = [e for e, _ in events]
    assert names[-2:] == ["conversation.chat.requires_action", "done"]
    call_msg = next(d for e, d in events if e == "conversation.message.completed")
    assert call_msg["type"] == "function_call" and json.loads(call_msg["content"])["name"] == "get_weather"
    return chat_of(events, "conversation.chat.requires_action")


def test_chat_stops_in_requires_action(api: Api) -> None:
    chat = _requires_action(api)
    assert chat["status"] == "requires_action"
    (call,) = chat["required_action"]["submit_tool_outputs"]["tool_calls"]
    assert chat["required_action"]["type"] == "submit_tool_outputs"
    assert call["type"] == "function" and call["function"]["name"] == "get_weather"
    assert json.loads(call["function"]["arguments"]) == {"query": "please get_weather for Paris"}
    assert api.wait(chat["conversation_id"], chat["id"])["status"] == "requires_action"
    cancel = api.call(
        "POST", "/v3/chat/cancel", json={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    )
    assert cancel["code"] == 4104


def test_submit_tool_outputs_non_stream_resumes_to_completion(emu: ThreadedEmulator, api: Api) -> None:
    chat = _requires_action(api)
    (call,) = chat["required_action"]["submit_tool_outputs"]["tool_calls"]
    params = {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    resumed = api.ok(
        "POST",
        "/v3/chat/submit_tool_outputs",
        params=params,
        json={"tool_outputs": [{"tool_call_id": call["id"], "output": "sunny"}]},
    )
    assert resumed["status"] == "in_progress" and "required_action" not in resumed
    done = api.wait(chat["conversation_id"], chat["id"])
    assert done["status"] == "completed"
    msgs = api.ok("GET", "/v3/chat/message/list", params=params)
    assert [m["type"] for m in msgs] == ["function_call", "tool_response", "answer", "verbose"]
    assert msgs[1]["content"] == "sunny"
    assert msgs[2]["content"] == "Tool results: get_weather returned sunny."
    seen = emu.control.chat(chat["id"])["model_inputs"]
    assert len(seen) == 2 and seen[1]["tool_outputs"] == {call["id"]: "sunny"}


def test_submit_tool_outputs_streams_the_rest(api: Api) -> None:
    chat = _requires_action(api)
    (call,) = chat["required_action"]["submit_tool_outputs"]["tool_calls"]
    resp = api.http.post(
        "/v3/chat/submit_tool_outputs",
        params={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]},
        json={"stream": True, "tool_outputs": [{"tool_call_id": call["id"], "output": "rain"}]},
    )
    assert resp.headers["content-type"] == "text/event-stream"
    events = parse_sse(resp.text)
    names = [e for e, _ in events]
    assert names[0] == "conversation.chat.in_progress"
    assert (
        events[1] == ("conversation.message.completed", events[1][1])
        and events[1][1]["type"] == "tool_response"
    )
    assert names[-2:] == ["conversation.chat.completed", "done"]
    answer = [d for e, d in events if e == "conversation.message.completed" and d["type"] == "answer"]
    assert answer[0]["content"] == "Tool results: get_weather returned rain."


def test_scripted_tool_calls(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.script(
        BOT,
        {"tool_calls": [{"name": "lamp", "arguments": {"on": True}}, {"name": "fan", "arguments": "{}"}]},
        {"text": "Both done."},
    )
    events = api.stream(BOT, "switch things on")
    chat = chat_of(events, "conversation.chat.requires_action")
    calls = chat["required_action"]["submit_tool_outputs"]["tool_calls"]
    assert [(c["function"]["name"], c["function"]["arguments"]) for c in calls] == [
        ("lamp", '{"on": true}'),
        ("fan", "{}"),
    ]
    params = {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    missing = api.call(
        "POST",
        "/v3/chat/submit_tool_outputs",
        params=params,
        json={"tool_outputs": [{"tool_call_id": calls[0]["id"], "output": "ok"}]},
    )
    assert missing["code"] == 4000
    unknown = api.call(
        "POST",
        "/v3/chat/submit_tool_outputs",
        params=params,
        json={"tool_outputs": [{"tool_call_id": "nope", "output": "ok"}]},
    )
    assert unknown["code"] == 4000
    outputs = [{"tool_call_id": c["id"], "output": "ok"} for c in calls]
    api.ok("POST", "/v3/chat/submit_tool_outputs", params=params, json={"tool_outputs": outputs})
    assert api.wait(chat["conversation_id"], chat["id"])["status"] == "completed"
    msgs = api.ok("GET", "/v3/chat/message/list", params=params)
    assert msgs[-2]["content"] == "Both done."
    again = api.call("POST", "/v3/chat/submit_tool_outputs", params=params, json={"tool_outputs": outputs})
    assert again["code"] == 4000


def test_submit_needs_auto_save_history(api: Api) -> None:
    events = api.stream(BOT, "get_weather", auto_save_history=False)
    chat = chat_of(events, "conversation.chat.requires_action")
    (call,) = chat["required_action"]["submit_tool_outputs"]["tool_calls"]
    resp = api.call(
        "POST",
        "/v3/chat/submit_tool_outputs",
        params={"conversation_id": chat["conversation_id"], "chat_id": chat["id"]},
        json={"tool_outputs": [{"tool_call_id": call["id"], "output": "x"}]},
    )
    assert resp["code"] == 5000


def test_local_tools_can_be_declared_per_bot(emu: ThreadedEmulator, api: Api) -> None:
    bot = emu.control.create_bot(name="Device", local_tools=[{"name": "open_door"}])
    assert chat_of(api.stream(bot, "open_door please"), "conversation.chat.requires_action")
    emu.control.set_local_tools(bot, [])
    assert chat_of(api.stream(bot, "open_door please"))["status"] == "completed"
