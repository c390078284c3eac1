"""End users: signed tokens, per-user conversations, anonymous visitors, custom resolvers, per-user auth."""

from __future__ import annotations

import time

import httpx
import pytest

from cozekit import Coze, CozeAPIError, TokenAuth
from cozekit.emulator import ThreadedEmulator
from cozekit.proxy import HEADER_NAME, ThreadedProxy, sign_user, verify_user

from .conftest import SECRET, MakeProxy, as_user, parse_sse


def test_signed_token_round_trip_and_rejections() -> None:
    token = sign_user("user-42", SECRET, ttl=60)
    assert verify_user(token, SECRET) == "user-42"
    assert verify_user(token, SECRET + "x") is None  # another secret
    encoded, expires, mac = token.split(".")
    assert verify_user(f"{encoded}.{int(expires) + 1000}.{mac}", SECRET) is None  # extended by hand
    forged = sign_user("user-43", SECRET).split(".")[0]
    assert verify_user(f"{forged}.{expires}.{mac}", SECRET) is None  # another user
    assert verify_user(token, SECRET, now=time.time() + 61) is None  # expired
    assert verify_user("garbage", SECRET) is None
    with pytest.raises(ValueError):
        sign_user("has space", SECRET)
    with pytest.raises(ValueError):
        sign_user("x" * 129, SECRET)
    with pytest.raises(ValueError):
        sign_user("ok", "short")


def start(http: httpx.Client, bot_id: str, user: str) -> str:
    events = parse_sse(
        http.post("/chat", json={"bot_id": bot_id, "message": "hi"}, headers=as_user(user)).text
    )
    return str(events[0][1]["conversation_id"])


def test_each_user_sees_only_their_conversations(http: httpx.Client, upstream: ThreadedEmulator) -> None:
    bot = upstream.demo_bot_id
    alice = start(http, bot, "alice")
    assert http.get(f"/conversations/{alice}/messages", headers=as_user("alice")).status_code == 200
    theirs = http.get(f"/conversations/{alice}/messages", headers=as_user("bob"))
    assert theirs.status_code == 404 and theirs.json()["code"] == 4200
    hijack = http.post(
        "/chat", json={"bot_id": bot, "message": "hi", "conversation_id": alice}, headers=as_user("bob")
    )
    assert hijack.status_code == 404 and hijack.json()["code"] == 4200
    made = http.post("/conversations", json={"bot_id": bot}, headers=as_user("bob")).json()
    assert made["conversation_id"] != alice
    events = parse_sse(
        http.post(
            "/chat",
            json={"bot_id": bot, "message": "hi", "conversation_id": made["conversation_id"]},
            headers=as_user("bob"),
        ).text
    )
    assert events[0][1]["conversation_id"] == made["conversation_id"]


def test_conversations_made_outside_the_proxy_are_not_found(
    http: httpx.Client, upstream: ThreadedEmulator
) -> None:
    with Coze(TokenAuth(upstream.token), upstream.base_url) as coze:
        direct = coze.conversations.create(bot_id=upstream.demo_bot_id).id
    for path in (f"/conversations/{direct}/messages", "/conversations/7999999999999999999/messages"):
        resp = http.get(path, headers=as_user("alice"))
        assert resp.status_code == 404 and resp.json()["code"] == 4200


def test_requests_without_a_valid_user_are_refused(http: httpx.Client, upstream: ThreadedEmulator) -> None:
    body = {"bot_id": upstream.demo_bot_id, "message": "hi"}
    expired = sign_user("alice", SECRET, ttl=1, now=time.time() - 10)
    for headers in (
        {},
        {HEADER_NAME: sign_user("alice", "another-secret-0123456789")},
        {HEADER_NAME: expired},
    ):
        resp = http.post("/chat", json=body, headers=headers)
        assert resp.status_code == 401 and resp.json()["code"] == 4100
    cookie = httpx.Client(base_url=str(http.base_url), cookies={"cozekit_user": sign_user("alice", SECRET)})
    with cookie:
        assert cookie.post("/chat", json=body).status_code == 200


def test_anonymous_sessions_only_when_enabled(make_proxy: MakeProxy, upstream: ThreadedEmulator) -> None:
    closed, opened = make_proxy(), make_proxy(anonymous=True)
    refused = httpx.post(closed.base_url + "/session")
    assert refused.status_code == 403 and refused.json()["code"] == 4101
    token = httpx.post(opened.base_url + "/session").json()["user_token"]
    assert (verify_user(token, SECRET) or "").startswith("anon-")
    body = {"bot_id": upstream.demo_bot_id, "message": "hi"}
    assert httpx.post(opened.base_url + "/chat", json=body, headers={HEADER_NAME: token}).status_code == 200


def test_custom_resolver_decides_who_the_user_is(make_proxy: MakeProxy, upstream: ThreadedEmulator) -> None:
    proxy = make_proxy(user_id_from=lambda request: request.headers.get("x-site-user"))
    body = {"bot_id": upstream.demo_bot_id, "message": "hi"}
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        conversation = parse_sse(http.post("/chat", json=body, headers={"x-site-user": "carol"}).text)[0][1]
        path = f"/conversations/{conversation['conversation_id']}/messages"
        assert http.get(path, headers={"x-site-user": "carol"}).status_code == 200
        assert http.get(path, headers={"x-site-user": "dave"}).status_code == 404
        assert http.get(path, headers=as_user("carol")).status_code == 401  # signed tokens are off
        assert http.get(path, headers={"x-site-user": "bad id"}).status_code == 401


def test_auth_for_user_sends_each_users_calls_with_their_own_credential(
    make_proxy: MakeProxy, upstream: ThreadedEmulator
) -> None:
    other = upstream.control.create_account("erin")
    bot_id = upstream.control.create_bot(name="Erin's bot", token=other["token"])
    proxy: ThreadedProxy = make_proxy(bots=[bot_id], auth_for_user=lambda user: TokenAuth(other["token"]))
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        conversation_id = start(http, bot_id, "erin")
    with Coze(TokenAuth(other["token"]), upstream.base_url) as coze:
        assert (
            coze.conversations.retrieve(conversation_id=conversation_id).meta_data["cozekit_user"] == "erin"
        )
    with Coze(TokenAuth(upstream.token), upstream.base_url) as coze, pytest.raises(CozeAPIError) as info:
        coze.conversations.retrieve(conversation_id=conversation_id)
    assert info.value.code == 4002  # the proxy's own token never saw it
