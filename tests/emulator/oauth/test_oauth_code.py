"""Authorization code (web) and PKCE flows end to end: consent page, exchange, refresh, errors."""

from __future__ import annotations

from typing import Any, Dict

import httpx
import pytest

from cozekit import AsyncCoze, Coze, TokenAuth
from cozekit._exceptions import OAuthError
from cozekit.auth import (
    AsyncPKCEOAuthApp,
    AsyncWebOAuthApp,
    PKCEOAuthApp,
    WebOAuthApp,
    gen_code_verifier,
    gen_state,
)
from cozekit.emulator.control.oauth_client import OAuthControl

from .headless_browser import REDIRECT, consent, query


def _me(base_url: str, token: str) -> str:
    with Coze(auth=TokenAuth(token), base_url=base_url) as coze:
        return coze.users.me().user_id


def test_web_code_flow_through_the_consent_page(
    base_url: str, web_app: Dict[str, Any], coze_emulator: Any
) -> None:
    app = WebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    state = gen_state()
    url = app.get_oauth_url(REDIRECT, state=state)
    assert url.startswith(base_url + "/api/permission/oauth2/authorize?")
    back = consent(url)
    assert back.startswith(REDIRECT + "?")
    params = query(back)
    assert params["state"] == state and params["code"].startswith("code_")
    token = app.get_access_token(REDIRECT, params["code"])
    assert token.access_token.startswith("czu_") and token.refresh_token
    assert token.expires_in > 1_000_000_000  # an absolute Unix time
    assert _me(base_url, token.access_token) == coze_emulator.user_id
    with pytest.raises(OAuthError) as reused:  # a code works once
        app.get_access_token(REDIRECT, params["code"])
    assert reused.value.error_code == "invalid_request"
    app.close()


async def test_async_web_code_flow_and_refresh_rotation(
    base_url: str, web_app: Dict[str, Any], oauth: OAuthControl
) -> None:
    app = AsyncWebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    code = oauth.issue_code(web_app["client_id"], REDIRECT)
    first = await app.get_access_token(REDIRECT, code)
    second = await app.refresh_access_token(first.refresh_token)
    assert second.access_token != first.access_token
    assert second.refresh_token != first.refresh_token
    with pytest.raises(OAuthError) as used:  # the old refresh token rotated away
        await app.refresh_access_token(first.refresh_token)
    assert used.value.status_code == 400 and used.value.error_code == "invalid_request"
    async with AsyncCoze(auth=TokenAuth(second.access_token), base_url=base_url) as coze:
        assert (await coze.users.me()).user_id
    await app.close()


def test_web_app_needs_its_secret(base_url: str, web_app: Dict[str, Any], oauth: OAuthControl) -> None:
    wrong = WebOAuthApp(web_app["client_id"], "not-the-secret", base_url=base_url)
    with pytest.raises(OAuthError) as bad:
        wrong.get_access_token(REDIRECT, oauth.issue_code(web_app["client_id"], REDIRECT))
    assert bad.value.status_code == 401 and bad.value.error_code == "invalid_client"
    good = WebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    token = good.get_access_token(REDIRECT, oauth.issue_code(web_app["client_id"], REDIRECT))
    with pytest.raises(OAuthError) as refresh:
        wrong.refresh_access_token(token.refresh_token)
    assert refresh.value.status_code == 401
    good.close()
    wrong.close()


@pytest.mark.parametrize("method", ["S256", "plain"])
def test_pkce_flow(base_url: str, pkce_app: Dict[str, Any], method: str) -> None:
    app = PKCEOAuthApp(pkce_app["client_id"], base_url=base_url)
    verifier = gen_code_verifier()
    url = app.get_oauth_url(REDIRECT, verifier, code_challenge_method=method, state="s1")  # type: ignore[arg-type]
    code = query(consent(url))["code"]
    with pytest.raises(OAuthError) as wrong:
        app.get_access_token(REDIRECT, code, gen_code_verifier())
    assert wrong.value.error_code == "invalid_request"
    code = query(consent(url))["code"]
    token = app.get_access_token(REDIRECT, code, verifier)
    assert token.access_token.startswith("czu_")
    refreshed = app.refresh_access_token(token.refresh_token)  # public clients refresh without a secret
    assert refreshed.refresh_token != token.refresh_token
    app.close()


@pytest.mark.parametrize("method", ["S256", "plain"])
async def test_async_pkce_flow(base_url: str, pkce_app: Dict[str, Any], method: str) -> None:
    app = AsyncPKCEOAuthApp(pkce_app["client_id"], base_url=base_url)
    verifier = gen_code_verifier()
    url = app.get_oauth_url(REDIRECT, verifier, code_challenge_method=method)  # type: ignore[arg-type]
    code = query(consent(url))["code"]
    token = await app.get_access_token(REDIRECT, code, verifier)
    assert token.access_token.startswith("czu_")
    await app.close()


def test_consent_denied_and_bad_requests(
    base_url: str, pkce_app: Dict[str, Any], web_app: Dict[str, Any]
) -> None:
    app = PKCEOAuthApp(pkce_app["client_id"], base_url=base_url)
    url = app.get_oauth_url(REDIRECT, gen_code_verifier(), state="xyz")
    back = query(consent(url, "deny"))
    assert back == {"error": "access_denied", "error_description": back["error_description"], "state": "xyz"}
    unregistered = app.get_oauth_url("https://evil.example/cb", gen_code_verifier())
    assert httpx.get(unregistered).status_code == 400  # never redirected to an unregistered URI
    unknown = PKCEOAuthApp("nope.app.coze", base_url=base_url).get_oauth_url(REDIRECT, "v" * 43)
    assert httpx.get(unknown).status_code == 400
    web = WebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    code = query(consent(web.get_oauth_url(REDIRECT)))["code"]
    with pytest.raises(OAuthError) as mismatch:
        web.get_access_token("http://127.0.0.1/other", code)
    assert mismatch.value.error_code == "invalid_request"
    app.close()
    web.close()


def test_loopback_redirect_on_any_port(base_url: str, pkce_app: Dict[str, Any]) -> None:
    app = PKCEOAuthApp(pkce_app["client_id"], base_url=base_url)
    verifier = gen_code_verifier()
    redirect = "http://127.0.0.1:51234/callback"
    back = consent(app.get_oauth_url(redirect, verifier))
    assert back.startswith(redirect + "?")
    assert app.get_access_token(redirect, query(back)["code"], verifier).access_token
    app.close()


def test_workspace_authorize(base_url: str, web_app: Dict[str, Any], coze_emulator: Any) -> None:
    app = WebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    url = app.get_oauth_url(REDIRECT, state="w", workspace_id=coze_emulator.workspace_id)
    assert f"/workspace_id/{coze_emulator.workspace_id}/authorize" in url
    token = app.get_access_token(REDIRECT, query(consent(url))["code"])
    assert token.access_token
    missing = app.get_oauth_url(REDIRECT, workspace_id="123")
    assert httpx.get(missing).status_code == 400
    app.close()


def test_consent_as_another_account(base_url: str, web_app: Dict[str, Any], coze_emulator: Any) -> None:
    other = coze_emulator.control.create_account("alice")
    app = WebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    url = app.get_oauth_url(REDIRECT) + "&user_id=" + other["user_id"]
    token = app.get_access_token(REDIRECT, query(consent(url))["code"])
    assert _me(base_url, token.access_token) == other["user_id"]
    app.close()


def test_app_type_and_disabled_apps(
    base_url: str, web_app: Dict[str, Any], pkce_app: Dict[str, Any], oauth: OAuthControl
) -> None:
    code = oauth.issue_code(pkce_app["client_id"], REDIRECT, code_challenge="c" * 43)
    as_web = WebOAuthApp(pkce_app["client_id"], "x", base_url=base_url)
    with pytest.raises(OAuthError):  # a PKCE code still needs its verifier
        as_web.get_access_token(REDIRECT, code)
    oauth.update_app(web_app["client_id"], disabled=True)
    web = WebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    with pytest.raises(OAuthError) as off:
        web.get_access_token(REDIRECT, "code_x")
    assert off.value.error_code == "access_deny" and "deactivated" in off.value.msg
    assert httpx.get(web.get_oauth_url(REDIRECT)).status_code == 400
    as_web.close()
    web.close()


def test_unsupported_grant_and_error_body(base_url: str) -> None:
    answer = httpx.post(base_url + "/api/permission/oauth2/token", json={"grant_type": "password"})
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == body["error_code"] == "unsupported_grant_type"
    assert body["error_message"] == body["error_description"] == "not supported grant type: password"
