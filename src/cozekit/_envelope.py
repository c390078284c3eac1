"""Response envelopes, declared per endpoint rather than guessed from the keys present.

- `DATA` (default): `{code, msg, data, detail}`; the payload is `data` (or a dotted path inside the body,
  e.g. `Envelope.at("message")`, `Envelope.at("data.data")`).
- `BODY`: the whole JSON body is the payload after the `code` check (message list with top-level
  `first_id`/`last_id`/`has_more`, workflow runs with `execute_id`/`debug_url`, document lists).
- `OAUTH`: flat OAuth JSON; errors carry `error_code`/`error_message` (or `error`/`error_description`).
- `BINARY`: raw bytes (speech audio); a JSON body in its place is an error envelope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Tuple

import httpx

from ._constants import LOGID_HEADER
from ._exceptions import CozeAPIError, OAuthError, error_class

__all__ = ["BINARY", "BODY", "DATA", "OAUTH", "Envelope", "logid_of"]


@dataclass(frozen=True)
class Envelope:
    kind: str
    path: Tuple[str, ...] = ("data",)

    @classmethod
    def at(cls, dotted: str) -> Envelope:
        """A standard envelope whose payload sits at `dotted` (e.g. `"message"`, `"data.data"`)."""
        return cls("data", tuple(dotted.split(".")))


DATA = Envelope("data")
BODY = Envelope("body", ())
OAUTH = Envelope("oauth", ())
BINARY = Envelope("binary", ())


def logid_of(headers: httpx.Headers, body: Any = None) -> str:
    """The request's log id: the `x-tt-logid` header, else `detail.logid` in the body."""
    logid = headers.get(LOGID_HEADER)
    if logid:
        return str(logid)
    if isinstance(body, Mapping):
        detail = body.get("detail")
        if isinstance(detail, Mapping) and isinstance(detail.get("logid"), str):
            return str(detail["logid"])
    return ""


def error_from_body(
    status_code: int, headers: httpx.Headers, body: Any, text: str = "", hint: str = ""
) -> CozeAPIError:
    """Build the error for an answer that is not a success, keyed by business code then HTTP status."""
    code: Optional[int] = None
    msg = ""
    debug_url = None
    if isinstance(body, Mapping):
        raw_code = body.get("code")
        if isinstance(raw_code, int) and not isinstance(raw_code, bool):
            code = raw_code
        msg = str(body.get("msg") or body.get("error_message") or body.get("message") or "")
        debug_url = body.get("debug_url") or None
    if not msg:
        msg = text.strip()[:500] or httpx.codes.get_reason_phrase(status_code)
    cls = error_class(status_code, code)
    return cls(
        code if code is not None else status_code,
        msg,
        logid_of(headers, body),
        debug_url,
        status_code=status_code,
        body=body if body is not None else text,
        hint=hint,
    )


def oauth_error(status_code: int, headers: httpx.Headers, body: Any, text: str = "") -> OAuthError:
    error_code = ""
    message = ""
    if isinstance(body, Mapping):
        error_code = str(body.get("error_code") or body.get("error") or "")
        message = str(body.get("error_message") or body.get("error_description") or "")
    return OAuthError(
        status_code,
        f"{error_code}: {message}" if message else error_code or text.strip()[:500],
        logid_of(headers, body),
        status_code=status_code,
        body=body if body is not None else text,
    )


def unwrap(envelope: Envelope, status_code: int, headers: httpx.Headers, body: Any, hint: str = "") -> Any:
    """Check a decoded JSON answer against its declared envelope and return the payload, or raise."""
    if envelope.kind == "oauth":
        has_error = isinstance(body, Mapping) and bool(body.get("error_code") or body.get("error"))
        if status_code >= 400 or has_error or not isinstance(body, Mapping):
            raise oauth_error(status_code, headers, body)
        return body
    if not isinstance(body, Mapping):
        raise error_from_body(status_code if status_code >= 400 else 500, headers, body, str(body), hint)
    code = body.get("code", 0)
    if status_code >= 400 or (code not in (0, None)):
        raise error_from_body(status_code, headers, body, hint=hint)
    payload: Any = body
    for key in envelope.path:
        if not isinstance(payload, Mapping):
            return None
        payload = payload.get(key)
    return payload
