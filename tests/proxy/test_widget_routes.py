"""The routes the widget uses beyond chat: bot info, files, feedback, rename and delete; HS256 JWT users."""

from __future__ import annotations

import time

import httpx
import jwt

from cozekit import Coze, TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.proxy import verify_user_jwt

from .conftest import SECRET, MakeProxy, as_user, parse_sse

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def jwt_user(user: str, secret: str = SECRET, ttl: int = 600) -> dict:
    token = jwt.encode({"sub": user, "exp": int(time.time()) + ttl}, secret, algorithm="HS256")
    return {"X-Cozekit-User": token}


def test_hs256_jwt_names_the_user() -> None:
    good = jwt.encode({"sub": "dora", "exp": 2_000_000_000}, SECRET, algorithm="HS256")
    assert verify_user_jwt(good, SECRET) == "dora"
    assert verify_user_jwt(good, "another-secret-0123456789abcdefgh") is None
    assert verify_user_jwt(good, SECRET, now=2_000_000_001) is None
    no_exp = jwt.encode({"sub": "dora"}, SECRET, algorithm="HS256")
    assert verify_user_jwt(no_exp, SECRET) is None
    spaced = jwt.encode({"sub": "a b", "exp": 2_000_000_000}, SECRET, algorithm="HS256")
    assert verify_user_jwt(spaced, SECRET) is None
    unsigned = jwt.encode({"sub": "dora", "exp": 2_000_000_000}, None, algorithm="none")
    assert verify_user_jwt(unsigned, SECRET) is None


def test_bot_info_gives_the_greeting(make_proxy: MakeProxy, upstream: ThreadedEmulator) -> None:
    proxy = make_proxy()
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        info = http.get(f"/bots/{upstream.demo_bot_id}", headers=jwt_user("dora")).json()
        assert info["name"] == "Cozekit Demo Bot"
        assert info["prologue"] == "Hi! I am the emulator's demo bot."
        assert info["suggested_questions"] == ["What can you do?"]
        assert "prompt" not in str(info)
        assert http.get("/bots/123", headers=as_user("dora")).status_code == 403
        assert http.get(f"/bots/{upstream.demo_bot_id}").status_code == 401


def test_files_are_checked_uploaded_and_only_their_owner_sends_them(
    make_proxy: MakeProxy, upstream: ThreadedEmulator
) -> None:
    proxy = make_proxy(max_upload_bytes=1024)
    bot = upstream.demo_bot_id
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        alice = as_user("alice")
        bad = http.post(
            "/files?name=x.exe", content=b"MZ", headers={**alice, "content-type": "application/x-msdownload"}
        )
        assert (bad.status_code, bad.json()["msg"]) == (
            415,
            "this file type may not be uploaded: application/x-msdownload",
        )
        big = http.post("/files?name=a.png", content=PNG * 40, headers={**alice, "content-type": "image/png"})
        assert (big.status_code, big.json()["msg"]) == (413, "the file is over 1024 bytes")
        empty = http.post("/files?name=a.png", content=b"", headers={**alice, "content-type": "image/png"})
        assert empty.status_code == 400
        ok = http.post(
            "/files?name=../../etc/<b>.png", content=PNG, headers={**alice, "content-type": "image/png"}
        )
        assert ok.status_code == 200
        body = ok.json()
        assert (body["file_name"], body["bytes"], body["type"]) == ("<b>.png", len(PNG), "image")
        message = {
            "bot_id": bot,
            "message": "look",
            "attachments": [{"type": "image", "file_id": body["file_id"]}],
        }
        disguised = {**message, "attachments": [{"type": "file", "file_id": body["file_id"]}]}
        assert http.post("/chat", json=disguised, headers=alice).status_code == 404
        stolen = http.post("/chat", json=message, headers=as_user("bob"))
        assert (stolen.status_code, stolen.json()["msg"]) == (404, "file not found: upload it again")
        sent = http.post("/chat", json=message, headers=alice)
        assert sent.status_code == 200
        events = parse_sse(sent.text)
        assert events[-1][0] == "done"
        conversation_id = events[0][1]["conversation_id"]
        history = http.get(f"/conversations/{conversation_id}/messages", headers=alice).json()["messages"]
        assert history[0]["content_type"] == "object_string"
        assert body["file_id"] in history[0]["content"]
        nothing = http.post("/chat", json={"bot_id": bot, "message": "  "}, headers=alice)
        assert (nothing.status_code, nothing.json()["msg"]) == (
            400,
            "invalid message: send some text or a file",
        )


def test_feedback_rename_and_delete_only_for_the_owner(
    make_proxy: MakeProxy, upstream: ThreadedEmulator
) -> None:
    proxy = make_proxy()
    bot = upstream.demo_bot_id
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        alice, bob = as_user("alice"), as_user("bob")
        events = parse_sse(http.post("/chat", json={"bot_id": bot, "message": "hi"}, headers=alice).text)
        conversation_id = events[0][1]["conversation_id"]
        answer_id = next(
            d["id"] for e, d in events if e == "conversation.message.completed" and d["type"] == "answer"
        )
        path = f"/conversations/{conversation_id}/messages/{answer_id}/feedback"
        assert http.post(path, json={"feedback_type": "like"}, headers=bob).status_code == 404
        liked = http.post(path, json={"feedback_type": "like"}, headers=alice)
        assert liked.json() == {"message_id": answer_id, "feedback_type": "like"}
        assert http.post(path, json={"feedback_type": None}, headers=alice).status_code == 200
        assert http.post(path, json={"feedback_type": "meh"}, headers=alice).status_code == 400
        why = {"feedback_type": "unlike", "reason_types": ["Wrong"], "comment": "outdated"}
        assert http.post(path, json=why, headers=alice).status_code == 200
        stored = upstream.state.store.get("message", answer_id)
        assert stored is not None and stored["feedback"] == why
        for bad in ({"reason_types": ["x" * 31]}, {"reason_types": ["r"] * 11}, {"comment": "c" * 251}):
            assert http.post(path, json={"feedback_type": "unlike", **bad}, headers=alice).status_code == 400

        assert (
            http.patch(f"/conversations/{conversation_id}", json={"name": "x"}, headers=bob).status_code
            == 404
        )
        renamed = http.patch(f"/conversations/{conversation_id}", json={"name": "Orders"}, headers=alice)
        assert renamed.json() == {"id": conversation_id, "name": "Orders"}
        with Coze(auth=TokenAuth(upstream.token), base_url=upstream.base_url) as coze:
            assert coze.conversations.retrieve(conversation_id=conversation_id).name == "Orders"
        assert http.delete(f"/conversations/{conversation_id}", headers=bob).status_code == 404
        assert http.delete(f"/conversations/{conversation_id}", headers=alice).json()["deleted"] is True
        listed = http.get("/conversations", headers=alice).json()["conversations"]
        assert conversation_id not in [c["id"] for c in listed]
        again = http.post(
            "/chat", json={"bot_id": bot, "message": "x", "conversation_id": conversation_id}, headers=alice
        )
        assert again.status_code == 404


def test_widget_bundle_carries_the_vendored_libraries(make_proxy: MakeProxy) -> None:
    proxy = make_proxy()
    text = httpx.get(proxy.base_url + "/widget.js").text
    assert "@license DOMPurify 3.5.0" in text and "marked v15.0.12" in text
    assert "/*@vendor@*/" not in text and "CozeWebSDK" in text
