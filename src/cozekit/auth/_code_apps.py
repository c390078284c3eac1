"""The authorization-code flows: `WebOAuthApp` (client secret) and `PKCEOAuthApp` (code verifier)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from typing_extensions import Literal

from .._constants import COZE_COM_BASE_URL
from .._paths import require
from .._request import RequestOptions
from ..types.oauth import OAuthToken
from ._base import AsyncOAuthAppBase, OAuthApp, SyncOAuthAppBase
from ._requests import authorize_url, code_challenge, token_request

__all__ = ["AsyncPKCEOAuthApp", "AsyncWebOAuthApp", "PKCEOAuthApp", "WebOAuthApp"]

ChallengeMethod = Literal["plain", "S256"]


def code_grant(
    app: OAuthApp, redirect_uri: str, code: str, secret: Optional[str], verifier: Optional[str]
) -> RequestOptions:
    require(redirect_uri=redirect_uri, code=code)
    body: Dict[str, Any] = {
        "grant_type": "authorization_code",
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "code": code,
    }
    if verifier is not None:
        require(code_verifier=verifier)
        body["code_verifier"] = verifier
    return token_request(body, secret)


def refresh_grant(app: OAuthApp, refresh_token: str, secret: Optional[str]) -> RequestOptions:
    require(refresh_token=refresh_token)
    body = {"grant_type": "refresh_token", "client_id": app.client_id, "refresh_token": refresh_token}
    return token_request(body, secret)


def _web_url(app: OAuthApp, redirect_uri: str, state: str, workspace_id: Optional[str]) -> str:
    return authorize_url(app.www_base_url, app.client_id, redirect_uri, state, workspace_id)


def _pkce_url(
    app: OAuthApp,
    redirect_uri: str,
    code_verifier: str,
    code_challenge_method: str,
    state: str,
    workspace_id: Optional[str],
) -> str:
    require(code_verifier=code_verifier)
    challenge = code_challenge(code_verifier, code_challenge_method)
    extra = {"code_challenge": challenge, "code_challenge_method": code_challenge_method}
    return authorize_url(app.www_base_url, app.client_id, redirect_uri, state, workspace_id, extra)


def _check_secret(client_secret: str) -> str:
    require(client_secret=client_secret)
    return client_secret


class WebOAuthApp(SyncOAuthAppBase):
    """A web backend app: the browser authorizes, your server exchanges the code with its client secret.

    >>> app = WebOAuthApp(client_id, client_secret, base_url=COZE_CN_BASE_URL)
    >>> url = app.get_oauth_url(redirect_uri, state=gen_state())
    >>> token = app.get_access_token(redirect_uri, code)
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        base_url: str = COZE_COM_BASE_URL,
        www_base_url: str = "",
        **options: Any,
    ) -> None:
        super().__init__(client_id, base_url, www_base_url, **options)
        self._client_secret = _check_secret(client_secret)

    def get_oauth_url(self, redirect_uri: str, state: str = "", workspace_id: Optional[str] = None) -> str:
        """The authorize page URL to send the user's browser to."""
        return _web_url(self, redirect_uri, state, workspace_id)

    def get_access_token(self, redirect_uri: str, code: str) -> OAuthToken:
        """Exchange the `code` the browser brought back for a token."""
        return self._token(code_grant(self, redirect_uri, code, self._client_secret, None))

    def refresh_access_token(self, refresh_token: str) -> OAuthToken:
        """A new token (and a new refresh token: the old one stops working)."""
        return self._token(refresh_grant(self, refresh_token, self._client_secret))


class AsyncWebOAuthApp(AsyncOAuthAppBase):
    """The async twin of `WebOAuthApp`."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        base_url: str = COZE_COM_BASE_URL,
        www_base_url: str = "",
        **options: Any,
    ) -> None:
        super().__init__(client_id, base_url, www_base_url, **options)
        self._client_secret = _check_secret(client_secret)

    def get_oauth_url(self, redirect_uri: str, state: str = "", workspace_id: Optional[str] = None) -> str:
        return _web_url(self, redirect_uri, state, workspace_id)

    async def get_access_token(self, redirect_uri: str, code: str) -> OAuthToken:
        return await self._token(code_grant(self, redirect_uri, code, self._client_secret, None))

    async def refresh_access_token(self, refresh_token: str) -> OAuthToken:
        return await self._token(refresh_grant(self, refresh_token, self._client_secret))


class PKCEOAuthApp(SyncOAuthAppBase):
    """A public client (SPA, mobile, desktop): no secret; a one-time `code_verifier` proves the exchange.

    >>> verifier = gen_code_verifier()
    >>> url = app.get_oauth_url(redirect_uri, verifier, state=gen_state())
    >>> token = app.get_access_token(redirect_uri, code, verifier)
    """

    def get_oauth_url(
        self,
        redirect_uri: str,
        code_verifier: str,
        code_challenge_method: ChallengeMethod = "S256",
        state: str = "",
        workspace_id: Optional[str] = None,
    ) -> str:
        """The authorize page URL, carrying the challenge derived from `code_verifier` (S256 by default)."""
        return _pkce_url(self, redirect_uri, code_verifier, code_challenge_method, state, workspace_id)

    def get_access_token(self, redirect_uri: str, code: str, code_verifier: str) -> OAuthToken:
        return self._token(code_grant(self, redirect_uri, code, None, code_verifier))

    def refresh_access_token(self, refresh_token: str) -> OAuthToken:
        return self._token(refresh_grant(self, refresh_token, None))


class AsyncPKCEOAuthApp(AsyncOAuthAppBase):
    """The async twin of `PKCEOAuthApp`."""

    def get_oauth_url(
        self,
        redirect_uri: str,
        code_verifier: str,
        code_challenge_method: ChallengeMethod = "S256",
        state: str = "",
        workspace_id: Optional[str] = None,
    ) -> str:
        return _pkce_url(self, redirect_uri, code_verifier, code_challenge_method, state, workspace_id)

    async def get_access_token(self, redirect_uri: str, code: str, code_verifier: str) -> OAuthToken:
        return await self._token(code_grant(self, redirect_uri, code, None, code_verifier))

    async def refresh_access_token(self, refresh_token: str) -> OAuthToken:
        return await self._token(refresh_grant(self, refresh_token, None))
