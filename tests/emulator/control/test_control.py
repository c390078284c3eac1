"""The control plane: reset, info, settings, and every kind of injected fault."""

from __future__ import annotations

import time

import httpx
import pytest

from cozekit.emulator import ThreadedEmulator

from ..conftest import Api, parse_sse

BOT = ThreadedEmulator.demo_bot_id
CHAT = {
    "bot_id": BOT,
    "user_id": "u",
    "stream": True,
    "additional_messages": [{"role": "user", "content": "hello", "content_type": "text"}],
}


def test_info_and_reset(emu: ThreadedEmulator, api: Api) -> None:
    info = emu.control.info()
    assert info["token"] == emu.token == "pat_cozekit_emulator_dev_token"
    assert (info["user_id"], info["workspace_id"], info["demo_bot_id"]) == (
        emu.user_id,
        emu.workspace_id,
        emu.demo_bot_id,
    )
    assert info["base_url"] == emu.base_url and info["config"]["chunk_delay_ms"] == 0
    conv = api.ok("POST", "/v1/conversation/create", json={})
    emu.control.configure(chunk_size=3)
    emu.control.script(BOT, {"text": "x"})
    emu.control.fault("http_error", path="/nowhere")
    emu.reset()
    assert (
        api.call("GET", "/v1/conversation/retrieve", params={"conversation_id": conv["id"]})["code"] == 4002
    )
    assert emu.control.info()["config"]["chunk_size"] == 8
    assert httpx.get(emu.base_url + "/_emulator/faults").json()["data"] == []
    answer = next(d for e, d in api.stream(BOT, "hi") if e == "conversation.message.completed")
    assert answer["content"].endswith("heard: hi")


def test_seed_is_idempotent(emu: ThreadedEmulator, api: Api) -> None:
    resp = httpx.post(emu.base_url + "/_emulator/seed").json()
    assert resp["data"]["demo_bot_id"] == BOT
    assert api.ok("GET", "/v1/bots", params={"workspace_id": emu.workspace_id})["total"] == 1


def test_429_with_retry_after_then_recovers(emu: ThreadedEmulator, api: Api) -> None:
    fault = emu.control.fault("http_error", status=429, retry_after=2, path="/v1/users/me", count=2)
    assert fault["id"] and fault["count"] == 2
    for _ in range(2):
        resp = api.http.get("/v1/users/me")
        assert resp.status_code == 429 and resp.headers["retry-after"] == "2"
        body = resp.json()
        assert body["code"] == 4009 and body["detail"]["logid"] == resp.headers["x-tt-logid"]
    assert api.http.get("/v1/users/me").status_code == 200


def test_5xx_and_business_errors_and_matching(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.fault("http_error", status=503, path="/v1/*", method="GET")
    assert api.http.post("/v1/conversation/create", json={}).status_code == 200  # method does not match
    resp = api.http.get("/v1/workspaces")
    assert resp.status_code == 503 and resp.json()["code"] == 5000
    emu.control.fault("business_error", code=4008, msg="daily limit", path="/v1/workspaces")
    resp = api.http.get("/v1/workspaces")
    assert resp.status_code == 200 and resp.json()["code"] == 4008 and resp.json()["msg"] == "daily limit"
    assert api.http.get("/v1/workspaces").json()["code"] == 0


def test_faults_until_cleared_and_never_on_the_control_plane(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.fault("http_error", status=500, count=None)
    for _ in range(3):
        assert api.http.get("/v1/users/me").status_code == 500
    assert len(httpx.get(emu.base_url + "/_emulator/faults").json()["data"]) == 1
    emu.control.clear_faults()
    assert api.http.get("/v1/users/me").status_code == 200
    bad = httpx.post(emu.base_url + "/_emulator/faults", json={"kind": "gremlins"}).json()
    assert bad["code"] == 4000


def test_error_event_mid_stream(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.fault("stream_error", path="/v3/chat", after_events=3, code=5000, msg="event interval error")
    events = parse_sse(api.http.post("/v3/chat", json=CHAT).text)
    assert [e for e, _ in events] == [
        "conversation.chat.created",
        "conversation.chat.in_progress",
        "conversation.message.delta",
        "error",
    ]
    assert events[-1][1] == {"code": 5000, "msg": "event interval error"}
    # the fault was used up: the next stream is whole
    assert parse_sse(api.http.post("/v3/chat", json=CHAT).text)[-1][0] == "done"


def test_dropped_connection(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.fault("drop", path="/v3/chat", after_events=2)
    seen = []
    with pytest.raises(httpx.RemoteProtocolError), api.http.stream("POST", "/v3/chat", json=CHAT) as resp:
        seen.extend(line for line in resp.iter_lines() if line)
    assert [line.split(":")[0] for line in seen] == ["event", "data", "event", "data"]
    emu.control.fault("drop", path="/v1/users/me")
    with pytest.raises(httpx.RemoteProtocolError):
        api.http.get("/v1/users/me")
    assert api.http.get("/v1/users/me").status_code == 200


def test_a_dropped_stream_still_finishes_the_chat(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.fault("drop", path="/v3/chat", after_events=1)
    lines = []
    with pytest.raises(httpx.RemoteProtocolError), api.http.stream("POST", "/v3/chat", json=CHAT) as resp:
        for line in resp.iter_lines():
            lines.append(line)
    created = parse_sse("\n".join(lines[:2]) + "\n\n")[0][1]
    assert api.wait(created["conversation_id"], created["id"])["status"] == "completed"


def test_latency(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.fault("latency", latency_ms=150, path="/v1/users/me")
    start = time.monotonic()
    assert api.http.get("/v1/users/me").status_code == 200
    assert time.monotonic() - start >= 0.15


def test_chunk_delay_paces_the_stream(emu: ThreadedEmulator, api: Api) -> None:
    emu.control.configure(chunk_delay_ms=30, chunk_size=100)
    start = time.monotonic()
    events = api.stream(BOT, "x")
    assert time.monotonic() - start >= 0.03
    assert sum(1 for e, _ in events if e == "conversation.message.delta") == 1
    cfg = emu.control.configure(chunk_delay_ms=0)
    assert cfg["chunk_delay_ms"] == 0 and cfg["chunk_size"] == 100


def test_unknown_bot_on_the_control_plane(emu: ThreadedEmulator) -> None:
    resp = httpx.post(emu.base_url + "/_emulator/bots/1/replies", json={"replies": [{"text": "x"}]})
    assert resp.status_code == 404 and resp.json()["code"] == 4200
    resp = httpx.get(emu.base_url + "/_emulator/chats/1")
    assert resp.status_code == 404
