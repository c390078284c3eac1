"""POST /chat relays the bot's reply as trimmed SSE; Coze errors keep their code and logid."""

from __future__ import annotations

import time

import httpx

from cozekit.emulator import ThreadedEmulator
from cozekit.proxy import ThreadedProxy

from .conftest import as_user, parse_sse


def chat(
    http: httpx.Client, bot_id: str, text: str = "hello", user: str = "alice", **extra: str
) -> httpx.Response:
    return http.post("/chat", json={"bot_id": bot_id, "message": text, **extra}, headers=as_user(user))


def test_reply_streams_with_only_widget_fields(http: httpx.Client, upstream: ThreadedEmulator) -> None:
    resp = chat(http, upstream.demo_bot_id)
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/event-stream")
    assert resp.headers["x-tt-logid"]
    events = parse_sse(resp.text)
    names = [name for name, _ in events]
    assert names[:2] == ["conversation.chat.created", "conversation.chat.in_progress"]
    assert names[-2:] == ["conversation.chat.completed", "done"]
    deltas = [data for name, data in events if name == "conversation.message.delta"]
    completed = [data for name, data in events if name == "conversation.message.completed"]
    assert len(deltas) > 1 and len(completed) == 1  # the verbose packet stays on the server
    assert "".join(d["content"] for d in deltas) == completed[0]["content"]
    assert completed[0]["content"].endswith("heard: hello")
    assert set(completed[0]) == {"id", "chat_id", "type", "content", "content_type"}
    created = events[0][1]
    assert set(created) == {"id", "conversation_id", "status"}  # no usage, bot or meta data


def test_a_second_message_continues_the_conversation(http: httpx.Client, upstream: ThreadedEmulator) -> None:
    first = parse_sse(chat(http, upstream.demo_bot_id, "one").text)
    conversation_id = first[0][1]["conversation_id"]
    second = parse_sse(chat(http, upstream.demo_bot_id, "two", conversation_id=conversation_id).text)
    assert second[0][1]["conversation_id"] == conversation_id
    answer = next(d for n, d in second if n == "conversation.message.completed")
    assert "(turn 2) heard: two" in answer["content"]
    history = http.get(f"/conversations/{conversation_id}/messages", headers=as_user("alice")).json()
    assert [(m["role"], m["type"]) for m in history["messages"]] == [
        ("user", "question"),
        ("assistant", "answer"),
        ("user", "question"),
        ("assistant", "answer"),
    ]
    assert history["messages"][2]["content"] == "two" and history["has_more"] is False


def test_bots_outside_the_allow_list_are_refused(http: httpx.Client, upstream: ThreadedEmulator) -> None:
    other = upstream.control.create_bot(name="Internal")
    for resp in (
        chat(http, other),
        http.post("/conversations", json={"bot_id": other}, headers=as_user("alice")),
    ):
        assert resp.status_code == 403
        assert resp.json() == {"code": 4101, "msg": "this bot is not served by the proxy", "logid": ""}


def test_upstream_error_before_the_stream_keeps_code_and_logid(
    http: httpx.Client, upstream: ThreadedEmulator
) -> None:
    upstream.control.fault("business_error", path="/v3/chat", code=4015, msg="bot not published")
    resp = chat(http, upstream.demo_bot_id)
    assert resp.status_code == 502  # Coze said 200 with an error code: the visitor did nothing wrong
    body = resp.json()
    assert (body["code"], body["msg"]) == (4015, "bot not published")
    assert body["logid"] and resp.headers["x-tt-logid"] == body["logid"]


def test_upstream_http_status_is_kept(http: httpx.Client, upstream: ThreadedEmulator) -> None:
    upstream.control.fault("http_error", path="/v1/conversation/create", status=429, code=4009, count=5)
    resp = chat(http, upstream.demo_bot_id)
    assert resp.status_code == 429
    assert resp.json()["code"] == 4009 and resp.json()["logid"]


def test_error_mid_stream_becomes_an_error_event(http: httpx.Client, upstream: ThreadedEmulator) -> None:
    upstream.control.fault("stream_error", path="/v3/chat", code=4009, msg="overloaded", after_events=2)
    resp = chat(http, upstream.demo_bot_id)
    assert resp.status_code == 200
    events = parse_sse(resp.text)
    name, data = events[-1]
    assert name == "error"
    assert data == {"code": 4009, "msg": "overloaded", "logid": resp.headers["x-tt-logid"]}


def test_failed_chat_is_relayed_with_its_error(http: httpx.Client, upstream: ThreadedEmulator) -> None:
    upstream.control.script(upstream.demo_bot_id, {"error": {"code": 5000, "msg": "boom"}})
    events = parse_sse(chat(http, upstream.demo_bot_id).text)
    failed = [d for n, d in events if n == "conversation.chat.failed"]
    assert failed and failed[0]["last_error"] == {"code": 5000, "msg": "boom"}
    assert events[-1][0] == "done"


def test_local_plugin_bots_end_with_an_error_event(make_proxy: object, upstream: ThreadedEmulator) -> None:
    tool = {"name": "get_weather", "description": "weather", "parameters": {}}
    bot_id = upstream.control.create_bot(name="Weather", local_tools=[tool])
    upstream.control.script(bot_id, {"tool_calls": [{"name": "get_weather", "arguments": {}}]})
    proxy = make_proxy(bots=[bot_id])  # type: ignore[operator]
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        events = parse_sse(chat(http, bot_id).text)
    assert events[-1][0] == "error" and "local plugin" in events[-1][1]["msg"]
    assert all("tool_calls" not in str(data) for _, data in events)


def test_client_disconnect_closes_the_upstream_stream(
    proxy: ThreadedProxy, upstream: ThreadedEmulator
) -> None:
    upstream.control.configure(chunk_delay_ms=60_000)  # the answer's first delta is a minute away
    counter = proxy.app.state.proxy.streams
    body = {"bot_id": upstream.demo_bot_id, "message": "long please"}
    with (
        httpx.Client(base_url=proxy.base_url, timeout=30) as http,
        http.stream("POST", "/chat", json=body, headers=as_user("alice")) as resp,
    ):
        seen = []
        lines = resp.iter_lines()
        for line in lines:
            seen.append(line)
            if line.startswith("event:conversation.chat.in_progress"):
                break
        if counter.open != 1:
            seen.extend(lines)  # what the stream carried after all, to say why it closed
        assert counter.open == 1, seen
    # Nothing more is written to the browser for a minute, so only watching for the disconnect can
    # close the upstream stream now.
    deadline = time.monotonic() + 10  # hang guard
    while counter.open and time.monotonic() < deadline:
        time.sleep(0.02)
    assert counter.open == 0
