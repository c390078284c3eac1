"""The JWT flow end to end: channel, account and enterprise endpoints, session isolation, and every
way an assertion is rejected (signature, kid, iss, aud, exp, jti replay); sync and async."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List

import httpx
import jwt
import pytest

from cozekit import AsyncCoze, Coze, Message, PermissionDeniedError, TokenAuth
from cozekit._exceptions import CozeAPIError, OAuthError
from cozekit.auth import AsyncJWTAuth, AsyncJWTOAuthApp, JWTAuth, JWTOAuthApp, Scope
from cozekit.emulator.control.oauth_client import OAuthControl
from cozekit.emulator.control.oauth_routes import new_key_pair

TOKEN_URL = "/api/permission/oauth2/token"


def _app(base_url: str, jwt_app: Dict[str, Any]) -> JWTOAuthApp:
    return JWTOAuthApp(
        jwt_app["client_id"], jwt_app["private_key"], jwt_app["public_key_id"], base_url=base_url
    )


def _post(base_url: str, assertion: str, path: str = TOKEN_URL, **body: Any) -> httpx.Response:
    grant = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "duration_seconds": 900, **body}
    headers = {"Authorization": f"Bearer {assertion}"} if assertion else {}
    return httpx.post(base_url + path, json=grant, headers=headers)


def _claims(base_url: str, jwt_app: Dict[str, Any], **changes: Any) -> Dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": jwt_app["client_id"],
        "aud": base_url.split("//", 1)[1],
        "iat": now,
        "exp": now + 600,
        "jti": f"jti-{time.monotonic_ns()}",
    }
    claims.update(changes)
    return claims


def _sign(claims: Dict[str, Any], private_key: str, kid: str) -> str:
    return jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": kid})


def test_channel_token_acts_for_the_owner(base_url: str, jwt_app: Dict[str, Any], coze_emulator: Any) -> None:
    app = _app(base_url, jwt_app)
    token = app.get_access_token(ttl=600)
    assert token.access_token.startswith("czs_") and not token.refresh_token
    assert token.expires_in > 1_000_000_000
    with Coze(auth=TokenAuth(token.access_token), base_url=base_url) as coze:
        assert coze.users.me().user_id == coze_emulator.user_id
    app.close()


def test_account_and_enterprise_endpoints(base_url: str, jwt_app: Dict[str, Any], coze_emulator: Any) -> None:
    other = coze_emulator.control.create_account("bob")
    app = _app(base_url, jwt_app)
    for_bob = app.get_access_token(account_id=other["user_id"])
    with Coze(auth=TokenAuth(for_bob.access_token), base_url=base_url) as coze:
        assert coze.users.me().user_id == other["user_id"]
    with pytest.raises(OAuthError) as nobody:
        app.get_access_token(account_id="404404")
    assert nobody.value.error_code == "invalid_request"
    assert app.get_access_token(enterprise_id="ent_1").access_token.startswith("czs_")
    with pytest.raises(OAuthError) as other_enterprise:
        app.get_access_token(enterprise_id="ent_2")
    assert other_enterprise.value.error_code == "access_deny"
    app.close()


async def test_async_app_and_variants(base_url: str, jwt_app: Dict[str, Any], coze_emulator: Any) -> None:
    app = AsyncJWTOAuthApp(
        jwt_app["client_id"], jwt_app["private_key"], jwt_app["public_key_id"], base_url=base_url
    )
    token = await app.get_access_token(ttl=60, session_name="u1")
    async with AsyncCoze(auth=TokenAuth(token.access_token), base_url=base_url) as coze:
        assert (await coze.users.me()).user_id == coze_emulator.user_id
    assert (await app.get_access_token(enterprise_id="ent_1")).access_token
    with pytest.raises(OAuthError):
        await app.get_access_token(enterprise_id="ent_9")
    await app.close()


def test_session_name_isolates_end_users(base_url: str, jwt_app: Dict[str, Any], coze_emulator: Any) -> None:
    app = _app(base_url, jwt_app)
    alice = Coze(auth=JWTAuth(oauth_app=app, session_name="alice"), base_url=base_url)
    bob = Coze(auth=JWTAuth(oauth_app=app, session_name="bob"), base_url=base_url)
    bot = coze_emulator.demo_bot_id
    mine = alice.conversations.create(bot_id=bot)
    assert alice.conversations.retrieve(conversation_id=mine.id).id == mine.id
    with pytest.raises(CozeAPIError) as hidden:
        bob.conversations.retrieve(conversation_id=mine.id)
    assert hidden.value.code == 4002
    bobs = bob.conversations.create(bot_id=bot)
    assert [c.id for c in alice.conversations.list(bot_id=bot)] == [mine.id]
    assert [c.id for c in bob.conversations.list(bot_id=bot)] == [bobs.id]
    alice.close()
    bob.close()
    app.close()


async def test_async_session_isolation(base_url: str, jwt_app: Dict[str, Any], coze_emulator: Any) -> None:
    def auth(session: str) -> AsyncJWTAuth:
        return AsyncJWTAuth(
            jwt_app["client_id"],
            jwt_app["private_key"],
            jwt_app["public_key_id"],
            base_url=base_url,
            session_name=session,
        )

    async with (
        AsyncCoze(auth=auth("carol"), base_url=base_url) as carol,
        AsyncCoze(auth=auth("dave"), base_url=base_url) as dave,
    ):
        convo = await carol.conversations.create(bot_id=coze_emulator.demo_bot_id)
        with pytest.raises(CozeAPIError):
            await dave.conversations.retrieve(conversation_id=convo.id)
        assert (await carol.conversations.retrieve(conversation_id=convo.id)).id == convo.id


def test_replayed_jti_is_rejected(base_url: str, jwt_app: Dict[str, Any]) -> None:
    assertion = _sign(_claims(base_url, jwt_app), jwt_app["private_key"], jwt_app["public_key_id"])
    assert _post(base_url, assertion).status_code == 200
    again = _post(base_url, assertion)
    assert again.status_code == 401
    assert again.json()["error_code"] == "invalid_client" and "jti" in again.json()["error_message"]


def _rejected(base_url: str, assertion: str, path: str = TOKEN_URL) -> Dict[str, Any]:
    answer = _post(base_url, assertion, path)
    assert answer.status_code == 401, answer.text
    body: Dict[str, Any] = answer.json()
    assert body["error"] == body["error_code"] == "invalid_client"
    assert body["error_message"] == body["error_description"]
    return body


def test_bad_assertions_are_rejected(base_url: str, jwt_app: Dict[str, Any], oauth: OAuthControl) -> None:
    key, kid = jwt_app["private_key"], jwt_app["public_key_id"]
    stranger = new_key_pair()["private_key"]
    cases: List[str] = [
        _sign(_claims(base_url, jwt_app), stranger, kid),  # signed with another key
        _sign(_claims(base_url, jwt_app), key, "not-a-kid"),
        _sign(_claims(base_url, jwt_app, aud="api.coze.com"), key, kid),
        _sign(_claims(base_url, jwt_app, iss="someone.app.coze"), key, kid),
        _sign(_claims(base_url, jwt_app, exp=int(time.time()) - 10), key, kid),
        jwt.encode(_claims(base_url, jwt_app), "a-shared-secret-of-thirty-two-bytes!", algorithm="HS256"),
        "not.a.jwt",
    ]
    messages = [_rejected(base_url, assertion)["error_message"] for assertion in cases]
    assert "signature" in messages[0] and "kid" in messages[1] and "aud" in messages[2]
    assert "iss" in messages[3] and "expired" in messages[4] and "RS256" in messages[5]
    assert _rejected(base_url, "")["error_message"] == "verify jwt empty error"
    for assertion in cases:  # no answer quotes the assertion
        assert assertion not in str(messages)
    no_exp = _claims(base_url, jwt_app)
    del no_exp["jti"]
    assert "invalid JWT" in _rejected(base_url, _sign(no_exp, key, kid))["error_message"]


def test_expiry_is_measured_by_the_emulator_clock(
    base_url: str, jwt_app: Dict[str, Any], oauth: OAuthControl
) -> None:
    app = _app(base_url, jwt_app)
    signed = app._assertion(None, None)  # valid for an hour
    oauth.advance_clock(3601)
    assert "expired" in _rejected(base_url, signed)["error_message"]
    with pytest.raises(OAuthError) as late:  # a fresh assertion is signed with the real clock: also stale
        app.get_access_token()
    assert late.value.status_code == 401
    app.close()


def test_duration_scope_and_disabled_app(base_url: str, jwt_app: Dict[str, Any], oauth: OAuthControl) -> None:
    app = _app(base_url, jwt_app)
    bad = _post(base_url, app._assertion(None, None), duration_seconds=86400)
    assert bad.status_code == 400 and bad.json()["error_code"] == "invalid_request"
    bad_scope = _post(base_url, app._assertion(None, None), scope="all")
    assert bad_scope.json()["error_message"] == "invalid request: scope"
    oauth.update_app(jwt_app["client_id"], disabled=True)
    with pytest.raises(OAuthError) as off:
        app.get_access_token()
    assert off.value.error_code == "access_deny"
    app.close()


def test_jwt_auth_refreshes_once_after_a_rejected_token(
    base_url: str, jwt_app: Dict[str, Any], oauth: OAuthControl
) -> None:
    app = _app(base_url, jwt_app)
    fetched: List[str] = []
    fetch = app.get_access_token

    def counting(*args: Any, **kwargs: Any) -> Any:
        token = fetch(*args, **kwargs)
        fetched.append(token.access_token)
        return token

    app.get_access_token = counting  # type: ignore[method-assign]
    auth = JWTAuth(oauth_app=app, ttl=600)
    with Coze(auth=auth, base_url=base_url) as coze:
        assert coze.users.me().user_id
        assert len(fetched) == 1
        # the server's clock passes the token's expiry, ours does not: Coze answers 4100, the auth
        # signs a new assertion (its exp is an hour ahead, still valid) and the call is retried once
        oauth.advance_clock(601)
        assert coze.users.me().user_id
        assert len(fetched) == 2 and fetched[0] != fetched[1]
        assert auth.get_token() == fetched[1]
    app.close()


async def test_async_jwt_auth_refreshes_once_after_a_rejected_token(
    base_url: str, jwt_app: Dict[str, Any], oauth: OAuthControl
) -> None:
    app = AsyncJWTOAuthApp(
        jwt_app["client_id"], jwt_app["private_key"], jwt_app["public_key_id"], base_url=base_url
    )
    fetched: List[str] = []
    fetch = app.get_access_token

    async def counting(*args: Any, **kwargs: Any) -> Any:
        token = await fetch(*args, **kwargs)
        fetched.append(token.access_token)
        return token

    app.get_access_token = counting  # type: ignore[method-assign]
    async with AsyncCoze(auth=AsyncJWTAuth(oauth_app=app, ttl=600), base_url=base_url) as coze:
        await coze.users.me()
        await asyncio.to_thread(oauth.advance_clock, 601)
        users = await asyncio.gather(*(coze.users.me() for _ in range(10)))
    assert len({u.user_id for u in users}) == 1
    assert len(fetched) == 2 and fetched[0] != fetched[1]  # one new token for all ten rejected calls
    await app.close()


def test_channel_scope_limits_the_token_to_chatting_with_its_bots(
    base_url: str, jwt_app: Dict[str, Any], coze_emulator: Any
) -> None:
    coze_emulator.control.configure(chunk_delay_ms=0)
    other_bot = coze_emulator.control.create_bot(name="Other")
    app = _app(base_url, jwt_app)
    scope = Scope.build_bot_chat([coze_emulator.demo_bot_id])  # Connector.botChat with this bot only
    channel = Coze(auth=JWTAuth(oauth_app=app, scope=scope, session_name="viewer-1"), base_url=base_url)
    question = [Message.build_user_question_text("hello")]
    bot = coze_emulator.demo_bot_id
    done = channel.chat.create_and_poll(bot_id=bot, user_id="v1", additional_messages=question)
    assert done.chat.status == "completed" and done.messages
    assert channel.conversations.retrieve(conversation_id=done.chat.conversation_id).id
    with pytest.raises(PermissionDeniedError) as other:
        channel.chat.create_and_poll(bot_id=other_bot, user_id="v1", additional_messages=question)
    assert other.value.code == 4101
    for call in (channel.users.me, lambda: channel.bots.list(space_id=coze_emulator.workspace_id)):
        with pytest.raises(PermissionDeniedError):  # nothing but chat
            call()
    with Coze(auth=JWTAuth(oauth_app=app), base_url=base_url) as unscoped:
        assert unscoped.users.me().user_id and unscoped.bots.retrieve(bot_id=other_bot).bot_id == other_bot
    channel.close()
    app.close()


def test_a_malformed_scope_is_refused(base_url: str, jwt_app: Dict[str, Any]) -> None:
    app = _app(base_url, jwt_app)
    not_a_list = {"account_permission": {"permission_list": "Connector.botChat"}}
    for scope in ({"account_permission": []}, not_a_list):
        with pytest.raises(OAuthError) as bad:
            app.get_access_token(scope=scope)
        assert bad.value.error_code == "invalid_request"
    app.close()
