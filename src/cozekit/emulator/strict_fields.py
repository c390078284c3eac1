"""Unknown request fields: Coze ignores a JSON body field it does not know; the emulator does too, but
records each one (`GET /_emulator/unknown_fields`) and, with `strict_requests`, refuses the request with
4000 naming the field, so a typo in an SDK cannot pass silently.

The known fields of an endpoint are its body model's fields (and aliases), plus those the official
clients send without the docs listing them (`CLIENT_FIELDS`). Endpoints that read their body by hand,
or whose model allows extra fields, are not checked."""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Optional, Tuple

from fastapi import Request
from pydantic import BaseModel
from starlette.requests import HTTPConnection

from .core.errors import unknown_field
from .routing import state_of

CONTROL_PREFIX = "/_emulator"

CLIENT_FIELDS: Dict[Tuple[str, str], Tuple[str, ...]] = {
    ("POST", "/v3/chat"): ("shortcut_command",),  # @coze/api, when given
    ("POST", "/v3/chat/submit_tool_outputs"): ("auto_save_history",),  # @coze/api, when given
    ("POST", "/v1/bots/{bot_id}/unpublish"): ("bot_id",),  # cozepy repeats the path's id
    ("POST", "/v1/audio/rooms"): ("connector_id",),  # @coze/api
    ("POST", "/v1/audio/voiceprint_groups"): ("coze_account_id",),  # @coze/api
}
"""(method, route path) -> body fields an official client sends that the endpoint's model does not list
(found by reading cozepy 0.20's and @coze/api 1.3.9's request builders); they are accepted and ignored."""

_cache: Dict[int, Optional[FrozenSet[str]]] = {}


def _model_fields(model: Any) -> Optional[FrozenSet[str]]:
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    if model.model_config.get("extra") == "allow":
        return None
    names = set()
    for name, info in model.model_fields.items():
        names.add(name)
        for alias in (info.alias, info.validation_alias):
            if isinstance(alias, str):
                names.add(alias)
    return frozenset(names)


def known_fields(route: Any) -> Optional[FrozenSet[str]]:
    """The JSON body fields `route` knows, or None when it does not say (so nothing is checked)."""
    key = id(route)
    if key in _cache:
        return _cache[key]
    known: Optional[FrozenSet[str]] = None
    dependant = getattr(route, "dependant", None)
    params = list(getattr(dependant, "body_params", None) or [])
    if len(params) == 1 and not getattr(params[0].field_info, "embed", False):
        known = _model_fields(params[0].field_info.annotation)
    elif params:
        known = frozenset(p.alias or p.name for p in params)
    if known is not None:
        extra = CLIENT_FIELDS.get((next(iter(getattr(route, "methods", None) or {""})), route.path), ())
        known = known | frozenset(extra)
    _cache[key] = known
    return known


async def check_body_fields(connection: HTTPConnection) -> None:
    """An app-wide dependency: record (and with `strict_requests`, refuse) unknown JSON body fields."""
    if not isinstance(connection, Request):  # a WebSocket
        return
    request = connection
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if request.url.path.startswith(CONTROL_PREFIX):
        return
    if not request.headers.get("content-type", "").lower().startswith("application/json"):
        return
    route = request.scope.get("route")
    known = known_fields(route) if route is not None else None
    if known is None:
        return
    try:
        body = await request.json()
    except ValueError:
        return  # the route's own parsing answers
    if isinstance(body, dict):
        check_known(request, route, known, body)


def check_known(request: Request, route: Any, known: FrozenSet[str], body: Dict[str, Any]) -> None:
    """Record (and with `strict_requests`, refuse) the fields of `body` that `route` does not know."""
    unknown = sorted(k for k in body if k not in known)
    if not unknown:
        return
    state = state_of(request)
    state.unknown_fields.record(request.method, str(getattr(route, "path", request.url.path)), unknown)
    if state.config.strict_requests:
        raise unknown_field(unknown[0])
