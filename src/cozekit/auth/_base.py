"""What every OAuth app shares: its client id, hosts, and a private unauthenticated API client."""

from __future__ import annotations

from typing import Any, Dict, Optional, Union

import httpx

from .._base_client import AsyncAPIClient, SyncAPIClient
from .._constants import COZE_COM_BASE_URL, DEFAULT_MAX_RETRIES
from .._parsing import model
from .._paths import require
from .._request import RequestOptions
from .._retries import RetryPolicy
from .._types import NOT_GIVEN, NotGiven, Timeout
from ..types.oauth import OAuthToken
from ._requests import www_base_for

__all__ = ["AsyncOAuthAppBase", "OAuthApp", "SyncOAuthAppBase"]

parse_token = model(OAuthToken)


class OAuthApp:
    """Configuration shared by the sync and async apps of every flow."""

    def __init__(self, client_id: str, base_url: str = COZE_COM_BASE_URL, www_base_url: str = "") -> None:
        require(client_id=client_id)
        self._client_id = client_id
        self._base_url = base_url.rstrip("/")
        self._www_base_url = (www_base_url or www_base_for(self._base_url)).rstrip("/")

    @property
    def client_id(self) -> str:
        return self._client_id

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def www_base_url(self) -> str:
        return self._www_base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_id={self._client_id!r}, base_url={self._base_url!r})"


def _config(
    base_url: str,
    timeout: Union[Timeout, NotGiven],
    max_retries: int,
    proxy: Optional[str],
    retry_policy: Optional[RetryPolicy],
) -> Dict[str, Any]:
    return {
        "auth": None,
        "base_url": base_url,
        "timeout": timeout,
        "max_retries": max_retries,
        "proxy": proxy,
        "retry_policy": retry_policy,
    }


class SyncOAuthAppBase(OAuthApp):
    """An app whose token calls run through a `SyncAPIClient` without auth."""

    def __init__(
        self,
        client_id: str,
        base_url: str = COZE_COM_BASE_URL,
        www_base_url: str = "",
        *,
        http_client: Optional[httpx.Client] = None,
        timeout: Union[Timeout, NotGiven] = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        proxy: Optional[str] = None,
        retry_policy: Optional[RetryPolicy] = None,
        strict_validation: Optional[bool] = None,
    ) -> None:
        super().__init__(client_id, base_url, www_base_url)
        self._client = SyncAPIClient(
            http_client=http_client,
            **_config(self._base_url, timeout, max_retries, proxy, retry_policy),
            strict_validation=strict_validation,
        )

    def _token(self, opts: RequestOptions) -> OAuthToken:
        return self._client.request(opts, parse_token)

    def close(self) -> None:
        """Close the connection pool (only if this app created it)."""
        self._client.close()


class AsyncOAuthAppBase(OAuthApp):
    """An app whose token calls run through an `AsyncAPIClient` without auth."""

    def __init__(
        self,
        client_id: str,
        base_url: str = COZE_COM_BASE_URL,
        www_base_url: str = "",
        *,
        http_client: Optional[httpx.AsyncClient] = None,
        timeout: Union[Timeout, NotGiven] = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        proxy: Optional[str] = None,
        retry_policy: Optional[RetryPolicy] = None,
        strict_validation: Optional[bool] = None,
    ) -> None:
        super().__init__(client_id, base_url, www_base_url)
        self._client = AsyncAPIClient(
            http_client=http_client,
            **_config(self._base_url, timeout, max_retries, proxy, retry_policy),
            strict_validation=strict_validation,
        )

    async def _token(self, opts: RequestOptions) -> OAuthToken:
        return await self._client.request(opts, parse_token)

    async def close(self) -> None:
        """Close the connection pool (only if this app created it)."""
        await self._client.close()
