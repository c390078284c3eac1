"""`load_oauth_app_from_config`: build an app from the JSON the Coze console downloads.

{"client_type": "web" | "pkce" | "device" | "jwt", "client_id": "...", "client_secret": "...",
 "private_key": "-----BEGIN PRIVATE KEY-----...", "public_key_id": "...",
 "coze_api_base": "https://api.coze.cn", "coze_www_base": "https://www.coze.cn",
 "redirect_uris": ["..."]}
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Union, cast

from .._constants import COZE_COM_BASE_URL
from ._code_apps import AsyncPKCEOAuthApp, AsyncWebOAuthApp, PKCEOAuthApp, WebOAuthApp
from ._device import AsyncDeviceOAuthApp, DeviceOAuthApp
from ._jwt import AsyncJWTOAuthApp, JWTOAuthApp

__all__ = ["load_async_oauth_app_from_config", "load_oauth_app_from_config"]

SyncApp = Union[PKCEOAuthApp, JWTOAuthApp, DeviceOAuthApp, WebOAuthApp]
AsyncApp = Union[AsyncPKCEOAuthApp, AsyncJWTOAuthApp, AsyncDeviceOAuthApp, AsyncWebOAuthApp]
_TYPES = ("web", "pkce", "device", "jwt")


def _fields(config: Mapping[str, Any]) -> tuple[str, str, str, str]:
    if not isinstance(config, Mapping):
        raise TypeError("config must be a mapping (the parsed JSON of the console's config file)")
    client_type = str(config.get("client_type") or "")
    if client_type not in _TYPES:
        raise ValueError(f"client_type must be one of {', '.join(_TYPES)}, got {client_type!r}")
    return (
        client_type,
        str(config.get("client_id") or ""),
        str(config.get("coze_api_base") or COZE_COM_BASE_URL),
        str(config.get("coze_www_base") or ""),
    )


def _secret(config: Mapping[str, Any], name: str) -> str:
    value = config.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"this config's client_type needs a non-empty {name}")
    return value


def _load(
    config: Mapping[str, Any], options: Dict[str, Any], web: Any, pkce: Any, device: Any, jwt: Any
) -> Any:
    """The app of the config's `client_type`, made with the given classes (sync or async)."""
    client_type, client_id, api_base, www_base = _fields(config)
    if client_type == "web":
        return web(client_id, _secret(config, "client_secret"), api_base, www_base, **options)
    if client_type == "pkce":
        return pkce(client_id, api_base, www_base, **options)
    if client_type == "device":
        return device(client_id, api_base, www_base, **options)
    key, key_id = _secret(config, "private_key"), _secret(config, "public_key_id")
    return jwt(client_id, key, key_id, api_base, **options)


def load_oauth_app_from_config(config: Mapping[str, Any], **options: Any) -> SyncApp:
    """The sync app the config describes; `options` (`http_client`, `timeout`...) go to its client."""
    apps = (WebOAuthApp, PKCEOAuthApp, DeviceOAuthApp, JWTOAuthApp)
    return cast(SyncApp, _load(config, options, *apps))


def load_async_oauth_app_from_config(config: Mapping[str, Any], **options: Any) -> AsyncApp:
    """The async twin of `load_oauth_app_from_config`."""
    apps = (AsyncWebOAuthApp, AsyncPKCEOAuthApp, AsyncDeviceOAuthApp, AsyncJWTOAuthApp)
    return cast(AsyncApp, _load(config, options, *apps))
