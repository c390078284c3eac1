"""Every Coze auth flow, sync and async, under cozepy's names.

- `WebOAuthApp` (authorization code + client secret), `PKCEOAuthApp` (public clients),
  `DeviceOAuthApp` (CLIs and devices), `JWTOAuthApp` (service apps, channel/account/enterprise variants).
- Self-refreshing auths for `Coze(auth=...)`: `JWTAuth`, `OAuthRefreshAuth` (with a `TokenStore`).
"""

from __future__ import annotations

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
from ._auths import AsyncJWTAuth, AsyncOAuthRefreshAuth, JWTAuth, OAuthRefreshAuth
from ._base import OAuthApp
from ._code_apps import AsyncPKCEOAuthApp, AsyncWebOAuthApp, PKCEOAuthApp, WebOAuthApp
from ._config import load_async_oauth_app_from_config, load_oauth_app_from_config
from ._device import AsyncDeviceOAuthApp, DeviceOAuthApp
from ._errors import CozePKCEAuthError, CozePKCEAuthErrorType
from ._jwt import AsyncJWTOAuthApp, JWTOAuthApp
from ._refreshing import AsyncRefreshingAuth, RefreshingAuth
from ._requests import code_challenge, gen_code_verifier, gen_state
from ._token_store import FileTokenStore, MemoryTokenStore, TokenStore

__all__ = [
    "AsyncDeviceOAuthApp",
    "AsyncJWTAuth",
    "AsyncJWTOAuthApp",
    "AsyncOAuthRefreshAuth",
    "AsyncPKCEOAuthApp",
    "AsyncRefreshingAuth",
    "AsyncWebOAuthApp",
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
    "TokenStore",
    "WebOAuthApp",
    "code_challenge",
    "gen_code_verifier",
    "gen_state",
    "load_async_oauth_app_from_config",
    "load_oauth_app_from_config",
]
