"""`auth_for_user` with a refreshing `AsyncJWTAuth(session_name=user)`: Coze keeps end users apart too."""

from __future__ import annotations

import logging
from typing import List

import httpx
import pytest

from cozekit import Coze, CozeAPIError
from cozekit.auth import AsyncJWTAuth, AsyncJWTOAuthApp, JWTAuth, JWTOAuthApp
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.control.oauth_routes import new_key_pair

from .conftest import MakeProxy, as_user, parse_sse


def test_each_end_user_gets_their_own_jwt_session(
    make_proxy: MakeProxy, upstream: ThreadedEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    keys = new_key_pair()
    app = upstream.control.oauth.create_app("jwt", public_key=keys["public_key"])
    ids = (app["client_id"], keys["private_key"], app["public_key_id"])
    oauth_app = AsyncJWTOAuthApp(*ids, base_url=upstream.base_url)  # one app, one connection pool
    sessions: List[str] = []

    def auth_for_user(user: str) -> AsyncJWTAuth:
        sessions.append(user)
        return AsyncJWTAuth(oauth_app=oauth_app, session_name=user, ttl=600)

    proxy = make_proxy(auth_for_user=auth_for_user)
    bot = upstream.demo_bot_id
    seen: List[str] = []
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:
        first = http.post("/chat", json={"bot_id": bot, "message": "one"}, headers=as_user("alice"))
        conversation_id = parse_sse(first.text)[0][1]["conversation_id"]
        body = {"bot_id": bot, "message": "two", "conversation_id": conversation_id}
        second = http.post("/chat", json=body, headers=as_user("alice"))
        assert "(turn 2) heard: two" in second.text
        seen += [r.text + str(r.headers) for r in (first, second)]
    assert sessions == ["alice"]  # one auth per user, reused (its token too)

    sync_app = JWTOAuthApp(*ids, base_url=upstream.base_url)
    with Coze(auth=JWTAuth(oauth_app=sync_app, session_name="alice"), base_url=upstream.base_url) as alice:
        assert alice.conversations.retrieve(conversation_id=conversation_id).id == conversation_id
    with (
        Coze(auth=JWTAuth(oauth_app=sync_app, session_name="bob"), base_url=upstream.base_url) as bob,
        pytest.raises(CozeAPIError) as hidden,
    ):
        bob.conversations.retrieve(conversation_id=conversation_id)
    assert hidden.value.code == 4002
    sync_app.close()
    assert not any("czs_" in text for text in seen)  # no session token reaches the browser
    assert "czs_" not in caplog.text and keys["private_key"] not in caplog.text
