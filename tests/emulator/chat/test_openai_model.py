"""The optional OpenAI-compatible model, against a tiny fake `/chat/completions` on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Dict, Tuple

import httpx
import pytest

from cozekit.emulator import EmulatorConfig, ThreadedEmulator
from fake_server import FakeServer

from ..conftest import Api, chat_of


def _completions(request: httpx.Request) -> httpx.Response:
    """A tiny OpenAI-compatible `/v1/chat/completions`, streamed; a question with "fail" gets a 500."""
    body = json.loads(request.content)
    last = body["messages"][-1]
    if "fail" in str(last.get("content")):
        return httpx.Response(500, json={"error": {"message": "overloaded"}})
    if body.get("tools") and last["role"] == "user" and "weather" in last["content"]:
        chunks = [
            {
                "tool_calls": [
                    {"index": 0, "id": "call_1", "function": {"name": "get_weather", "arguments": '{"ci'}}
                ]
            },
            {"tool_calls": [{"index": 0, "function": {"arguments": 'ty": "Oslo"}'}}]},
        ]
    else:
        reply = "It is sunny." if last["role"] == "tool" else f"Hello from {body['model']}"
        chunks = [{"content": reply[:5]}, {"content": reply[5:]}]
    events = [f"data: {json.dumps({'choices': [{'index': 0, 'delta': delta}]})}\n\n" for delta in chunks]
    return httpx.Response(
        200, text="".join(events) + "data: [DONE]\n\n", headers={"content-type": "text/event-stream"}
    )


class _Asked:
    """What the model has been asked so far: the authorization and body of each request."""

    def __init__(self, server: FakeServer) -> None:
        self.server = server

    def __getitem__(self, index: int) -> Dict[str, Any]:
        request = self.server.requests[index]
        return {"auth": request.headers.get("authorization"), **json.loads(request.content)}


@pytest.fixture(scope="module")
def openai_emu() -> Iterator[Tuple[ThreadedEmulator, _Asked]]:
    with FakeServer(_completions) as model:
        base = model.url + "/v1"
        config = EmulatorConfig(openai_base_url=base, openai_api_key="sk-test", openai_model="fake-1")
        with ThreadedEmulator(config) as emu:
            yield emu, _Asked(model)


def test_streams_the_model_answer(openai_emu: Tuple[ThreadedEmulator, _Asked]) -> None:
    emu, seen = openai_emu
    api = Api(emu.base_url, emu.token)
    events = api.stream(emu.demo_bot_id, "hi", custom_variables={"user_name": "Bo"})
    deltas = [d["content"] for e, d in events if e == "conversation.message.delta"]
    assert deltas == ["Hello", " from fake-1"]
    assert chat_of(events)["status"] == "completed"
    request = seen[-1]
    assert request["auth"] == "Bearer sk-test" and request["model"] == "fake-1" and request["stream"] is True
    assert request["messages"][0] == {
        "role": "system",
        "content": "You are a friendly demo assistant. The user's name is Bo.",
    }
    assert request["messages"][-1] == {"role": "user", "content": "hi"}
    assert [t["function"]["name"] for t in request["tools"]] == ["get_weather"]


def test_tool_calls_round_trip(openai_emu: Tuple[ThreadedEmulator, _Asked]) -> None:
    emu, seen = openai_emu
    api = Api(emu.base_url, emu.token)
    chat = chat_of(api.stream(emu.demo_bot_id, "weather in Oslo?"), "conversation.chat.requires_action")
    (call,) = chat["required_action"]["submit_tool_outputs"]["tool_calls"]
    assert call["id"] == "call_1" and json.loads(call["function"]["arguments"]) == {"city": "Oslo"}
    params = {"conversation_id": chat["conversation_id"], "chat_id": chat["id"]}
    resp = api.http.post(
        "/v3/chat/submit_tool_outputs",
        params=params,
        json={"stream": True, "tool_outputs": [{"tool_call_id": "call_1", "output": "18C"}]},
    )
    assert "It is sunny." in resp.text
    assert seen[-1]["messages"][-2]["tool_calls"][0]["id"] == "call_1"
    assert seen[-1]["messages"][-1] == {"role": "tool", "tool_call_id": "call_1", "content": "18C"}


def test_model_errors_fail_the_chat(openai_emu: Tuple[ThreadedEmulator, _Asked]) -> None:
    emu, _ = openai_emu
    api = Api(emu.base_url, emu.token)
    failed = chat_of(api.stream(emu.demo_bot_id, "please fail"), "conversation.chat.failed")
    assert failed["last_error"]["code"] == 4013 and "HTTP 500" in failed["last_error"]["msg"]


def test_scripted_replies_still_win(openai_emu: Tuple[ThreadedEmulator, _Asked]) -> None:
    emu, _ = openai_emu
    emu.control.script(emu.demo_bot_id, {"text": "scripted"})
    api = Api(emu.base_url, emu.token)
    answer = next(d for e, d in api.stream(emu.demo_bot_id, "hi") if e == "conversation.message.completed")
    assert answer["content"] == "scripted"
