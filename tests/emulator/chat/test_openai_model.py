"""The optional OpenAI-compatible model, against a tiny fake `/chat/completions` on loopback."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any, Dict, List

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from cozekit.emulator import EmulatorConfig, ThreadedEmulator

from ..conftest import Api, chat_of


def fake_openai(seen: List[Dict[str, Any]]) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def completions(request: Request) -> Response:
        body = await request.json()
        seen.append({"auth": request.headers.get("authorization"), **body})
        last = body["messages"][-1]
        if "fail" in str(last.get("content")):
            return JSONResponse({"error": {"message": "overloaded"}}, status_code=500)
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

        async def stream() -> AsyncIterator[bytes]:
            for delta in chunks:
                yield f"data: {json.dumps({'choices': [{'index': 0, 'delta': delta}]})}\n\n".encode()
            yield b"data: [DONE]\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream")

    return app


@pytest.fixture(scope="module")
def openai_emu() -> Iterator[tuple[ThreadedEmulator, List[Dict[str, Any]]]]:
    seen: List[Dict[str, Any]] = []
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(fake_openai(seen), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.005)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    config = EmulatorConfig(openai_base_url=base, openai_api_key="sk-test", openai_model="fake-1")
    with ThreadedEmulator(config) as emu:
        yield emu, seen
    server.should_exit = True
    thread.join(timeout=5)


def test_streams_the_model_answer(openai_emu: tuple[ThreadedEmulator, List[Dict[str, Any]]]) -> None:
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


def test_tool_calls_round_trip(openai_emu: tuple[ThreadedEmulator, List[Dict[str, Any]]]) -> None:
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


def test_model_errors_fail_the_chat(openai_emu: tuple[ThreadedEmulator, List[Dict[str, Any]]]) -> None:
    emu, _ = openai_emu
    api = Api(emu.base_url, emu.token)
    failed = chat_of(api.stream(emu.demo_bot_id, "please fail"), "conversation.chat.failed")
    assert failed["last_error"]["code"] == 4013 and "HTTP 500" in failed["last_error"]["msg"]


def test_scripted_replies_still_win(openai_emu: tuple[ThreadedEmulator, List[Dict[str, Any]]]) -> None:
    emu, _ = openai_emu
    emu.control.script(emu.demo_bot_id, {"text": "scripted"})
    api = Api(emu.base_url, emu.token)
    answer = next(d for e, d in api.stream(emu.demo_bot_id, "hi") if e == "conversation.message.completed")
    assert answer["content"] == "scripted"
