"""Every sync app and auth has an async twin whose public methods take the same parameters."""

from __future__ import annotations

import inspect
from typing import Any, Type

import pytest

import cozekit
from cozekit import auth

PAIRS = [
    ("WebOAuthApp", "AsyncWebOAuthApp"),
    ("PKCEOAuthApp", "AsyncPKCEOAuthApp"),
    ("DeviceOAuthApp", "AsyncDeviceOAuthApp"),
    ("JWTOAuthApp", "AsyncJWTOAuthApp"),
    ("JWTAuth", "AsyncJWTAuth"),
    ("OAuthRefreshAuth", "AsyncOAuthRefreshAuth"),
]
NETWORK_METHODS = {"get_access_token", "refresh_access_token", "get_device_code", "close"}


def _public(cls: Type[Any]) -> dict[str, Any]:
    return {n: m for n, m in inspect.getmembers(cls, inspect.isfunction) if not n.startswith("_")}


@pytest.mark.parametrize(("sync_name", "async_name"), PAIRS)
def test_async_twins(sync_name: str, async_name: str) -> None:
    sync_cls, async_cls = getattr(cozekit, sync_name), getattr(cozekit, async_name)
    sync_methods, async_methods = _public(sync_cls), _public(async_cls)
    assert sync_methods.keys() == async_methods.keys()
    for name, method in sync_methods.items():
        twin = async_methods[name]
        assert inspect.signature(method).parameters.keys() == inspect.signature(twin).parameters.keys(), name
        if name in NETWORK_METHODS:
            assert inspect.iscoroutinefunction(twin) and not inspect.iscoroutinefunction(method), name
    assert list(inspect.signature(sync_cls).parameters) == list(inspect.signature(async_cls).parameters)


def test_cozepy_names_are_exported_at_the_top_level() -> None:
    import cozepy

    names = [
        "AsyncDeviceOAuthApp", "AsyncJWTAuth", "AsyncJWTOAuthApp", "AsyncPKCEOAuthApp", "AsyncWebOAuthApp",
        "CozePKCEAuthError", "CozePKCEAuthErrorType", "DeviceAuthCode", "DeviceOAuthApp", "JWTAuth",
        "JWTOAuthApp", "OAuthApp", "OAuthToken", "PKCEOAuthApp", "Scope", "WebOAuthApp",
        "load_oauth_app_from_config",
    ]  # fmt: skip
    for name in names:
        assert hasattr(cozepy, name), name
        assert name in cozekit.__all__ and getattr(cozekit, name) is getattr(auth, name), name


def test_cozepy_argument_names_are_accepted() -> None:
    import cozepy

    for name in ["WebOAuthApp", "PKCEOAuthApp", "DeviceOAuthApp", "JWTOAuthApp", "JWTAuth"]:
        theirs = list(inspect.signature(getattr(cozepy, name)).parameters)
        ours = list(inspect.signature(getattr(cozekit, name)).parameters)
        assert ours[: len(theirs)] == theirs, name
    for cls, method in [
        ("WebOAuthApp", "get_oauth_url"),
        ("WebOAuthApp", "get_access_token"),
        ("PKCEOAuthApp", "get_oauth_url"),
        ("PKCEOAuthApp", "get_access_token"),
        ("DeviceOAuthApp", "get_device_code"),
        ("DeviceOAuthApp", "get_access_token"),
        ("JWTOAuthApp", "get_access_token"),
    ]:
        theirs = list(inspect.signature(getattr(getattr(cozepy, cls), method)).parameters)
        ours = list(inspect.signature(getattr(getattr(cozekit, cls), method)).parameters)
        assert ours[: len(theirs)] == theirs, f"{cls}.{method}"
