"""`load_oauth_app_from_config` with the JSON the Coze console downloads."""

from __future__ import annotations

from typing import Any, Dict, Type

import pytest

from cozekit import (
    AsyncDeviceOAuthApp,
    AsyncJWTOAuthApp,
    AsyncPKCEOAuthApp,
    AsyncWebOAuthApp,
    DeviceOAuthApp,
    JWTOAuthApp,
    PKCEOAuthApp,
    WebOAuthApp,
    load_async_oauth_app_from_config,
    load_oauth_app_from_config,
)

from .oauth_fakes import CLIENT_ID, CLIENT_SECRET, KEY_ID


def config(client_type: str, private_pem: str = "") -> Dict[str, Any]:
    return {
        "client_type": client_type,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": ["http://127.0.0.1:8080/redirect"],
        "private_key": private_pem,
        "public_key_id": KEY_ID,
        "coze_www_base": "https://www.coze.cn",
        "coze_api_base": "https://api.coze.cn",
    }


@pytest.mark.parametrize(
    ("client_type", "sync_cls", "async_cls"),
    [
        ("web", WebOAuthApp, AsyncWebOAuthApp),
        ("pkce", PKCEOAuthApp, AsyncPKCEOAuthApp),
        ("device", DeviceOAuthApp, AsyncDeviceOAuthApp),
        ("jwt", JWTOAuthApp, AsyncJWTOAuthApp),
    ],
)
def test_each_client_type(
    client_type: str, sync_cls: Type[Any], async_cls: Type[Any], private_pem: str
) -> None:
    app = load_oauth_app_from_config(config(client_type, private_pem))
    assert type(app) is sync_cls
    assert app.client_id == CLIENT_ID and app.base_url == "https://api.coze.cn"
    assert type(load_async_oauth_app_from_config(config(client_type, private_pem))) is async_cls


def test_the_api_base_defaults_to_coze_com() -> None:
    app = load_oauth_app_from_config({"client_type": "pkce", "client_id": CLIENT_ID})
    assert app.base_url == "https://api.coze.com" and app.www_base_url == "https://www.coze.com"


@pytest.mark.parametrize(
    "cfg",
    [
        {"client_type": "spa", "client_id": CLIENT_ID},
        {"client_id": CLIENT_ID},
        {"client_type": "web", "client_id": CLIENT_ID},
        {"client_type": "jwt", "client_id": CLIENT_ID, "public_key_id": KEY_ID},
        {"client_type": "device"},
    ],
)
def test_incomplete_configs_are_refused(cfg: Dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        load_oauth_app_from_config(cfg)


def test_a_config_that_is_not_a_mapping() -> None:
    with pytest.raises(TypeError):
        load_oauth_app_from_config('{"client_type": "web"}')  # type: ignore[arg-type]
