"""The WebSocket host derived from the REST base URL, and the handshake headers (auth included)."""

from __future__ import annotations

from typing import Any, Dict, Generic, Mapping, Optional, TypeVar
from urllib.parse import urlencode, urlsplit

import httpx

from .._base_client import _PLATFORM_HEADERS, AsyncAPIClient, BaseClient
from ._base import Endpoint
from ._connection import WebsocketsOptions

__all__ = ["WebsocketsResource", "default_options", "make_endpoint", "websocket_base_url"]

_C = TypeVar("_C", bound=BaseClient)


class WebsocketsResource(Generic[_C]):
    """What each `coze.websockets` noun holds: the REST client (auth, headers, timeout) and the WebSocket
    base URL its sessions connect to."""

    def __init__(self, client: _C, ws_base_url: str) -> None:
        self._client = client
        self._ws_base_url = ws_base_url


def websocket_base_url(base_url: str) -> str:
    """`https://api.coze.cn` → `wss://ws.coze.cn`, `https://api.coze.com` → `wss://ws.coze.com`,
    `https://api-X` → `wss://ws-X`; any other host is kept (`http://127.0.0.1:8080` → `ws://127.0.0.1:8080`).

    >>> websocket_base_url("https://api.coze.cn")
    'wss://ws.coze.cn'
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.netloc:
        raise ValueError(f"expected an http(s) or ws(s) URL, got {base_url!r}")
    scheme = "wss" if parts.scheme in ("https", "wss") else "ws"
    host = parts.netloc
    if host.startswith("api."):
        host = "ws." + host[4:]
    elif host.startswith("api-"):
        host = "ws-" + host[4:]
    return f"{scheme}://{host}{parts.path.rstrip('/')}"


def default_options(client: BaseClient) -> WebsocketsOptions:
    """Options whose connect timeout follows the client's."""
    timeout = client.timeout
    connect = timeout.connect if isinstance(timeout, httpx.Timeout) else timeout
    return WebsocketsOptions(connect_timeout=float(connect) if connect else 10.0)


def make_endpoint(
    client: BaseClient,
    ws_base_url: str,
    path: str,
    query: Optional[Mapping[str, Any]] = None,
    headers: Optional[Mapping[str, str]] = None,
) -> Endpoint:
    params = {k: v for k, v in (query or {}).items() if v is not None}
    url = ws_base_url + path + (("?" + urlencode(params)) if params else "")
    base: Dict[str, str] = {k: v for k, v in _PLATFORM_HEADERS.items() if k != "User-Agent"}
    base.update(client._default_headers)
    base.update(headers or {})

    def sync_headers() -> Dict[str, str]:
        auth = client.auth
        return dict(base) if auth is None else {**base, "Authorization": f"Bearer {auth.get_token()}"}

    async def async_headers() -> Dict[str, str]:
        auth = client.auth
        return dict(base) if auth is None else {**base, "Authorization": f"Bearer {await auth.aget_token()}"}

    user_agent = _PLATFORM_HEADERS["User-Agent"]
    return Endpoint(
        url,
        async_headers if isinstance(client, AsyncAPIClient) else sync_headers,
        user_agent,
        client._add_region_hint,
        client.strict_validation,
        client,
    )
