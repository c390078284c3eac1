"""What one API call asks for: `RequestOptions`, and the per-call options every method accepts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Union

from typing_extensions import TypedDict

from ._abort import AbortSignal
from ._envelope import DATA, Envelope
from ._types import NOT_GIVEN, Body, Headers, NotGiven, Query, Timeout, drop_unset

__all__ = ["CallOptions", "Content", "RequestOptions"]

Content = Union[bytes, Callable[[], Iterable[bytes]]]
"""A raw request body: bytes, or a zero-argument callable returning a fresh iterable of byte chunks
(called once per attempt, so a retried request streams its body again)."""

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


class CallOptions(TypedDict, total=False):
    """Options every API method accepts as keyword arguments."""

    extra_headers: Headers
    """Headers to add to (or override on) this request."""
    extra_query: Query
    """Query parameters to add to this request."""
    extra_body: Body
    """JSON body fields (or multipart form fields) to add to this request."""
    timeout: Timeout
    """This request's timeout in seconds, or an `httpx.Timeout`."""
    max_retries: int
    """Retries for this request, overriding the client's `max_retries`."""
    abort_signal: AbortSignal
    """`AbortController().signal`: aborting it makes this call (or stream) raise `APIUserAbortError`."""


@dataclass(frozen=True)
class RequestOptions:
    """One request as a resource describes it; the client adds base URL, auth and defaults."""

    method: str
    path: str
    params: Optional[Mapping[str, Any]] = None
    json: Optional[Any] = None
    data: Optional[Mapping[str, Any]] = None
    files: Optional[Any] = None
    content: Optional[Content] = None
    """A raw body (set its `Content-Type`, and `Content-Length` when known, in `headers`)."""
    headers: Mapping[str, str] = field(default_factory=dict)
    envelope: Envelope = DATA
    stream: bool = False
    idempotent: Optional[bool] = None
    """Safe to resend after the server may have acted on it; defaults by HTTP method."""
    authenticated: bool = True
    """Send the client's token (False for OAuth token endpoints, which carry their own)."""
    timeout: Union[Timeout, NotGiven] = NOT_GIVEN
    max_retries: Optional[int] = None
    abort_signal: Optional[AbortSignal] = None

    @property
    def is_idempotent(self) -> bool:
        return self.idempotent if self.idempotent is not None else self.method in _IDEMPOTENT_METHODS

    def with_call_options(self, options: CallOptions) -> RequestOptions:
        """Merge a caller's per-call options into this request."""
        if not options:
            return self
        unknown = set(options) - set(CallOptions.__annotations__)
        if unknown:
            raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(unknown))}")
        changes: Dict[str, Any] = {}
        if "extra_headers" in options:
            changes["headers"] = {**self.headers, **options["extra_headers"]}
        if "extra_query" in options:
            changes["params"] = {**(self.params or {}), **options["extra_query"]}
        if "extra_body" in options:
            if self.content is not None:
                raise TypeError("extra_body cannot be merged into a raw (streamed) request body")
            if self.files is not None or self.data is not None:
                changes["data"] = {**(self.data or {}), **options["extra_body"]}
            else:
                changes["json"] = {**(self.json or {}), **options["extra_body"]}
        if "timeout" in options:
            changes["timeout"] = options["timeout"]
        if "max_retries" in options:
            retries = options["max_retries"]
            if retries < 0:
                raise ValueError("max_retries must be >= 0")
            changes["max_retries"] = retries
        if "abort_signal" in options:
            signal = options["abort_signal"]
            if signal is not None and not isinstance(signal, AbortSignal):
                raise TypeError(f"abort_signal must be AbortController().signal, got {signal!r}")
            changes["abort_signal"] = signal
        return dataclasses.replace(self, **changes)


def get(path: str, params: Optional[Mapping[str, Any]] = None, **kw: Any) -> RequestOptions:
    return RequestOptions("GET", path, params=drop_unset(params) if params else None, **kw)


def post(
    path: str, body: Optional[Mapping[str, Any]] = None, params: Optional[Mapping[str, Any]] = None, **kw: Any
) -> RequestOptions:
    return RequestOptions(
        "POST",
        path,
        json=drop_unset(body) if body is not None else None,
        params=drop_unset(params) if params else None,
        **kw,
    )


def put(path: str, body: Optional[Mapping[str, Any]] = None, **kw: Any) -> RequestOptions:
    return RequestOptions("PUT", path, json=drop_unset(body) if body is not None else None, **kw)


def delete(
    path: str, body: Optional[Mapping[str, Any]] = None, params: Optional[Mapping[str, Any]] = None, **kw: Any
) -> RequestOptions:
    return RequestOptions(
        "DELETE",
        path,
        json=drop_unset(body) if body is not None else None,
        params=drop_unset(params) if params else None,
        **kw,
    )
