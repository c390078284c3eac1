"""Code exchange and refresh on the wire (web and PKCE, sync and async), and every documented error."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cozekit import (
    AsyncPKCEOAuthApp,
    AsyncWebOAuthApp,
    OAuthError,
    OAuthToken,
    PKCEOAuthApp,
    WebOAuthApp,
)

from .oauth_fakes import BASE, CLIENT_ID, CLIENT_SECRET, NO_WAIT, OAuthServer, bearer, oauth_error

TOKEN_PATH = "/api/permission/oauth2/token"


def web(server: OAuthServer) -> WebOAuthApp:
    return WebOAuthApp(CLIENT_ID, CLIENT_SECRET, BASE, http_client=server.sync_client(), retry_policy=NO_WAIT)


def pkce(server: OAuthServer) -> PKCEOAuthApp:
    return PKCEOAuthApp(CLIENT_ID, BASE, http_client=server.sync_client())


def _check_token(token: OAuthToken, n: int = 1) -> None:
    assert token.access_token == f"czu_access{n}"
    assert token.refresh_token == f"rt_refresh{n}"
    assert token.token_type == "Bearer"
    assert token.logid == f"logid-token-{n}"


def test_web_code_exchange(server: OAuthServer) -> None:
    token = web(server).get_access_token("https://app.example/cb", "code_abc")
    _check_token(token)
    (req,) = server.requests
    assert req.method == "POST" and req.url.path == TOKEN_PATH
    assert bearer(req) == CLIENT_SECRET
    assert req.headers["content-type"] == "application/json"
    assert server.body(req) == {
        "grant_type": "authorization_code",
        "client_id": CLIENT_ID,
        "redirect_uri": "https://app.example/cb",
        "code": "code_abc",
    }


def test_web_refresh(server: OAuthServer) -> None:
    _check_token(web(server).refresh_access_token("rt_old"))
    (req,) = server.requests
    assert bearer(req) == CLIENT_SECRET
    assert server.body(req) == {
        "grant_type": "refresh_token",
        "client_id": CLIENT_ID,
        "refresh_token": "rt_old",
    }


def test_pkce_exchange_sends_the_verifier_and_no_authorization(server: OAuthServer) -> None:
    _check_token(pkce(server).get_access_token("https://a/cb", "code_1", "verifier_1"))
    (req,) = server.requests
    assert "authorization" not in req.headers
    assert server.body(req) == {
        "grant_type": "authorization_code",
        "client_id": CLIENT_ID,
        "redirect_uri": "https://a/cb",
        "code": "code_1",
        "code_verifier": "verifier_1",
    }


def test_pkce_refresh_has_no_authorization(server: OAuthServer) -> None:
    pkce(server).refresh_access_token("rt_1")
    (req,) = server.requests
    assert "authorization" not in req.headers
    assert server.body(req) == {
        "grant_type": "refresh_token",
        "client_id": CLIENT_ID,
        "refresh_token": "rt_1",
    }


async def test_async_twins_send_the_same_requests(server: OAuthServer) -> None:
    aweb = AsyncWebOAuthApp(CLIENT_ID, CLIENT_SECRET, BASE, http_client=server.async_client())
    apkce = AsyncPKCEOAuthApp(CLIENT_ID, BASE, http_client=server.async_client())
    _check_token(await aweb.get_access_token("https://a/cb", "c"), 1)
    _check_token(await aweb.refresh_access_token("rt_x"), 2)
    _check_token(await apkce.get_access_token("https://a/cb", "c", "v"), 3)
    _check_token(await apkce.refresh_access_token("rt_y"), 4)
    sync_server = OAuthServer()
    w, p = web(sync_server), pkce(sync_server)
    w.get_access_token("https://a/cb", "c")
    w.refresh_access_token("rt_x")
    p.get_access_token("https://a/cb", "c", "v")
    p.refresh_access_token("rt_y")
    for a, s in zip(server.requests, sync_server.requests):
        assert (a.method, a.url, a.content) == (s.method, s.url, s.content)
        assert a.headers.get("authorization") == s.headers.get("authorization")
    await aweb.close()
    await apkce.close()


def test_expires_in_is_an_absolute_time(server: OAuthServer) -> None:
    server.replies.append(httpx.Response(200, json={"access_token": "czu_x", "expires_in": 1721135859}))
    token = web(server).get_access_token("https://a/cb", "c")
    assert token.expires_in == 1721135859 and token.refresh_token == ""


DOCUMENTED_ERRORS = [
    ("invalid_request", "invalid request: code", 400),
    ("invalid_client", "", 401),
    ("unsupported_grant_type", "not supported grant type: foo", 400),
    ("access_deny", "app: demo is currently deactivated by the owner", 403),
    ("access_deny", "invalid app type", 403),
    ("access_deny", "login session invalid", 401),
    ("internal_error", "Service internal error.", 500),
    ("invalid_grant", "refresh token expired", 400),
]


@pytest.mark.parametrize(("code", "message", "status"), DOCUMENTED_ERRORS)
@pytest.mark.parametrize("style", ["docs", "device", "both"])
def test_every_documented_error_becomes_an_oauth_error(
    server: OAuthServer, code: str, message: str, status: int, style: str
) -> None:
    server.replies.append(oauth_error(code, message, status, style))
    app = web(server)  # default max_retries: a token POST must still not be resent
    with pytest.raises(OAuthError) as info:
        app.get_access_token("https://a/cb", "code_1")
    err = info.value
    assert err.error_code == code
    assert err.status_code == status
    assert err.logid == "logid-oauth"
    assert code in str(err) and (message in str(err))
    assert CLIENT_SECRET not in str(err) and CLIENT_SECRET not in repr(err)
    assert len(server.token_requests()) == 1  # a token POST is never resent once the server answered


def test_an_error_with_http_200_is_still_an_error(server: OAuthServer) -> None:
    server.replies.append(oauth_error("invalid_client", "", 200, "docs"))
    with pytest.raises(OAuthError) as info:
        pkce(server).refresh_access_token("rt")
    assert info.value.error_code == "invalid_client"


async def test_async_errors_too(server: OAuthServer) -> None:
    server.replies.append(oauth_error("invalid_request", "invalid request: code_verifier"))
    app = AsyncPKCEOAuthApp(CLIENT_ID, BASE, http_client=server.async_client())
    with pytest.raises(OAuthError) as info:
        await app.get_access_token("https://a/cb", "c", "v")
    assert info.value.error_code == "invalid_request"


def test_blank_arguments_are_refused_before_any_io(server: OAuthServer) -> None:
    calls: list[Any] = [
        lambda: web(server).get_access_token("https://a/cb", ""),
        lambda: web(server).get_access_token("", "c"),
        lambda: web(server).refresh_access_token(" "),
        lambda: pkce(server).get_access_token("https://a/cb", "c", ""),
    ]
    for call in calls:
        with pytest.raises(ValueError):
            call()
    assert server.requests == []
