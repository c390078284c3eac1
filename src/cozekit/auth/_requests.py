"""Pure builders for the OAuth endpoints: authorize URLs and token/device-code requests.

Nothing here does I/O; the apps run these `RequestOptions` through the normal client pipeline.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any, Dict, Mapping, Optional
from urllib.parse import urlencode, urlsplit

from .._constants import COZE_CN_BASE_URL, COZE_CN_WWW_URL, COZE_COM_BASE_URL, COZE_COM_WWW_URL
from .._envelope import OAUTH
from .._paths import path, require
from .._request import RequestOptions

__all__ = [
    "DEVICE_GRANT",
    "JWT_GRANT",
    "authorize_url",
    "code_challenge",
    "device_code_request",
    "gen_code_verifier",
    "gen_state",
    "token_request",
    "www_base_for",
]

TOKEN_PATH = "/api/permission/oauth2/token"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"

_WWW = {COZE_CN_BASE_URL: COZE_CN_WWW_URL, COZE_COM_BASE_URL: COZE_COM_WWW_URL}


def www_base_for(base_url: str) -> str:
    """The host of the browser authorize page: api.coze.cn -> www.coze.cn, api.coze.com -> www.coze.com;
    any other host (an emulator, a proxy) serves it itself."""
    base = base_url.rstrip("/")
    return _WWW.get(base, base)


def api_host(base_url: str) -> str:
    """The JWT `aud`: the API host without scheme (with the port, if any)."""
    return urlsplit(base_url).netloc


def gen_state() -> str:
    """A random `state` for an authorize URL (check it when the browser comes back)."""
    return secrets.token_urlsafe(24)


def gen_code_verifier() -> str:
    """A PKCE `code_verifier`: 64 URL-safe characters (RFC 7636 allows 43-128)."""
    return secrets.token_urlsafe(48)


def code_challenge(code_verifier: str, method: str) -> str:
    """The PKCE `code_challenge` for `code_verifier` under `method` (`S256` or `plain`)."""
    if method == "plain":
        return code_verifier
    if method == "S256":
        digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    raise ValueError(f"code_challenge_method must be 'S256' or 'plain', got {method!r}")


def authorize_url(
    www_base_url: str,
    client_id: str,
    redirect_uri: str,
    state: str,
    workspace_id: Optional[str] = None,
    extra: Optional[Mapping[str, str]] = None,
) -> str:
    require(redirect_uri=redirect_uri)
    if workspace_id is not None:
        route = path(
            "/api/permission/oauth2/workspace_id/{workspace_id}/authorize", workspace_id=workspace_id
        )
    else:
        route = "/api/permission/oauth2/authorize"
    params: Dict[str, str] = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        **(extra or {}),
    }
    return f"{www_base_url.rstrip('/')}{route}?{urlencode(params)}"


def token_request(
    body: Mapping[str, Any], bearer: Optional[str] = None, route: str = TOKEN_PATH
) -> RequestOptions:
    """A POST to a token endpoint, carrying `bearer` (client secret or signed JWT) if any."""
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return RequestOptions(
        "POST",
        route,
        json={k: v for k, v in body.items() if v is not None},
        headers=headers,
        envelope=OAUTH,
        authenticated=False,
    )


def device_code_request(client_id: str, workspace_id: Optional[str] = None) -> RequestOptions:
    if workspace_id is not None:
        route = path(
            "/api/permission/oauth2/workspace_id/{workspace_id}/device/code", workspace_id=workspace_id
        )
    else:
        route = "/api/permission/oauth2/device/code"
    return RequestOptions(
        "POST", route, json={"client_id": client_id}, envelope=OAUTH, authenticated=False, idempotent=True
    )
