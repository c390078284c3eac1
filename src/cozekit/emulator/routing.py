"""Shared route plumbing: the emulator state, the caller's account, id coercion, envelopes."""

from __future__ import annotations

import collections.abc
import copy
import functools
import inspect
import json
import typing
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Tuple, Union
from urllib.parse import parse_qsl

from fastapi import APIRouter, FastAPI, Request, params
from fastapi.dependencies.models import Dependant
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator, TypeAdapter, ValidationError
from pydantic_core import PydanticUndefined
from starlette.responses import Response
from starlette.routing import WebSocketRoute
from starlette.types import Receive, Scope, Send
from typing_extensions import Annotated, get_args, get_origin

from .core.base import Account
from .core.errors import CozeErrors, envelope_body, forbidden, unauthenticated
from .core.offload import OFFLOAD
from .middleware import replay
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


KnownFields = Callable[[Any], Optional[FrozenSet[str]]]
CheckKnown = Callable[[Request, Any, FrozenSet[str], Dict[str, Any]], None]
_Query = Tuple[str, Any, Any, bool]
"""A query parameter: its name, a validator, its default, whether it is required."""
_IMMUTABLE = (str, int, float, bool, type(None))


class _Plan:
    """How to call one route's endpoint without FastAPI's routing and dependency solving."""

    __slots__ = ("account", "body", "endpoint", "known", "queries", "request", "route")

    def __init__(self, route: APIRoute) -> None:
        self.route = route
        self.endpoint = route.endpoint
        self.request: Optional[str] = None
        self.account: Optional[str] = None
        self.queries: List[_Query] = []
        self.body: Optional[Tuple[str, Any, bool]] = None
        """The body parameter: its name, its model, whether it may be absent (never taken here)."""
        self.known: Optional[FrozenSet[str]] = None


class FastRoutes:
    """The hot path of a request: a route without path parameters whose endpoint takes only the request,
    query parameters, one JSON body model and the caller (`current_account`) is called directly, by
    method and path, with the same validation, the same app-wide body-field check and the same error
    rendering as FastAPI's. Anything else, or a request that does not validate, is handed to FastAPI
    (which then answers exactly as without this), before anything is read or changed.

    FastAPI's per-request routing over ~300 routes and its dependency solving cost more CPU than a keyed
    read and the thread hop together (benchmarks/EMULATOR_NOTES.md, "Serving")."""

    def __init__(self, known_fields: KnownFields, check_known: CheckKnown) -> None:
        self._known_fields = known_fields
        self._check_known = check_known
        self._plans: Dict[Tuple[str, str], _Plan] = {}

    def add(self, routers: Iterable[APIRouter]) -> None:
        """Plan every route of `routers` that can take the hot path (the first route of a method and
        path wins, as in FastAPI's routing)."""
        earlier: List[Any] = []
        for router in routers:
            for route in router.routes:
                if isinstance(route, APIRoute):
                    plan = self._plan(route)
                    for method in route.methods or ():
                        key = (method, route.path)
                        if key in self._plans or plan is None or _shadowed(earlier, method, route.path):
                            self._plans.setdefault(key, None)  # type: ignore[arg-type]
                        else:
                            self._plans[key] = plan
                earlier.append(route)

    def _plan(self, route: APIRoute) -> Optional[_Plan]:
        if "{" in route.path or route.path.startswith("/_emulator") or route.dependencies:
            return None
        if route.response_model is not None or route.status_code is not None:
            return None
        endpoint = route.endpoint
        try:
            hints = typing.get_type_hints(inspect.unwrap(endpoint), include_extras=True)
        except Exception:  # an annotation this module cannot resolve: FastAPI's path
            return None
        if not _is_response(hints.get("return")) or not inspect.iscoroutinefunction(endpoint):
            return None
        plan = _Plan(route)
        for name, param in inspect.signature(endpoint).parameters.items():
            if param.kind not in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY):
                return None
            if not _take(plan, name, hints.get(name, param.annotation), param.default):
                return None
        if plan.body is not None:
            plan.known = self._known_fields(route)
        return plan

    async def __call__(self, scope: Scope, receive: Receive, body: Optional[bytes], send: Send) -> bool:
        """Answer the request on the hot path; False (nothing read or sent): FastAPI answers it."""
        plan = self._plans.get((scope["method"], scope["path"]))
        if plan is None:
            return False
        request = Request(scope, receive if body is None else replay(body, receive))
        kwargs: Dict[str, Any] = {}
        if plan.queries:  # the last of a repeated parameter, as Starlette's `query_params.get`
            query = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
            for name, adapter, default, required in plan.queries:
                raw = query.get(name)
                if raw is None:
                    if required:
                        return False
                    kwargs[name] = default if isinstance(default, _IMMUTABLE) else copy.deepcopy(default)
                    continue
                try:
                    kwargs[name] = adapter.validate_python(raw)
                except ValidationError:
                    return False
        doc: Any = None
        if plan.body is not None:
            name, model, _optional = plan.body
            if not body or not request.headers.get("content-type", "").lower().startswith("application/json"):
                return False
            try:
                doc = json.loads(body)
                if not isinstance(doc, dict):
                    return False
                kwargs[name] = model.model_validate(doc)
            except (ValueError, RecursionError, ValidationError):
                return False
        scope["route"] = plan.route
        scope["endpoint"] = plan.endpoint
        scope.setdefault("path_params", {})
        if plan.request is not None:
            kwargs[plan.request] = request
        try:
            if plan.known is not None and doc is not None:
                self._check_known(request, plan.route, plan.known, doc)
            if plan.account is not None:
                kwargs[plan.account] = await current_account(request)
            response = await plan.endpoint(**kwargs)
        except Exception as exc:
            handler = _handler_for(request.app, exc)
            if handler is None:
                raise
            response = handler(request, exc)
            if inspect.isawaitable(response):
                response = await response
        if not isinstance(response, Response):
            what = type(response).__name__
            raise TypeError(f"{scope['method']} {scope['path']} answered {what}, not a Response")
        await response(scope, request.receive, send)
        return True


def _shadowed(earlier: List[Any], method: str, path: str) -> bool:
    """Whether a route registered before would take `method path` first in FastAPI's routing."""
    for route in earlier:
        if isinstance(route, WebSocketRoute):  # never an HTTP request's
            continue
        regex = getattr(route, "path_regex", None)
        methods = getattr(route, "methods", None)  # None: a mount, every method
        if regex is not None and regex.match(path) and (methods is None or method in methods):
            return True
    return False


def _take(plan: _Plan, name: str, annotation: Any, default: Any) -> bool:
    """Plan one endpoint parameter; False when the hot path cannot take it."""
    if isinstance(annotation, type) and issubclass(annotation, Request):
        plan.request = name
        return True
    if isinstance(default, params.Depends):
        if default.dependency is not current_account or plan.account is not None:
            return False
        plan.account = name
        return True
    field: Any = default if isinstance(default, params.Param) else None
    value = field.default if field is not None else default
    base = annotation
    if get_origin(annotation) is Annotated:
        base, *extras = get_args(annotation)
        found = [e for e in extras if isinstance(e, params.Param)]
        if len(found) > 1 or (found and field is not None):
            return False
        if found:
            field = found[0]
            value = field.default if default is inspect.Parameter.empty else default
            rest = [e for e in extras if e is not field]
            if rest:
                args = (base, *rest)
                base = Annotated[args]
    if field is not None:
        if not isinstance(field, params.Query) or field.alias or field.metadata or _many(base):
            return False
        required = value is ... or value is inspect.Parameter.empty or value is PydanticUndefined
        plan.queries.append((name, TypeAdapter(base), None if required else value, required))
        return True
    model = _body_model(annotation)
    if model is None or plan.body is not None or default not in (inspect.Parameter.empty, None):
        return False
    plan.body = (name, model, default is None)
    return True


def _many(annotation: Any) -> bool:
    """Whether a query parameter's type takes repeated values (FastAPI reads them all, not the last)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _many(get_args(annotation)[0])
    if origin is Union:
        return any(_many(arg) for arg in get_args(annotation))
    kind = origin if origin is not None else annotation
    return (
        isinstance(kind, type)
        and issubclass(kind, (list, tuple, set, frozenset, collections.abc.Sequence))
        and not issubclass(kind, (str, bytes))
    )


def _body_model(annotation: Any) -> Optional[type]:
    """`Model` or `Optional[Model]` for a pydantic model, else None."""
    if get_origin(annotation) is Union:
        args = [a for a in get_args(annotation) if a is not type(None)]
        annotation = args[0] if len(args) == 1 else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _is_response(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Response)


def _handler_for(app: Any, exc: Exception) -> Any:
    """The app's exception handler for `exc` (by class, nearest first), as Starlette looks it up."""
    handlers = getattr(app, "exception_handlers", {})
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]
    return None
