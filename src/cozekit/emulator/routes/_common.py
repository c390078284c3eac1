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


def _id(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


IdStr = Annotated[str, BeforeValidator(_id)]
"""An int64 id: a string on the wire, but a bare number is accepted too."""


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
