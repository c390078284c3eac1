"""Fixtures for the OAuth server tests: the control client, apps of each kind, a headless browser."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Dict

import pytest

from cozekit.emulator.control.oauth_client import OAuthControl

from .headless_browser import REDIRECT


@pytest.fixture
def oauth(coze_emulator: Any) -> Iterator[OAuthControl]:
    control = OAuthControl(coze_emulator.base_url)
    yield control
    control.close()


@pytest.fixture
def base_url(coze_emulator: Any) -> str:
    return str(coze_emulator.base_url)


@pytest.fixture
def web_app(oauth: OAuthControl) -> Dict[str, Any]:
    return oauth.create_app("web", redirect_uris=[REDIRECT])


@pytest.fixture
def pkce_app(oauth: OAuthControl) -> Dict[str, Any]:
    return oauth.create_app("pkce", redirect_uris=[REDIRECT])


@pytest.fixture
def device_app(oauth: OAuthControl) -> Dict[str, Any]:
    return oauth.create_app("device", interval=5)


@pytest.fixture(scope="session")
def jwt_keys() -> Dict[str, str]:
    from cozekit.emulator.control.oauth_routes import new_key_pair

    return new_key_pair()


@pytest.fixture
def jwt_app(oauth: OAuthControl, jwt_keys: Dict[str, str]) -> Dict[str, Any]:
    """A JWT app with the session's key pair (`private_key` added to the answer)."""
    app = oauth.create_app("jwt", public_key=jwt_keys["public_key"], enterprise_id="ent_1")
    return {**app, "private_key": jwt_keys["private_key"]}
