"""Every Coze auth flow, sync and async, under cozepy's names.

- `WebOAuthApp` (authorization code + client secret), `PKCEOAuthApp` (public clients),
  `DeviceOAuthApp` (CLIs and devices), `JWTOAuthApp` (service apps, channel/account/enterprise variants).
- Self-refreshing auths for `Coze(auth=...)`: `JWTAuth`, `OAuthRefreshAuth` (with a `TokenStore`).
- Fixed tokens and cozepy's auth bases: `TokenAuth`, `AsyncTokenAuth`, `Auth`, `SyncAuth`, `AsyncAuth`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    # (isort would split the `X as X` re-exports into a statement each)
    # isort: off
    from .._auth import (
        AsyncAuth as AsyncAuth,
        AsyncTokenAuth as AsyncTokenAuth,
        Auth as Auth,
        SyncAuth as SyncAuth,
        TokenAuth as TokenAuth,
    )
    from .._constants import (
        COZE_CN_BASE_URL as COZE_CN_BASE_URL,
        COZE_COM_BASE_URL as COZE_COM_BASE_URL,
    )
    from ..types.oauth import (
        DeviceAuthCode as DeviceAuthCode,
        DeviceInfo as DeviceInfo,
        OAuthToken as OAuthToken,
        Scope as Scope,
        ScopeAccountPermission as ScopeAccountPermission,
        ScopeAttributeConstraint as ScopeAttributeConstraint,
        ScopeAttributeConstraintConnectorBotChatAttribute as ScopeAttributeConstraintConnectorBotChatAttribute,  # noqa: E501
        SessionContext as SessionContext,
    )
    from ._auths import (
        AsyncJWTAuth as AsyncJWTAuth,
        AsyncOAuthRefreshAuth as AsyncOAuthRefreshAuth,
        JWTAuth as JWTAuth,
        OAuthRefreshAuth as OAuthRefreshAuth,
    )
    from ._base import (
        OAuthApp as OAuthApp,
    )
    from ._code_apps import (
        AsyncPKCEOAuthApp as AsyncPKCEOAuthApp,
        AsyncWebOAuthApp as AsyncWebOAuthApp,
        PKCEOAuthApp as PKCEOAuthApp,
        WebOAuthApp as WebOAuthApp,
    )
    from ._config import (
        load_async_oauth_app_from_config as load_async_oauth_app_from_config,
        load_oauth_app_from_config as load_oauth_app_from_config,
    )
    from ._device import (
        AsyncDeviceOAuthApp as AsyncDeviceOAuthApp,
        DeviceOAuthApp as DeviceOAuthApp,
    )
    from ._errors import (
        CozePKCEAuthError as CozePKCEAuthError,
        CozePKCEAuthErrorType as CozePKCEAuthErrorType,
    )
    from ._jwt import (
        AsyncJWTOAuthApp as AsyncJWTOAuthApp,
        JWTOAuthApp as JWTOAuthApp,
    )
    from ._refreshing import (
        AsyncRefreshingAuth as AsyncRefreshingAuth,
        RefreshingAuth as RefreshingAuth,
    )
    from ._requests import (
        code_challenge as code_challenge,
        gen_code_verifier as gen_code_verifier,
        gen_state as gen_state,
    )
    from ._token_store import (
        FileTokenStore as FileTokenStore,
        MemoryTokenStore as MemoryTokenStore,
        TokenStore as TokenStore,
    )

# Imported on first use (PEP 562): JWT and cryptography stay unloaded until an OAuth flow is used.
# lazy exports: written by scripts/lazy_exports.py from the TYPE_CHECKING imports; do not edit
_EXPORTS = {
    "AsyncAuth": ".._auth",
    "AsyncTokenAuth": ".._auth",
    "Auth": ".._auth",
    "SyncAuth": ".._auth",
    "TokenAuth": ".._auth",
    "COZE_CN_BASE_URL": ".._constants",
    "COZE_COM_BASE_URL": ".._constants",
    "DeviceAuthCode": "..types.oauth",
    "DeviceInfo": "..types.oauth",
    "OAuthToken": "..types.oauth",
    "Scope": "..types.oauth",
    "ScopeAccountPermission": "..types.oauth",
    "ScopeAttributeConstraint": "..types.oauth",
    "ScopeAttributeConstraintConnectorBotChatAttribute": "..types.oauth",
    "SessionContext": "..types.oauth",
    "AsyncJWTAuth": "._auths",
    "AsyncOAuthRefreshAuth": "._auths",
    "JWTAuth": "._auths",
    "OAuthRefreshAuth": "._auths",
    "OAuthApp": "._base",
    "AsyncPKCEOAuthApp": "._code_apps",
    "AsyncWebOAuthApp": "._code_apps",
    "PKCEOAuthApp": "._code_apps",
    "WebOAuthApp": "._code_apps",
    "load_async_oauth_app_from_config": "._config",
    "load_oauth_app_from_config": "._config",
    "AsyncDeviceOAuthApp": "._device",
    "DeviceOAuthApp": "._device",
    "CozePKCEAuthError": "._errors",
    "CozePKCEAuthErrorType": "._errors",
    "AsyncJWTOAuthApp": "._jwt",
    "JWTOAuthApp": "._jwt",
    "AsyncRefreshingAuth": "._refreshing",
    "RefreshingAuth": "._refreshing",
    "code_challenge": "._requests",
    "gen_code_verifier": "._requests",
    "gen_state": "._requests",
    "FileTokenStore": "._token_store",
    "MemoryTokenStore": "._token_store",
    "TokenStore": "._token_store",
}
# end of lazy exports

if not TYPE_CHECKING:
    __getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS, globals())
