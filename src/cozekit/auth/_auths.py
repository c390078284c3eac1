"""Ready-made self-refreshing auths: `JWTAuth` (service apps) and `OAuthRefreshAuth` (code, PKCE and
device flows, which rotate a refresh token)."""

from __future__ import annotations

import time
from typing import Any, Optional, Tuple, Type, TypeVar, Union

from .._constants import COZE_COM_BASE_URL
from ..types.oauth import OAuthToken
from ._code_apps import AsyncPKCEOAuthApp, AsyncWebOAuthApp, PKCEOAuthApp, WebOAuthApp
from ._device import AsyncDeviceOAuthApp, DeviceOAuthApp
from ._jwt import AsyncJWTOAuthApp, JWTOAuthApp, ScopeArg, SessionContextArg, check_ttl
from ._refreshing import DEFAULT_LEEWAY, AsyncRefreshingAuth, Clock, RefreshingAuth, TokenCache
from ._token_store import TokenStore

__all__ = ["AsyncJWTAuth", "AsyncOAuthRefreshAuth", "JWTAuth", "OAuthRefreshAuth"]

RefreshApp = Union[WebOAuthApp, PKCEOAuthApp, DeviceOAuthApp]
AsyncRefreshApp = Union[AsyncWebOAuthApp, AsyncPKCEOAuthApp, AsyncDeviceOAuthApp]


_App = TypeVar("_App", JWTOAuthApp, AsyncJWTOAuthApp)


class _JWTOptions:
    def _set_jwt_options(self, ttl: int, **options: Any) -> None:
        """The lifetime and the keywords (scope, session...) every token is asked with."""
        self._ttl = check_ttl(ttl)
        self._jwt_kwargs: dict[str, Any] = options


def _jwt_app(
    app_class: Type[_App],
    oauth_app: Optional[_App],
    client_id: Optional[str],
    private_key: Optional[str],
    public_key_id: Optional[str],
    base_url: str,
    auth_name: str,
) -> _App:
    """The given app, or one made of the given keys."""
    if oauth_app is not None:
        return oauth_app
    if client_id is None or private_key is None or public_key_id is None:
        raise ValueError(f"{auth_name} needs oauth_app, or client_id, private_key and public_key_id")
    return app_class(client_id, private_key, public_key_id, base_url)


class JWTAuth(RefreshingAuth, _JWTOptions):
    """Signs a new JWT and fetches a `czs_` token whenever the last one nears expiry.

    >>> auth = JWTAuth(client_id, private_key, public_key_id, base_url=COZE_CN_BASE_URL,
    ...                session_name="user-42")
    >>> coze = Coze(auth=auth, base_url=COZE_CN_BASE_URL)

    One auth per end user when `session_name` isolates conversations.
    """

    def __init__(
        self,
        client_id: Optional[str] = None,
        private_key: Optional[str] = None,
        public_key_id: Optional[str] = None,
        ttl: int = 7200,
        base_url: str = COZE_COM_BASE_URL,
        oauth_app: Optional[JWTOAuthApp] = None,
        *,
        scope: ScopeArg = None,
        session_name: Optional[str] = None,
        session_context: SessionContextArg = None,
        account_id: Optional[str] = None,
        enterprise_id: Optional[str] = None,
        leeway: float = DEFAULT_LEEWAY,
        clock: Clock = time.time,
    ) -> None:
        super().__init__(leeway, clock)
        self._app = _jwt_app(
            JWTOAuthApp, oauth_app, client_id, private_key, public_key_id, base_url, "JWTAuth"
        )
        self._set_jwt_options(
            ttl,
            scope=scope,
            session_name=session_name,
            session_context=session_context,
            account_id=account_id,
            enterprise_id=enterprise_id,
        )

    def _fetch(self) -> OAuthToken:
        return self._app.get_access_token(self._ttl, **self._jwt_kwargs)


class AsyncJWTAuth(AsyncRefreshingAuth, _JWTOptions):
    """The async twin of `JWTAuth`, for `AsyncCoze`."""

    def __init__(
        self,
        client_id: Optional[str] = None,
        private_key: Optional[str] = None,
        public_key_id: Optional[str] = None,
        ttl: int = 7200,
        base_url: str = COZE_COM_BASE_URL,
        oauth_app: Optional[AsyncJWTOAuthApp] = None,
        *,
        scope: ScopeArg = None,
        session_name: Optional[str] = None,
        session_context: SessionContextArg = None,
        account_id: Optional[str] = None,
        enterprise_id: Optional[str] = None,
        leeway: float = DEFAULT_LEEWAY,
        clock: Clock = time.time,
    ) -> None:
        super().__init__(leeway, clock)
        self._app = _jwt_app(
            AsyncJWTOAuthApp, oauth_app, client_id, private_key, public_key_id, base_url, "AsyncJWTAuth"
        )
        self._set_jwt_options(
            ttl,
            scope=scope,
            session_name=session_name,
            session_context=session_context,
            account_id=account_id,
            enterprise_id=enterprise_id,
        )

    async def _afetch(self) -> OAuthToken:
        return await self._app.get_access_token(self._ttl, **self._jwt_kwargs)


class _RefreshTokenState:
    """The starting token (given or loaded from a store) and where new ones are saved."""

    _cache: TokenCache

    def _init_state(
        self, app_key: str, token: Optional[OAuthToken], store: Optional[TokenStore], key: Optional[str]
    ) -> None:
        """Keep the first token (given, or loaded from `store`) in the cache."""
        self._store = store
        self._key = key or app_key
        if token is None and store is not None:
            token = store.load(self._key)
        if token is None:
            raise ValueError("pass the token from the authorization (or a store that holds one)")
        if not token.refresh_token:
            raise ValueError("this token has no refresh_token (JWT tokens are renewed with JWTAuth)")
        self._cache.accept(token)

    def _refresh_start(self) -> Tuple[Optional[OAuthToken], str]:
        """Before a refresh: a newer stored token to use as it is (else None), and the refresh token to
        send otherwise."""
        current = self._cache.token
        stored = self._newer_stored(current)
        if stored is not None:
            self._cache.accept(stored)
            if self._cache.current() is not None:
                return stored, ""
            current = stored
        assert current is not None
        return None, current.refresh_token

    def _save(self, token: OAuthToken) -> None:
        if self._store is not None:
            self._store.save(self._key, token)

    def _newer_stored(self, current: Optional[OAuthToken]) -> Optional[OAuthToken]:
        """A token another process refreshed and saved meanwhile (its refresh token rotated ours away)."""
        if self._store is None:
            return None
        stored = self._store.load(self._key)
        if stored is None or current is None or stored.refresh_token == current.refresh_token:
            return None
        return stored


def _app_key(client_id: str, base_url: str) -> str:
    return f"{client_id}@{base_url}"


class OAuthRefreshAuth(RefreshingAuth, _RefreshTokenState):
    """Uses a code, PKCE or device-flow token and refreshes it (rotating the refresh token) before it
    expires; with a `store`, every new token is saved there and the first one can be loaded from it.

    >>> token = app.get_access_token(code, poll=True)
    >>> auth = OAuthRefreshAuth(app, token, store=FileTokenStore("~/.cozekit/tokens.json"))
    """

    def __init__(
        self,
        app: RefreshApp,
        token: Optional[OAuthToken] = None,
        *,
        store: Optional[TokenStore] = None,
        key: Optional[str] = None,
        leeway: float = DEFAULT_LEEWAY,
        clock: Clock = time.time,
    ) -> None:
        super().__init__(leeway, clock)
        self._app = app
        self._init_state(_app_key(app.client_id, app.base_url), token, store, key)

    def _fetch(self) -> OAuthToken:
        stored, refresh_token = self._refresh_start()
        if stored is not None:
            return stored
        return self._app.refresh_access_token(refresh_token)

    def _on_new_token(self, token: OAuthToken) -> None:
        self._save(token)


class AsyncOAuthRefreshAuth(AsyncRefreshingAuth, _RefreshTokenState):
    """The async twin of `OAuthRefreshAuth`, for `AsyncCoze`."""

    def __init__(
        self,
        app: AsyncRefreshApp,
        token: Optional[OAuthToken] = None,
        *,
        store: Optional[TokenStore] = None,
        key: Optional[str] = None,
        leeway: float = DEFAULT_LEEWAY,
        clock: Clock = time.time,
    ) -> None:
        super().__init__(leeway, clock)
        self._app = app
        self._init_state(_app_key(app.client_id, app.base_url), token, store, key)

    async def _afetch(self) -> OAuthToken:
        stored, refresh_token = self._refresh_start()
        if stored is not None:
            return stored
        return await self._app.refresh_access_token(refresh_token)

    def _on_new_token(self, token: OAuthToken) -> None:
        self._save(token)
