"""`ResponseInfo`: what a result remembers of its HTTP response (kept free of pydantic, so that making a
client does not import it)."""

from __future__ import annotations

from typing import Optional

import httpx

__all__ = ["ResponseInfo", "aclose_response", "close_response"]


class ResponseInfo:
    """What an SDK result remembers of the HTTP response it came from: `status_code`, `headers`, `logid`,
    and `http_response`, the raw `httpx.Response` (None for results built locally)."""

    __slots__ = ("headers", "http_response", "status_code", "strict")

    def __init__(
        self,
        status_code: int,
        headers: httpx.Headers,
        strict: bool = False,
        http_response: Optional[httpx.Response] = None,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.strict = strict
        """Read strictly: a field that does not validate raises (the client's `strict_validation`)."""
        self.http_response = http_response

    @classmethod
    def from_httpx(cls, response: httpx.Response, strict: bool = False) -> ResponseInfo:
        return cls(response.status_code, response.headers, strict, response)

    @property
    def logid(self) -> str:
        """The `x-tt-logid` header: quote it when asking Coze support about a request."""
        return str(self.headers.get("x-tt-logid", ""))

    def __repr__(self) -> str:
        return f"ResponseInfo(status_code={self.status_code}, logid={self.logid!r})"


_READ = httpx.ByteStream(b"")
"""The body stream a closed response is left with (it is never read again)."""


def close_response(response: httpx.Response) -> None:
    """Close `response` and let it go as soon as nothing else holds it. httpx's response and its body
    stream refer to each other, so a closed response, with its request, headers and connection state
    (some 45 objects), would otherwise wait for the cyclic garbage collector: with many requests that
    is more collections, each scanning everything still alive. A closed body is never read again."""
    try:
        response.close()
    finally:
        _release(response)


async def aclose_response(response: httpx.Response) -> None:
    """The async twin of `close_response`."""
    try:
        await response.aclose()
    finally:
        _release(response)


def _release(response: httpx.Response) -> None:
    if response.is_closed:
        response.stream = _READ
