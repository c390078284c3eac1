"""Shared route plumbing: the emulator state, the caller's account, id coercion, envelopes."""

from __future__ import annotations

import functools
import inspect
import json
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from fastapi import APIRouter, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BeforeValidator
from typing_extensions import Annotated

from .core.base import Account
from .core.errors import CozeErrors, envelope_body, forbidden, unauthenticated
from .core.offload import OFFLOAD
from .render import logid_of
from .state import EmulatorState

_UNSET: Any = object()
CHAT_PATHS = ("/v3/chat", "/v1/conversation/", "/v1/conversations")
"""What a channel token (scope `Connector.botChat`) may call: chats and their conversations."""
CONVERSATION_PATHS = ("/v1/conversation/", "/v1/conversations")
"""Conversations and their messages belong to no workspace: a workspace token cannot be granted them."""
WORKSPACE_OF: Dict[str, Tuple[str, str]] = {
    "bot_id": ("bot", "workspace_id"),
    "document_id": ("kdocument", "dataset_id"),
    "document_ids": ("kdocument", "dataset_id"),
    "workflow_id": ("workflow", "workspace_id"),
    "dataset_id": ("dataset", "space_id"),
    "folder_id": ("folder", "workspace_id"),
    "parent_folder_id": ("folder", "workspace_id"),
    "app_id": ("app", "workspace_id"),
}
"""Request fields naming an object that lives in a workspace: its kind and the field holding the workspace
(a document names its knowledge base, which names the workspace)."""
WORKSPACE_FIELDS = ("workspace_id", "space_id", "to_workspace_id")
INT64_MAX = 2**63 - 1


def _id(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _int64_id(value: Any) -> Any:
    value = _id(value)
    if isinstance(value, str) and value and not well_formed_id(value):
        raise ValueError("not an int64 id")
    return value


def well_formed_id(value: str) -> bool:
    """Digits only, within int64: the shape of every Coze object id (doc page coze_error_codes). A
    malformed id is a parameter error (4000); a well-formed one that names nothing is the not-found family."""
    return value.isascii() and value.isdigit() and len(value) <= 19 and int(value) <= INT64_MAX


IdStr = Annotated[str, BeforeValidator(_int64_id)]
"""An int64 id: a string on the wire, but a bare number is accepted too; "" means absent; anything
else (words, negative or too large numbers) fails validation, which answers 4000."""
TextId = Annotated[str, BeforeValidator(_id)]
"""A caller-chosen id (an end user's `user_id`): any string, or a number."""


def offloaded(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """A plain `def` endpoint (it does store work) as a coroutine running it in the store's worker threads
    (`core.offload`), with its signature, name and docstring: FastAPI reads the same parameters."""

    @functools.wraps(endpoint)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await OFFLOAD.run(functools.partial(endpoint, *args, **kwargs))

    run.__signature__ = inspect.signature(endpoint)  # type: ignore[attr-defined]
    return run


class Router(APIRouter):
    """An `APIRouter` whose plain `def` endpoints run through `offloaded` (one cheap thread hop)."""

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = offloaded(endpoint)
        super().add_api_route(path, endpoint, **kwargs)


def state_of(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


def bearer_token(request: Request) -> str:
    """The token of `Authorization: Bearer <token>` (the scheme in any case), or "" (read here rather than
    through FastAPI's `HTTPBearer`, a nested dependency on every authenticated request; the OpenAPI
    document still names the scheme, `app.document_bearer`)."""
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def current_account(request: Request) -> Account:
    """The caller; Coze 4100 (HTTP 401) when the token is missing or unknown, 4101 when a scoped token
    reaches outside its scope (a channel token beyond chat, a workspace token beyond its workspace)."""
    token = bearer_token(request)
    if not token:
        raise unauthenticated()
    state = state_of(request)
    account = state.accounts.cached(token)  # a token seen moments ago: no thread hop, no read
    if account is None:
        account = await OFFLOAD.run(_authenticate, state, token)
    if account is None:
        raise unauthenticated()
    if account.scoped and not request.url.path.startswith(CHAT_PATHS):
        raise CozeErrors.NO_PERMISSION()
    if account.workspace_id:
        await _stay_in_workspace(request, account.workspace_id)
    return account


BEARER_SCHEME = {
    "type": "http",
    "description": "A personal access token, `Bearer pat_...`.",
    "scheme": "bearer",
}


def document_bearer(app: FastAPI, routers: Iterable[APIRouter]) -> None:
    """Name the bearer scheme in `app`'s OpenAPI document on every operation of `routers` that needs
    `current_account` (as FastAPI's `HTTPBearer` dependency did, without its per-request cost)."""
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute) and _needs(route.dependant, current_account):
                route.openapi_extra = {**(route.openapi_extra or {}), "security": [{"HTTPBearer": []}]}
    build = app.openapi

    def openapi() -> Dict[str, Any]:
        schema = build()
        schema.setdefault("components", {}).setdefault("securitySchemes", {})["HTTPBearer"] = BEARER_SCHEME
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _needs(dependant: Dependant, call: Callable[..., Any]) -> bool:
    return any(d.call is call or _needs(d, call) for d in dependant.dependencies)


def _authenticate(state: EmulatorState, token: str) -> Optional[Account]:
    return state.accounts.authenticate(token) or state.oauth.authenticate(token)


async def _stay_in_workspace(request: Request, workspace_id: str) -> None:
    """A token granted for one workspace (doc page oauth_code, the workspace collaboration flow) acts only
    on what lives there: every workspace, bot, workflow, knowledge base, folder or app the request names
    (path, query or JSON body) must be in it. Conversations belong to no workspace, so it gets none."""
    if request.url.path.startswith(CONVERSATION_PATHS):
        raise forbidden(
            f"this token is granted for workspace {workspace_id} only; conversations are not in a workspace"
        )
    state = state_of(request)
    named = list(_named_ids(request, await _json_body(request)))
    await OFFLOAD.run(_check_workspace, state, named, workspace_id)


def _check_workspace(state: EmulatorState, named: List[Tuple[str, str]], workspace_id: str) -> None:
    for field, value in named:
        if field in WORKSPACE_FIELDS:
            where = value
        else:
            kind, holder = WORKSPACE_OF[field]
            doc = state.store.get(kind, value)
            if doc is not None and kind == "kdocument":
                doc = state.store.get("dataset", str(doc.get(holder) or ""))
                holder = "space_id"
            if doc is None:
                continue  # the route answers not-found
            where = str(doc.get(holder) or "")
        if where and where != workspace_id:
            raise forbidden(
                f"this token is granted for workspace {workspace_id} only; {field}={value} is in another one"
            )


def _named_ids(request: Request, body: Any) -> Iterator[Tuple[str, str]]:
    sources = [request.path_params, request.query_params]
    if isinstance(body, dict):
        sources.append(body)
    for source in sources:
        for field in (*WORKSPACE_FIELDS, *WORKSPACE_OF):
            value = source.get(field)
            for one in value if isinstance(value, list) else [value]:
                if isinstance(one, (str, int)) and not isinstance(one, bool) and str(one):
                    yield field, str(one)


async def _json_body(request: Request) -> Any:
    if "json" not in request.headers.get("content-type", ""):
        return None
    try:
        return json.loads(await request.body() or b"null")
    except ValueError:
        return None


def per_worker(request: Request) -> None:
    """A dependency of the control-plane routes whose state each worker process keeps in its own memory:
    with several workers a call would reach one of them only, so it is refused (HTTP 409)."""
    workers = state_of(request).config.workers
    if workers > 1:
        raise CozeErrors.CONTROL_PLANE_REFUSED(
            why=f"{request.method} {request.url.path} changes what each worker keeps in memory, and this "
            f"server runs {workers} workers: run it with one worker (--workers 1) to use this",
            http_status=409,
        )


def ok(request: Request, data: Any = _UNSET, **top: Any) -> JSONResponse:
    """A success envelope: `data` (if given) plus any top-level keys."""
    extra = dict(top)
    if data is not _UNSET:
        extra["data"] = data
    return JSONResponse(envelope_body(0, "", logid_of(request), **extra))


def blank(value: Optional[str]) -> Optional[str]:
    """Treat `?x=` (what httpx sends for None) like an absent parameter."""
    return value or None
