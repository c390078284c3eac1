"""Refresh end to end: rotation, expired refresh tokens, and the self-refreshing auths reacting to an
expired access token with one refresh and one retry, single-flight under concurrency; sync and async."""

from __future__ import annotations

import asyncio
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List

import pytest

from cozekit import AsyncCoze, Coze
from cozekit._exceptions import OAuthError
from cozekit.auth import (
    AsyncOAuthRefreshAuth,
    AsyncWebOAuthApp,
    FileTokenStore,
    OAuthRefreshAuth,
    PKCEOAuthApp,
    WebOAuthApp,
    code_challenge,
    gen_code_verifier,
)
from cozekit.emulator.control.oauth_client import OAuthControl
from cozekit.types.oauth import OAuthToken

from .headless_browser import REDIRECT


def _pkce_token(app: PKCEOAuthApp, oauth: OAuthControl) -> OAuthToken:
    verifier = gen_code_verifier()
    code = oauth.issue_code(
        app.client_id, REDIRECT, code_challenge=code_challenge(verifier, "S256"), code_challenge_method="S256"
    )
    return app.get_access_token(REDIRECT, code, verifier)


def _count_refreshes(app: Any) -> List[str]:
    calls: List[str] = []
    refresh = app.refresh_access_token

    def counting(refresh_token: str) -> Any:
        calls.append(refresh_token)
        return refresh(refresh_token)

    async def acounting(refresh_token: str) -> Any:
        calls.append(refresh_token)
        return await refresh(refresh_token)

    app.refresh_access_token = acounting if asyncio.iscoroutinefunction(refresh) else counting
    return calls


def test_expired_access_token_is_refreshed_once_and_saved(
    base_url: str, pkce_app: Dict[str, Any], oauth: OAuthControl, tmp_path: Path
) -> None:
    app = PKCEOAuthApp(pkce_app["client_id"], base_url=base_url)
    first = _pkce_token(app, oauth)
    store = FileTokenStore(tmp_path / "tokens.json")
    refreshes = _count_refreshes(app)
    auth = OAuthRefreshAuth(app, first, store=store)
    with Coze(auth=auth, base_url=base_url) as coze:
        assert coze.users.me().user_id and refreshes == []
        oauth.advance_clock(901)  # past the 900 s access token; the SDK's own clock has not moved
        assert coze.users.me().user_id
        assert refreshes == [first.refresh_token]
        saved = store.load(auth._key)
        assert saved is not None and saved.refresh_token != first.refresh_token
        assert saved.access_token == auth.get_token()
        assert stat.S_IMODE((tmp_path / "tokens.json").stat().st_mode) == 0o600
        assert coze.users.me().user_id and len(refreshes) == 1
    app.close()


def test_concurrent_requests_refresh_once(
    base_url: str, pkce_app: Dict[str, Any], oauth: OAuthControl
) -> None:
    app = PKCEOAuthApp(pkce_app["client_id"], base_url=base_url)
    auth = OAuthRefreshAuth(app, _pkce_token(app, oauth))
    refreshes = _count_refreshes(app)
    with Coze(auth=auth, base_url=base_url) as coze:
        oauth.advance_clock(901)
        with ThreadPoolExecutor(max_workers=12) as pool:
            users = list(pool.map(lambda _: coze.users.me().user_id, range(24)))
    assert len(set(users)) == 1 and len(refreshes) == 1
    app.close()


async def test_async_refresh_is_single_flight(
    base_url: str, web_app: Dict[str, Any], oauth: OAuthControl
) -> None:
    app = AsyncWebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    token = await app.get_access_token(REDIRECT, oauth.issue_code(web_app["client_id"], REDIRECT))
    refreshes = _count_refreshes(app)
    auth = AsyncOAuthRefreshAuth(app, token)
    async with AsyncCoze(auth=auth, base_url=base_url) as coze:
        await coze.users.me()
        await asyncio.to_thread(oauth.advance_clock, 901)
        users = await asyncio.gather(*(coze.users.me() for _ in range(20)))
    assert len({u.user_id for u in users}) == 1 and refreshes == [token.refresh_token]
    await app.close()


def test_expired_refresh_token(base_url: str, oauth: OAuthControl) -> None:
    short = oauth.create_app("pkce", redirect_uris=[REDIRECT], refresh_token_ttl=1000)
    app = PKCEOAuthApp(short["client_id"], base_url=base_url)
    token = _pkce_token(app, oauth)
    oauth.advance_clock(1001)
    with pytest.raises(OAuthError) as expired:
        app.refresh_access_token(token.refresh_token)
    assert expired.value.status_code == 400 and expired.value.error_code == "invalid_request"
    auth = OAuthRefreshAuth(app, _pkce_token(app, oauth))
    oauth.advance_clock(1001)  # both the access and the refresh token are gone: the call fails
    with Coze(auth=auth, base_url=base_url) as coze, pytest.raises(OAuthError) as failed:
        coze.users.me()
    assert failed.value.error_code == "invalid_request"
    app.close()


def test_a_token_refreshed_elsewhere_is_picked_up_from_the_store(
    base_url: str, pkce_app: Dict[str, Any], oauth: OAuthControl, tmp_path: Path
) -> None:
    app = PKCEOAuthApp(pkce_app["client_id"], base_url=base_url)
    store = FileTokenStore(tmp_path / "shared.json")
    first = _pkce_token(app, oauth)
    one = OAuthRefreshAuth(app, first, store=store)
    two = OAuthRefreshAuth(app, first, store=store)  # a second process with the same token
    refreshes = _count_refreshes(app)
    oauth.advance_clock(901)
    with Coze(auth=one, base_url=base_url) as c1, Coze(auth=two, base_url=base_url) as c2:
        assert c1.users.me().user_id  # refreshes: first.refresh_token is rotated away
        assert c2.users.me().user_id  # finds the newer token in the store instead of failing
    assert len(refreshes) == 1 and one.get_token() == two.get_token()
    app.close()


async def test_async_expired_refresh_token_and_code(base_url: str, oauth: OAuthControl) -> None:
    short = oauth.create_app("web", redirect_uris=[REDIRECT], refresh_token_ttl=1000)
    app = AsyncWebOAuthApp(short["client_id"], short["client_secret"], base_url=base_url)
    late_code = oauth.issue_code(short["client_id"], REDIRECT)
    token = await app.get_access_token(REDIRECT, oauth.issue_code(short["client_id"], REDIRECT))
    await asyncio.to_thread(oauth.advance_clock, 1001)  # codes live 600 s, this refresh token 1000 s
    with pytest.raises(OAuthError) as code_expired:
        await app.get_access_token(REDIRECT, late_code)
    assert code_expired.value.error_code == "invalid_request"
    with pytest.raises(OAuthError) as refresh_expired:
        await app.refresh_access_token(token.refresh_token or "")
    assert refresh_expired.value.error_code == "invalid_request"
    auth = AsyncOAuthRefreshAuth(app, token)
    async with AsyncCoze(auth=auth, base_url=base_url) as coze:
        with pytest.raises(OAuthError):  # the access token is gone too, and cannot be renewed
            await coze.users.me()
    await app.close()


def test_an_authorization_code_expires_after_ten_minutes(
    base_url: str, web_app: Dict[str, Any], oauth: OAuthControl
) -> None:
    app = WebOAuthApp(web_app["client_id"], web_app["client_secret"], base_url=base_url)
    fresh = oauth.issue_code(web_app["client_id"], REDIRECT)
    oauth.advance_clock(599)
    assert app.get_access_token(REDIRECT, fresh).access_token
    stale = oauth.issue_code(web_app["client_id"], REDIRECT)
    oauth.advance_clock(601)
    with pytest.raises(OAuthError) as expired:
        app.get_access_token(REDIRECT, stale)
    assert expired.value.error_code == "invalid_request" and expired.value.status_code == 400
    app.close()
