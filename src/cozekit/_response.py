"""`ResponseInfo`: what a result remembers of its HTTP response (kept free of pydantic, so that making a
client does not import it)."""

from __future__ import annotations

from typing import Optional

import httpx

__all__ = ["ResponseInfo"]


class ResponseInfo:
    """What an SDK result remembers of the HTTP response it came from.

    `http_response` is the `httpx.Response` itself for streams and binary bodies (`stream.response`),
    None for parsed results (their body is read and gone; status and headers are kept here).
    """

    __slots__ = ("headers", "http_response", "status_code")

    def __init__(
        self, status_code: int, headers: httpx.Headers, http_response: Optional[httpx.Response] = None
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.http_response = http_response

    @classmethod
    def from_httpx(cls, response: httpx.Response, *, keep: bool = False) -> ResponseInfo:
        """The info of `response`; `keep=True` keeps the response itself as `http_response`."""
        return cls(response.status_code, response.headers, response if keep else None)

    @property
    def logid(self) -> str:
        """The `x-tt-logid` header: quote it when asking Coze support about a request."""
        return str(self.headers.get("x-tt-logid", ""))

    def __repr__(self) -> str:
        return f"ResponseInfo(status_code={self.status_code}, logid={self.logid!r})"
