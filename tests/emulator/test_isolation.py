"""One account never sees or changes another's bots, conversations, messages, chats or files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx

from cozekit.emulator import ThreadedEmulator

from .conftest import Api, chat_of

BOT = ThreadedEmulator.demo_bot_id
WS = ThreadedEmulator.workspace_id


def test_accounts_are_separate_users_with_their_own_workspace(api: Api, other: Api) -> None:
    me, them = api.ok("GET", "/v1/users/me"), other.ok("GET", "/v1/users/me")
    assert me["user_id"] != them["user_id"] and them["user_name"] == "mallory"
    (ws,) = other.ok("GET", "/v1/workspaces")["workspaces"]
    assert ws["id"] != WS


def test_bots_are_private(api: Api, other: Api) -> None:
    assert other.call("GET", f"/v1/bots/{BOT}")["code"] == 4200
    assert other.call("GET", "/v1/bot/get_online_info", params={"bot_id": BOT})["code"] == 4200
    assert other.call("GET", "/v1/bots", params={"workspace_id": WS})["code"] == 4200
    assert other.call("GET", "/v1/space/published_bots_list", params={"space_id": WS})["code"] == 4200
    assert other.call("POST", "/v1/bot/update", json={"bot_id": BOT, "name": "pwned"})["code"] == 4200
    assert other.call("POST", "/v1/bot/publish", json={"bot_id": BOT})["code"] == 4200
    assert other.call("POST", f"/v1/bots/{BOT}/unpublish", json={"connector_id": "1024"})["code"] == 4200
    assert other.call("GET", f"/v1/bots/{BOT}/versions")["code"] == 4200
    assert other.call("POST", "/v1/bot/create", json={"space_id": WS, "name": "x"})["code"] == 4200
    assert api.ok("GET", f"/v1/bots/{BOT}")["name"] == "Cozekit Demo Bot"
    msg = [{"role": "user", "content": "x", "content_type": "text"}]
    assert (
        other.call("POST", "/v3/chat", json={"bot_id": BOT, "user_id": "u", "additional_messages": msg})[
            "code"
        ]
        == 4006
    )


def test_conversations_messages_and_chats_are_private(api: Api, other: Api) -> None:
    chat = chat_of(api.stream(BOT, "mine"))
    conv = chat["conversation_id"]
    msgs = api.ok("POST", "/v1/conversation/message/list", params={"conversation_id": conv}, json={})
    mid = msgs[0]["id"]
    q = {"conversation_id": conv}
    qm = {"conversation_id": conv, "message_id": mid}
    qc = {"conversation_id": conv, "chat_id": chat["id"]}
    for method, path, kw in [
        ("GET", "/v1/conversation/retrieve", {"params": q}),
        ("PUT", f"/v1/conversations/{conv}", {"json": {"name": "x"}}),
        ("POST", f"/v1/conversations/{conv}/clear", {}),
        ("DELETE", f"/v1/conversations/{conv}", {}),
        ("POST", "/v1/conversation/message/list", {"params": q, "json": {}}),
        (
            "POST",
            "/v1/conversation/message/create",
            {"params": q, "json": {"role": "user", "content": "x", "content_type": "text"}},
        ),
        ("GET", "/v1/conversation/message/retrieve", {"params": qm}),
        ("POST", "/v1/conversation/message/modify", {"params": qm, "json": {"meta_data": {"a": "b"}}}),
        ("POST", "/v1/conversation/message/delete", {"params": qm}),
        ("POST", f"/v1/conversations/{conv}/messages/{mid}/feedback", {"json": {"feedback_type": "like"}}),
        ("DELETE", f"/v1/conversations/{conv}/messages/{mid}/feedback", {}),
        ("GET", "/v3/chat/retrieve", {"params": qc}),
        ("POST", "/v3/chat/retrieve", {"params": qc}),
        ("GET", "/v3/chat/message/list", {"params": qc}),
        ("POST", "/v3/chat/cancel", {"json": qc}),
        ("POST", "/v3/chat/submit_tool_outputs", {"params": qc, "json": {"tool_outputs": []}}),
    ]:
        assert other.call(method, path, **kw)["code"] == 4002, (method, path)
    other_bot = other.ok(
        "POST",
        "/v1/bot/create",
        json={"space_id": other.ok("GET", "/v1/workspaces")["workspaces"][0]["id"], "name": "Theirs"},
    )["bot_id"]
    other.ok("POST", "/v1/bot/publish", json={"bot_id": other_bot})
    msg = [{"role": "user", "content": "x", "content_type": "text"}]
    hijack = other.call(
        "POST", "/v3/chat", params=q, json={"bot_id": other_bot, "user_id": "u", "additional_messages": msg}
    )
    assert hijack["code"] == 4002
    assert other.ok("GET", "/v1/conversations", params={"bot_id": BOT})["conversations"] == []
    # and the owner still sees everything untouched
    assert api.ok("GET", "/v1/conversation/retrieve", params=q)["name"] == ""
    assert len(api.ok("POST", "/v1/conversation/message/list", params=q, json={})) == 2


def test_files_are_private(api: Api, other: Api) -> None:
    f = api.ok("POST", "/v1/files/upload", files={"file": ("a.png", b"\x89PNG")})
    assert other.call("GET", "/v1/files/retrieve", params={"file_id": f["id"]})["code"] == 4200
    import json

    content = json.dumps([{"type": "text", "text": "see"}, {"type": "image", "file_id": f["id"]}])
    msg = [{"role": "user", "content": content, "content_type": "object_string"}]
    bot = other.ok(
        "POST",
        "/v1/bot/create",
        json={"space_id": other.ok("GET", "/v1/workspaces")["workspaces"][0]["id"], "name": "B"},
    )["bot_id"]
    other.ok("POST", "/v1/bot/publish", json={"bot_id": bot})
    assert (
        other.call("POST", "/v3/chat", json={"bot_id": bot, "user_id": "u", "additional_messages": msg})[
            "code"
        ]
        == 4304
    )


def test_tokens_are_stored_hashed(tmp_path: Path) -> None:
    emu = ThreadedEmulator(data_dir=str(tmp_path)).start()
    try:
        token = emu.control.create_account("trent")["token"]
        assert (
            httpx.get(f"{emu.base_url}/v1/users/me", headers={"Authorization": f"Bearer {token}"}).json()[
                "code"
            ]
            == 0
        )
    finally:
        emu.stop()
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert token.encode() not in stored
    assert emu.token.encode() not in stored
    assert hashlib.sha256(token.encode()).hexdigest().encode() in stored
