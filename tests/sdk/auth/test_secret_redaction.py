"""No token, client secret, device code, JWT assertion or private key in logs, reprs or errors."""

from __future__ import annotations

import logging
from typing import List

import httpx
import pytest

from cozekit import (
    AsyncJWTAuth,
    AsyncJWTOAuthApp,
    Coze,
    DeviceOAuthApp,
    JWTAuth,
    JWTOAuthApp,
    MemoryTokenStore,
    OAuthError,
    OAuthRefreshAuth,
    PKCEOAuthApp,
    WebOAuthApp,
)

from .oauth_fakes import BASE, CLIENT_ID, CLIENT_SECRET, KEY_ID, NO_WAIT, OAuthServer, bearer, oauth_error


def _secrets(server: OAuthServer, private_pem: str) -> List[str]:
    key_lines = [line for line in private_pem.splitlines() if line and not line.startswith("-----")]
    assertions = [b for b in (bearer(r) for r in server.token_requests()) if b and b != CLIENT_SECRET]
    return [
        CLIENT_SECRET,
        "dev_SECRETdevicecode",
        "czu_access",
        "rt_refresh",
        "czu_start",
        "rt_start",
        *key_lines,
        *assertions,
    ]


def test_logs_reprs_and_errors_hold_no_secret(
    server: OAuthServer, private_pem: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: List[str] = []
    web = WebOAuthApp(CLIENT_ID, CLIENT_SECRET, BASE, http_client=server.sync_client(), retry_policy=NO_WAIT)
    pkce = PKCEOAuthApp(CLIENT_ID, BASE, http_client=server.sync_client())
    device = DeviceOAuthApp(CLIENT_ID, BASE, http_client=server.sync_client())
    jwt_app = JWTOAuthApp(CLIENT_ID, private_pem, KEY_ID, BASE, http_client=server.sync_client())

    token = web.get_access_token("https://a/cb", "code_1")
    texts += [repr(token), str(token), repr(web), str(web)]
    refreshed = pkce.refresh_access_token(token.refresh_token)
    texts += [repr(refreshed), repr(pkce)]
    code = device.get_device_code()
    texts += [repr(code), str(code), repr(device)]
    texts += [repr(device.get_access_token(code)), repr(jwt_app), str(jwt_app)]
    texts.append(repr(jwt_app.get_access_token(session_name="u1")))

    auth = JWTAuth(oauth_app=jwt_app)
    store = MemoryTokenStore()
    refresh_auth = OAuthRefreshAuth(web, token, store=store)
    coze = Coze(auth, BASE, http_client=server.sync_client(), retry_policy=NO_WAIT)
    server.api_replies.append(httpx.Response(401, json={"code": 4100, "msg": "expired"}))
    coze.users.me()
    texts += [repr(auth), str(auth), repr(refresh_auth), repr(store), repr(coze), repr(auth.oauth_token)]

    for reply, call in [
        (oauth_error("invalid_client", "", 401), lambda: web.refresh_access_token(token.refresh_token)),
        (oauth_error("invalid_grant", "bad code"), lambda: pkce.get_access_token("https://a/cb", "c", "v")),
        (oauth_error("expired_token"), lambda: device.get_access_token(code, poll=True)),
        (oauth_error("invalid_client", "jwt"), lambda: jwt_app.get_access_token()),
    ]:
        server.replies.append(reply)
        with pytest.raises(OAuthError) as info:
            call()
        texts += [str(info.value), repr(info.value), *map(str, info.value.args)]

    texts.append(caplog.text)
    haystack = "\n".join(texts)
    assert "request: POST /api/permission/oauth2/token" in caplog.text  # DEBUG logging was on
    for secret in _secrets(server, private_pem):
        assert secret not in haystack, secret[:12]


async def test_async_auth_repr_and_logs(
    server: OAuthServer, private_pem: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app = AsyncJWTOAuthApp(CLIENT_ID, private_pem, KEY_ID, BASE, http_client=server.async_client())
    auth = AsyncJWTAuth(oauth_app=app, session_name="user-1")
    await auth.aget_token()
    haystack = "\n".join([repr(auth), repr(app), caplog.text])
    for secret in _secrets(server, private_pem):
        assert secret not in haystack


def test_the_private_key_is_not_kept_as_text(private_pem: str) -> None:
    app = JWTOAuthApp(CLIENT_ID, private_pem, KEY_ID, BASE)
    assert all(private_pem not in repr(v) for v in vars(app).values())
