"""cozepy's plumbing names that programs pass around: its `httpx` client classes and its binary response."""

from __future__ import annotations

from typing import Any

import httpx

from ._constants import DEFAULT_CONNECTION_LIMITS, DEFAULT_TIMEOUT
from ._streaming import AsyncBinaryResponse, BinaryResponse

__all__ = ["AsyncFileHTTPResponse", "AsyncHTTPClient", "FileHTTPResponse", "SyncHTTPClient"]

FileHTTPResponse = BinaryResponse
"""What `coze.audio.speech.create` returns: `.write_to_file(path)`, `.read()`, `.iter_bytes()`."""
AsyncFileHTTPResponse = AsyncBinaryResponse


class SyncHTTPClient(httpx.Client):
    """An `httpx.Client` with the SDK's defaults (10 min timeout, 5 s to connect; up to 1000 connections;
    redirects followed), to configure and pass as `Coze(http_client=...)`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("limits", DEFAULT_CONNECTION_LIMITS)
        kwargs.setdefault("follow_redirects", True)
        super().__init__(**kwargs)


class AsyncHTTPClient(httpx.AsyncClient):
    """The async twin of `SyncHTTPClient`, for `AsyncCoze(http_client=...)`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("limits", DEFAULT_CONNECTION_LIMITS)
        kwargs.setdefault("follow_redirects", True)
        super().__init__(**kwargs)
