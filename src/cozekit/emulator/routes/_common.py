"""Shared route plumbing: the emulator state, the caller's account, id coercion, envelopes."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator
from typing_extensions import Annotated

from ..backends.base import NO_PERMISSION, Account
from ..errors import EmulatorError, envelope_body, logid_of, unauthenticated
from ..state import EmulatorState

_bearer = HTTPBearer(auto_error=False, description="A personal access token, `Bearer pat_...`.")
_UNSET: Any = object()
CHAT_PATHS = ("/v3/chat", "/v1/conversation/", "/v1/conversations")
"""What a channel token (scope `Connector.botChat`) may call: chats and their conversations."""


INT64_MAX = 2**63 - 1


def _id(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _int64_id(value: Any) -> Any:
    value = _id(value)
    if isinstance(value, str) and value and not well_formed_id(value):
        raise ValueError("not an int64 id")
    return value


def well_formed_id(value: str) -> bool:
    """Digits only, within int64: the shape of every Coze object id (protocol.md §2.4). A malformed id
    is a parameter error (4000); a well-formed one that names nothing is the not-found family."""
    return value.isascii() and value.isdigit() and len(value) <= 19 and int(value) <= INT64_MAX


IdStr = Annotated[str, BeforeValidator(_int64_id)]
"""An int64 id: a string on the wire, but a bare number is accepted too; "" means absent; anything
else (words, negative or too large numbers) fails validation, which answers 4000."""
TextId = Annotated[str, BeforeValidator(_id)]
"""A caller-chosen id (an end user's `user_id`): any string, or a number."""


def state_of(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


def current_account(
    request: Request, credentials: Optional[HTTPAuthorizationCredentials] = Depends(_bearer)
) -> Account:
    """The caller; Coze 4100 (HTTP 401) when the token is missing or unknown."""
    if credentials is None or not credentials.credentials:
        raise unauthenticated()
    state = state_of(request)
    token = credentials.credentials.strip()
    account = state.accounts.authenticate(token) or state.oauth.authenticate(token)
    if account is None:
        raise unauthenticated()
    if account.scoped and not request.url.path.startswith(CHAT_PATHS):
        raise EmulatorError(4101, NO_PERMISSION)
    return account


def ok(request: Request, data: Any = _UNSET, **top: Any) -> JSONResponse:
    """A success envelope: `data` (if given) plus any top-level keys."""
    extra = dict(top)
    if data is not _UNSET:
        extra["data"] = data
    return JSONResponse(envelope_body(0, "", logid_of(request), **extra))


def blank(value: Optional[str]) -> Optional[str]:
    """Treat `?x=` (what httpx sends for None) like an absent parameter."""
    return value or None
