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
    from .._auth import (
        AsyncAuth,
        AsyncTokenAuth,
        Auth,
        SyncAuth,
        TokenAuth,
    )
    from .._constants import (
        COZE_CN_BASE_URL,
        COZE_COM_BASE_URL,
    )
    from ..types.oauth import (
        DeviceAuthCode,
        DeviceInfo,
        OAuthToken,
        Scope,
        ScopeAccountPermission,
        ScopeAttributeConstraint,
        ScopeAttributeConstraintConnectorBotChatAttribute,
        SessionContext,
    )
    from ._auths import (
        AsyncJWTAuth,
        AsyncOAuthRefreshAuth,
        JWTAuth,
        OAuthRefreshAuth,
    )
    from ._base import (
        OAuthApp,
    )
    from ._code_apps import (
        AsyncPKCEOAuthApp,
        AsyncWebOAuthApp,
        PKCEOAuthApp,
        WebOAuthApp,
    )
    from ._config import (
        load_async_oauth_app_from_config,
        load_oauth_app_from_config,
    )
    from ._device import (
        AsyncDeviceOAuthApp,
        DeviceOAuthApp,
    )
    from ._errors import (
        CozePKCEAuthError,
        CozePKCEAuthErrorType,
    )
    from ._jwt import (
        AsyncJWTOAuthApp,
        JWTOAuthApp,
    )
    from ._refreshing import (
        AsyncRefreshingAuth,
        RefreshingAuth,
    )
    from ._requests import (
        code_challenge,
        gen_code_verifier,
        gen_state,
    )
    from ._token_store import (
        FileTokenStore,
        MemoryTokenStore,
        TokenStore,
    )

# Imported on first use (PEP 562): JWT and cryptography stay unloaded until an OAuth flow is used.
_EXPORTS = {
    ".._auth": (
        "AsyncAuth",
        "AsyncTokenAuth",
        "Auth",
        "SyncAuth",
        "TokenAuth",
    ),
    ".._constants": (
        "COZE_CN_BASE_URL",
        "COZE_COM_BASE_URL",
    ),
    "..types.oauth": (
        "DeviceAuthCode",
        "DeviceInfo",
        "OAuthToken",
        "Scope",
        "ScopeAccountPermission",
        "ScopeAttributeConstraint",
        "ScopeAttributeConstraintConnectorBotChatAttribute",
        "SessionContext",
    ),
    "._auths": (
        "AsyncJWTAuth",
        "AsyncOAuthRefreshAuth",
        "JWTAuth",
        "OAuthRefreshAuth",
    ),
    "._base": ("OAuthApp",),
    "._code_apps": (
        "AsyncPKCEOAuthApp",
        "AsyncWebOAuthApp",
        "PKCEOAuthApp",
        "WebOAuthApp",
    ),
    "._config": (
        "load_async_oauth_app_from_config",
        "load_oauth_app_from_config",
    ),
    "._device": (
        "AsyncDeviceOAuthApp",
        "DeviceOAuthApp",
    ),
    "._errors": (
        "CozePKCEAuthError",
        "CozePKCEAuthErrorType",
    ),
    "._jwt": (
        "AsyncJWTOAuthApp",
        "JWTOAuthApp",
    ),
    "._refreshing": (
        "AsyncRefreshingAuth",
        "RefreshingAuth",
    ),
    "._requests": (
        "code_challenge",
        "gen_code_verifier",
        "gen_state",
    ),
    "._token_store": (
        "FileTokenStore",
        "MemoryTokenStore",
        "TokenStore",
    ),
}

__all__ = [
    "COZE_CN_BASE_URL",
    "COZE_COM_BASE_URL",
    "AsyncAuth",
    "AsyncDeviceOAuthApp",
    "AsyncJWTAuth",
    "AsyncJWTOAuthApp",
    "AsyncOAuthRefreshAuth",
    "AsyncPKCEOAuthApp",
    "AsyncRefreshingAuth",
    "AsyncTokenAuth",
    "AsyncWebOAuthApp",
    "Auth",
    "CozePKCEAuthError",
    "CozePKCEAuthErrorType",
    "DeviceAuthCode",
    "DeviceInfo",
    "DeviceOAuthApp",
    "FileTokenStore",
    "JWTAuth",
    "JWTOAuthApp",
    "MemoryTokenStore",
    "OAuthApp",
    "OAuthRefreshAuth",
    "OAuthToken",
    "PKCEOAuthApp",
    "RefreshingAuth",
    "Scope",
    "ScopeAccountPermission",
    "ScopeAttributeConstraint",
    "ScopeAttributeConstraintConnectorBotChatAttribute",
    "SessionContext",
    "SyncAuth",
    "TokenAuth",
    "TokenStore",
    "WebOAuthApp",
    "code_challenge",
    "gen_code_verifier",
    "gen_state",
    "load_async_oauth_app_from_config",
    "load_oauth_app_from_config",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
