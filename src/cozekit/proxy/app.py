"""`create_proxy_app()`: a token-holding proxy between a web chat widget and Coze.

The server keeps the Coze credential (any SDK auth: a PAT, or a refreshing `AsyncJWTAuth` per end user);
browsers only ever see their own end-user token, allow-listed bots and their own conversations.
"""

from __future__ import annotations

import hashlib
import html
import logging
import math
import secrets
import time
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from typing import (
    Annotated,
    AsyncIterator,
    Callable,
    Dict,
    List,
    Literal,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
)

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import HTMLResponse, JSONResponse, Response

from .._auth import Auth
from .._client import AsyncCoze
from .._exceptions import CozeAPIError, CozeError
from ..types import Message, MessageObjectString
from .identity import HEADER_NAME, SignedUser, UserResolver, new_anonymous_id, resolve_user
from .listing import Mine, parse_cursor, user_conversations
from .ratelimit import RateLimiter, as_limiter
from .relay import EventStreamResponse, ProxyError, StreamCounter, error_response, from_coze_error, relay

__all__ = ["ProxyConfig", "create_proxy_app"]

log = logging.getLogger("cozekit.proxy")

USER_KEY = "cozekit_user"
BOT_KEY = "cozekit_bot"
ANONYMOUS_TTL = 30 * 24 * 3600
BOT_INFO_TTL = 60.0
# What a visitor may upload by default: images and common documents (the widget checks the same list).
UPLOAD_TYPES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/markdown",
    "text/csv",
    "application/json",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
_M = TypeVar("_M", bound=BaseModel)
# What Coze answers for a conversation id that is malformed, unknown or someone else's.
_NOT_THEIRS = frozenset({4000, 4002, 4101, 4200})


@dataclass
class ProxyConfig:
    """How to build the proxy's own `AsyncCoze` (closed with the app): `auth` defaults to
    `TokenAuth($COZE_API_TOKEN)`, `base_url` to `$COZE_API_BASE`, then api.coze.com."""

    auth: Optional[Auth] = None
    base_url: Optional[str] = None


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    type: Literal["image", "file"]
    file_id: str = Field(min_length=1, max_length=64)


class Target(BaseModel):
    """A bot (`bot_id`) or an app's chatflow (`workflow_id`, with `app_id` when it belongs to an app)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    bot_id: Optional[str] = Field(default=None, min_length=1, max_length=64)
    workflow_id: Optional[str] = Field(default=None, min_length=1, max_length=64)
    app_id: Optional[str] = Field(default=None, min_length=1, max_length=64)

    def key(self) -> str:
        """What the proxy allow-lists and records as a conversation's owner target."""
        if self.workflow_id is not None:
            if self.bot_id is not None:
                raise ProxyError(400, 4000, "invalid body: pass bot_id or workflow_id, not both")
            return chatflow_key(self.app_id, self.workflow_id)
        if self.bot_id is None or self.app_id is not None:
            raise ProxyError(400, 4000, "invalid body: pass bot_id, or workflow_id (and app_id)")
        return self.bot_id


def chatflow_key(app_id: Optional[str], workflow_id: str) -> str:
    return f"workflow:{app_id or ''}:{workflow_id}"


def _parse_key(key: str) -> Tuple[Optional[str], Optional[str], str]:
    """`(bot_id, app_id, workflow_id)` of a target key."""
    if key.startswith("workflow:"):
        _, app_id, workflow_id = key.split(":", 2)
        return None, app_id or None, workflow_id
    return key, None, ""


class ChatBody(Target):
    message: str = ""
    conversation_id: Optional[str] = Field(default=None, min_length=1, max_length=64)
    attachments: List[Attachment] = Field(default_factory=list, max_length=10)
    show_function_calls: bool = False


class RenameBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str = Field(min_length=1, max_length=100)


class FeedbackBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    feedback_type: Optional[Literal["like", "unlike"]]
    reason_types: Optional[List[Annotated[str, Field(min_length=1, max_length=30)]]] = Field(
        None, max_length=10
    )
    comment: Optional[str] = Field(None, max_length=250)


class ConversationBody(Target):
    pass


def _who(user: str) -> str:
    """A short stable tag for a user in logs (the id itself may be personal data)."""
    return hashlib.sha256(user.encode()).hexdigest()[:10]


class _LRU:
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, Tuple[str, ...]] = OrderedDict()

    def get(self, key: str) -> Optional[Tuple[str, ...]]:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: str, value: Tuple[str, ...]) -> None:
        self.items[key] = value
        self.items.move_to_end(key)
        while len(self.items) > self.size:
            self.items.popitem(last=False)


class _Proxy:
    """Everything the routes share: the client, the rules, the caches."""

    def __init__(
        self,
        coze: AsyncCoze,
        bots: Sequence[str],
        chatflows: Sequence[str],
        resolvers: List[UserResolver],
        signer: SignedUser,
        anonymous: bool,
        auth_for_user: Optional[Callable[[str], Auth]],
        allowed_origins: Sequence[str],
        max_body_bytes: int,
        max_message_chars: int,
        limits: Sequence[Tuple[str, RateLimiter]],
        list_scan: int,
    ) -> None:
        self.coze = coze
        self.bots = frozenset(bots)
        self.targets = self.bots | frozenset(chatflows)
        self.resolvers = resolvers
        self.signer = signer
        self.anonymous = anonymous
        self.auth_for_user = auth_for_user
        self.allowed_origins = frozenset(o.rstrip("/") for o in allowed_origins)
        self.max_body_bytes = max_body_bytes
        self.max_message_chars = max_message_chars
        self.limits = limits
        self.list_scan = list_scan
        self.streams = StreamCounter()
        self.owners = _LRU(4096)
        self._clients: OrderedDict[str, AsyncCoze] = OrderedDict()
        self.files = _LRU(16384)
        self.bot_cache: Dict[str, Tuple[float, Dict[str, object]]] = {}
        self.max_upload_bytes = 10 * 1024 * 1024
        self.upload_types: frozenset[str] = frozenset(UPLOAD_TYPES)
        self.function_call_messages = False

    def client_for(self, user: str) -> AsyncCoze:
        """The shared client, or (with `auth_for_user`) one per end user sharing its connections."""
        if self.auth_for_user is None:
            return self.coze
        client = self._clients.get(user)
        if client is None:
            client = self._clients[user] = self.coze.with_options(auth=self.auth_for_user(user))
            while len(self._clients) > 1024:
                self._clients.popitem(last=False)
        self._clients.move_to_end(user)
        return client

    def check_origin(self, request: Request) -> None:
        origin = request.headers.get("origin")
        if origin is None or origin in self.allowed_origins:
            return
        own = f"{request.url.scheme}://{request.url.netloc}"
        if origin != own:
            raise ProxyError(403, 4101, "this origin may not use the proxy")

    def check_bot(self, bot_id: str) -> None:
        if bot_id not in self.bots:
            raise ProxyError(403, 4101, "this bot is not served by the proxy")

    def check_target(self, key: str) -> None:
        if key not in self.targets:
            what = "chatflow" if key.startswith("workflow:") else "bot"
            raise ProxyError(403, 4101, f"this {what} is not served by the proxy")

    def check_rate(self, request: Request, user: str) -> None:
        """Spend one chat from the user's and the client IP's buckets, or refuse with 429 (spending none)."""
        keys = {"user": user, "ip": request.client.host if request.client else ""}
        wait = max((limiter.wait(keys[kind]) for kind, limiter in self.limits), default=0.0)
        if wait > 0:
            retry = max(1, math.ceil(wait))
            log.info("rate limited user=%s (retry in %ss)", _who(user), retry)
            msg = f"too many messages: try again in {retry} s"
            raise ProxyError(429, 4029, msg, headers={"retry-after": str(retry)})
        for kind, limiter in self.limits:
            limiter.take(keys[kind])

    async def user(self, request: Request) -> str:
        for resolver in self.resolvers:
            user = await resolve_user(resolver, request)
            if user is not None:
                return user
        raise ProxyError(401, 4100, f"no valid end-user token (send the {HEADER_NAME} header)")

    async def read(self, request: Request, model: Type[_M]) -> _M:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise ProxyError(413, 4000, f"the request body is over {self.max_body_bytes} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self.max_body_bytes:
                raise ProxyError(413, 4000, f"the request body is over {self.max_body_bytes} bytes")
        try:
            return model.model_validate_json(bytes(body))
        except ValidationError as exc:
            first = exc.errors(include_input=False, include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            raise ProxyError(400, 4000, f"invalid {where}: {first['msg']}") from None

    async def new_conversation(self, client: AsyncCoze, user: str, target: str) -> str:
        """A conversation for a bot, or (no bot id) for a chatflow; its owner and target in meta_data."""
        meta = {USER_KEY: user, BOT_KEY: target}
        bot_id = _parse_key(target)[0]
        conversation = await client.conversations.create(bot_id=bot_id, meta_data=meta)
        self.owners.put(conversation.id, (user, target))
        return conversation.id

    async def owned(self, client: AsyncCoze, conversation_id: str, user: str) -> str:
        """The target (bot id or chatflow key) of a conversation this user started through the proxy;
        anyone else's is 'not found'."""
        owner = self.owners.get(conversation_id)
        if owner is None:
            try:
                found = await client.conversations.retrieve(conversation_id=conversation_id)
            except CozeAPIError as exc:
                if exc.code not in _NOT_THEIRS:
                    raise
                raise ProxyError(404, 4200, "conversation not found") from None
            owner = (found.meta_data.get(USER_KEY, ""), found.meta_data.get(BOT_KEY, ""))
            if owner[0]:
                self.owners.put(conversation_id, owner)
        if owner[0] != user or owner[1] not in self.targets:
            raise ProxyError(404, 4200, "conversation not found")
        return owner[1]


def _safe_file_name(name: str) -> str:
    """The last path segment, printable, at most 200 characters (it is shown back to the visitor)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip() or "file"
    return cleaned[-200:]


def _question(body: ChatBody) -> Message:
    if not body.attachments:
        return Message.build_user_question_text(body.message)
    items = [
        MessageObjectString.build_image(file_id=a.file_id)
        if a.type == "image"
        else MessageObjectString.build_file(file_id=a.file_id)
        for a in body.attachments
    ]
    if body.message.strip():
        items.insert(0, MessageObjectString.build_text(body.message))
    return Message.build_user_question_objects(items)


def _static(name: str) -> str:
    return (resources.files("cozekit.proxy") / "static" / name).read_text(encoding="utf-8")


VENDOR_MARK = "/*@vendor@*/"


def _widget_bundle() -> str:
    """widget.js with its vendored libraries (DOMPurify, marked; licence headers kept) put in at its
    `/*@vendor@*/` mark, inside the widget's own scope: neither touches the page's globals nor an AMD
    loader."""
    vendored = []
    for name, var in (("vendor/purify.min.js", "DOMPurify"), ("vendor/marked.min.js", "marked")):
        vendored.append(
            "(function () { var module = { exports: {} }, exports = module.exports, define;\n"
            + _static(name)
            + f"\n;vendor.{var} = module.exports; }})();"
        )
    widget = _static("widget.js")
    if VENDOR_MARK not in widget:
        raise RuntimeError("widget.js lost its vendor mark")
    return widget.replace(VENDOR_MARK, "\n".join(vendored), 1)


def _install_errors(app: FastAPI) -> None:
    async def proxy_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ProxyError)
        return error_response(exc)

    async def coze_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, CozeError)
        err = from_coze_error(exc)
        log.warning("Coze error %s on %s (logid %s)", err.code, request.url.path, err.logid)
        return error_response(err)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = {404: 4200, 405: 4000}.get(exc.status_code, 4000)
        return error_response(ProxyError(exc.status_code, code, str(exc.detail)))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"])
        return error_response(ProxyError(400, 4000, f"invalid {where}: {first['msg']}"))

    app.add_exception_handler(ProxyError, proxy_error)
    app.add_exception_handler(CozeError, coze_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)


def create_proxy_app(
    coze: Union[AsyncCoze, ProxyConfig],
    *,
    bots: Sequence[str] = (),
    chatflows: Sequence[Tuple[Optional[str], str]] = (),
    allowed_origins: Sequence[str] = (),
    user_id_from: Optional[UserResolver] = None,
    secret: Union[str, bytes, None] = None,
    anonymous: bool = False,
    auth_for_user: Optional[Callable[[str], Auth]] = None,
    max_body_bytes: int = 32 * 1024,
    max_message_chars: int = 4000,
    rate_limit: Union[str, RateLimiter, None] = None,
    ip_rate_limit: Union[str, RateLimiter, None] = None,
    list_scan: int = 500,
    title: str = "Chat",
    max_upload_bytes: int = 10 * 1024 * 1024,
    upload_types: Sequence[str] = UPLOAD_TYPES,
    function_call_messages: bool = False,
) -> FastAPI:
    """The proxy as a FastAPI app.

    - `bots`: the only bot ids browsers may chat with; `chatflows`: the only chatflows, as
      `(app_id or None, workflow_id)` pairs (run by `POST /v1/workflows/chat`).
    - `allowed_origins`: sites that may call the proxy from the browser (CORS), besides its own origin.
    - End users: by default a token from `sign_user(user_id, secret)` in the `X-Cozekit-User` header or
      `cozekit_user` cookie; or your own `user_id_from(request)`. `anonymous=True` lets `POST /session`
      hand out signed ids to visitors nobody vouches for. Without `secret` a random one is made (tokens
      then die with the process).
    - `auth_for_user(user_id)`: a Coze auth per end user, e.g. `AsyncJWTAuth(..., session_name=user_id)`;
      otherwise every call uses `coze`'s own auth.
    - `rate_limit`, `ip_rate_limit`: token buckets for `POST /chat` per end user and per client IP,
      e.g. `"10/minute"` (or a `RateLimiter`); over the limit is 429 with `Retry-After`.
    - `list_scan`: how many of each bot's newest conversations `GET /conversations` reads to find the
      user's (Coze cannot filter them by user).
    - `max_upload_bytes`, `upload_types`: what `POST /files` accepts from visitors (size, media types).
    - `function_call_messages`: relay function_call/tool_response messages to widgets that ask
      (`isNeedFunctionCallMessage`); off, they stay on the server.
    """
    if not bots and not chatflows:
        raise ValueError("the proxy needs at least one allow-listed bot id or chatflow")
    for _app_id, workflow_id in chatflows:
        if not workflow_id:
            raise ValueError("a chatflow needs its workflow_id")
    if list_scan < 1:
        raise ValueError("list_scan must be at least 1")
    owns_client = isinstance(coze, ProxyConfig)
    client = AsyncCoze(auth=coze.auth, base_url=coze.base_url) if isinstance(coze, ProxyConfig) else coze
    signer = SignedUser(secret if secret is not None else secrets.token_bytes(32))
    resolvers: List[UserResolver] = [user_id_from] if user_id_from is not None else []
    if user_id_from is None or anonymous:
        resolvers.append(signer)
    proxy = _Proxy(
        client,
        bots,
        [chatflow_key(app_id, workflow_id) for app_id, workflow_id in chatflows],
        resolvers,
        signer,
        anonymous,
        auth_for_user,
        allowed_origins,
        max_body_bytes,
        max_message_chars,
        [
            (kind, limiter)
            for kind, limiter in (("user", as_limiter(rate_limit)), ("ip", as_limiter(ip_rate_limit)))
            if limiter is not None
        ],
        list_scan,
    )
    proxy.max_upload_bytes = max_upload_bytes
    proxy.upload_types = frozenset(upload_types)
    proxy.function_call_messages = function_call_messages
    widget_js = _widget_bundle()
    demo_html = _static("demo.html")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_client:
            await client.close()

    app = FastAPI(
        title="cozekit chat proxy", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.proxy = proxy
    _install_errors(app)
    if allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(proxy.allowed_origins),
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Content-Type", HEADER_NAME],
            allow_credentials=True,
            expose_headers=["x-tt-logid", "retry-after"],
            max_age=600,
        )

    @app.get("/", include_in_schema=False)
    async def demo_page() -> HTMLResponse:
        first = sorted(proxy.bots)[0] if proxy.bots else ""
        flow = (None, "") if first or not chatflows else chatflows[0]
        page = demo_html.replace("{{bot_id}}", html.escape(first))
        page = page.replace("{{app_id}}", html.escape(flow[0] or ""))
        page = page.replace("{{workflow_id}}", html.escape(flow[1]))
        return HTMLResponse(page.replace("{{title}}", html.escape(title)))

    @app.get("/widget.js", include_in_schema=False)
    async def widget() -> Response:
        headers = {"cache-control": "public, max-age=300"}
        return Response(widget_js, media_type="text/javascript; charset=utf-8", headers=headers)

    @app.post("/session")
    async def session(request: Request) -> JSONResponse:
        """An anonymous visitor's signed id (only with `anonymous=True`)."""
        proxy.check_origin(request)
        if not proxy.anonymous:
            raise ProxyError(403, 4101, "anonymous visitors may not chat: the site must sign a user token")
        token = proxy.signer.sign(new_anonymous_id(), ttl=ANONYMOUS_TTL)
        return JSONResponse({"user_token": token, "expires_in": ANONYMOUS_TTL})

    @app.post("/conversations")
    async def create_conversation(request: Request) -> JSONResponse:
        proxy.check_origin(request)
        body = await proxy.read(request, ConversationBody)
        target = body.key()
        proxy.check_target(target)
        user = await proxy.user(request)
        conversation_id = await proxy.new_conversation(proxy.client_for(user), user, target)
        answer = {"conversation_id": conversation_id, **body.model_dump(exclude_none=True)}
        return JSONResponse(answer)

    @app.get("/conversations")
    async def list_conversations(
        request: Request,
        bot_id: Optional[str] = Query(None, max_length=64),
        limit: int = Query(20, ge=1, le=50),
        cursor: Optional[str] = Query(None, max_length=128),
    ) -> JSONResponse:
        """The end user's conversations with the allow-listed bots (or one of them), newest first."""
        proxy.check_origin(request)
        if bot_id is not None:
            proxy.check_bot(bot_id)
        before = parse_cursor(cursor) if cursor else None
        if cursor and before is None:
            raise ProxyError(400, 4000, "invalid cursor: pass back the next_cursor of a previous page")
        user = await proxy.user(request)
        shown, next_cursor = await user_conversations(
            proxy.client_for(user),
            [bot_id] if bot_id is not None else proxy.bots,
            Mine(user, USER_KEY, BOT_KEY),
            limit=limit,
            before=before,
            max_scan=proxy.list_scan,
        )
        for bot, conversation in shown:
            proxy.owners.put(conversation.id, (user, bot))
        items: List[Dict[str, object]] = [
            {
                "id": c.id,
                "bot_id": bot,
                "name": c.name or "",
                "created_at": c.created_at,
                "updated_at": c.updated_at,
            }
            for bot, c in shown
        ]
        body = {"conversations": items, "has_more": next_cursor is not None, "next_cursor": next_cursor}
        return JSONResponse(body)

    @app.get("/conversations/{conversation_id}/messages")
    async def list_messages(
        request: Request,
        conversation_id: str,
        limit: int = Query(20, ge=1, le=50),
        before_id: Optional[str] = Query(None, max_length=64),
    ) -> JSONResponse:
        """The latest messages (questions and answers), oldest first."""
        kinds = ("question", "answer")
        proxy.check_origin(request)
        user = await proxy.user(request)
        client = proxy.client_for(user)
        target = await proxy.owned(client, conversation_id, user)
        bot_id, app_id, workflow_id = _parse_key(target)
        page = await client.conversations.messages.list(
            conversation_id=conversation_id, order="desc", limit=limit, before_id=before_id
        )
        shown: List[Dict[str, object]] = [
            {
                "id": m.id,
                "role": str(m.role),
                "type": str(m.type),
                "content": m.content,
                "content_type": str(m.content_type),
                "chat_id": m.chat_id or "",
                "created_at": m.created_at,
            }
            for m in reversed(page.items)
            if str(m.type) in kinds
        ]
        where = {"bot_id": bot_id} if bot_id else {"workflow_id": workflow_id, "app_id": app_id}
        return JSONResponse({**where, "messages": shown, "has_more": page.has_more})

    @app.delete("/conversations/{conversation_id}/messages/{message_id}")
    async def delete_message(request: Request, conversation_id: str, message_id: str) -> JSONResponse:
        """Delete one of the visitor's own messages (a question they sent) in their own conversation."""
        proxy.check_origin(request)
        user = await proxy.user(request)
        client = proxy.client_for(user)
        await proxy.owned(client, conversation_id, user)
        messages = client.conversations.messages
        try:
            found = await messages.retrieve(conversation_id=conversation_id, message_id=message_id)
        except CozeAPIError as exc:
            if exc.code not in _NOT_THEIRS | {4005}:  # 4005: no such message
                raise
            raise ProxyError(404, 4200, "message not found") from None
        if found.conversation_id != conversation_id or str(found.role) != "user":
            raise ProxyError(404, 4200, "message not found")
        await messages.delete(conversation_id=conversation_id, message_id=message_id)
        return JSONResponse({"id": message_id, "deleted": True})

    @app.get("/bots/{bot_id}")
    async def bot_info(request: Request, bot_id: str) -> JSONResponse:
        """What the widget shows before the first message: name, icon, opening line, suggested questions."""
        proxy.check_origin(request)
        proxy.check_bot(bot_id)
        user = await proxy.user(request)
        cached = proxy.bot_cache.get(bot_id)
        if cached is not None and cached[0] > time.monotonic():
            return JSONResponse(cached[1])
        bot = await proxy.client_for(user).bots.retrieve(bot_id=bot_id)
        onboarding = bot.onboarding_info
        info: Dict[str, object] = {
            "bot_id": bot_id,
            "name": bot.name or "",
            "icon_url": bot.icon_url or "",
            "description": bot.description or "",
            "prologue": (onboarding.prologue if onboarding else None) or "",
            "suggested_questions": [
                q for q in ((onboarding.suggested_questions if onboarding else None) or []) if q
            ],
        }
        proxy.bot_cache[bot_id] = (time.monotonic() + BOT_INFO_TTL, info)
        return JSONResponse(info)

    @app.patch("/conversations/{conversation_id}")
    async def rename_conversation(request: Request, conversation_id: str) -> JSONResponse:
        proxy.check_origin(request)
        body = await proxy.read(request, RenameBody)
        user = await proxy.user(request)
        client = proxy.client_for(user)
        await proxy.owned(client, conversation_id, user)
        found = await client.conversations.update(conversation_id=conversation_id, name=body.name)
        return JSONResponse({"id": conversation_id, "name": found.name or body.name})

    @app.delete("/conversations/{conversation_id}")
    async def delete_conversation(request: Request, conversation_id: str) -> JSONResponse:
        proxy.check_origin(request)
        user = await proxy.user(request)
        client = proxy.client_for(user)
        await proxy.owned(client, conversation_id, user)
        await client.conversations.delete(conversation_id=conversation_id)
        proxy.owners.put(conversation_id, ("", ""))
        return JSONResponse({"id": conversation_id, "deleted": True})

    @app.post("/conversations/{conversation_id}/messages/{message_id}/feedback")
    async def feedback(request: Request, conversation_id: str, message_id: str) -> JSONResponse:
        """Thumbs up (`like`), down (`unlike`, with optional reasons and comment) or neither (`null`)."""
        proxy.check_origin(request)
        body = await proxy.read(request, FeedbackBody)
        user = await proxy.user(request)
        client = proxy.client_for(user)
        await proxy.owned(client, conversation_id, user)
        feedbacks = client.conversations.messages.feedback
        if body.feedback_type is None:
            await feedbacks.delete(conversation_id=conversation_id, message_id=message_id)
        else:
            await feedbacks.create(
                conversation_id=conversation_id,
                message_id=message_id,
                feedback_type=body.feedback_type,
                reason_types=body.reason_types,
                comment=body.comment or None,
            )
        return JSONResponse({"message_id": message_id, "feedback_type": body.feedback_type})

    @app.post("/files")
    async def upload(request: Request, name: str = Query(min_length=1, max_length=255)) -> JSONResponse:
        """The raw file as the body, its media type as Content-Type, `?name=` its file name."""
        proxy.check_origin(request)
        user = await proxy.user(request)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind not in proxy.upload_types:
            raise ProxyError(415, 4000, f"this file type may not be uploaded: {kind or 'unknown'}")
        limit = proxy.max_upload_bytes
        declared = request.headers.get("content-length", "")
        too_big = f"the file is over {limit} bytes"
        if declared.isdigit() and int(declared) > limit:
            raise ProxyError(413, 4000, too_big)
        data = bytearray()
        async for chunk in request.stream():
            data += chunk
            if len(data) > limit:
                raise ProxyError(413, 4000, too_big)
        if not data:
            raise ProxyError(400, 4000, "the file is empty")
        file_name = _safe_file_name(name)
        proxy.check_rate(request, user)
        uploaded = await proxy.client_for(user).files.upload(file=(file_name, bytes(data)))
        item_type = "image" if kind.startswith("image/") else "file"
        proxy.files.put(uploaded.id, (user, item_type))  # only its uploader may send it, as what it is
        body = {"file_id": uploaded.id, "file_name": file_name, "bytes": len(data), "type": item_type}
        return JSONResponse(body)

    @app.post("/chat")
    async def chat(request: Request) -> Response:
        """Stream the bot's reply as SSE (Coze's event names, trimmed data; see docs/proxy.md)."""
        proxy.check_origin(request)
        body = await proxy.read(request, ChatBody)
        if not body.message.strip() and not body.attachments:
            raise ProxyError(400, 4000, "invalid message: send some text or a file")
        if len(body.message) > proxy.max_message_chars:
            raise ProxyError(400, 4000, f"the message is over {proxy.max_message_chars} characters")
        target = body.key()
        proxy.check_target(target)
        user = await proxy.user(request)
        for item in body.attachments:
            if proxy.files.get(item.file_id) != (user, item.type):
                raise ProxyError(404, 4200, "file not found: upload it again")
        proxy.check_rate(request, user)
        client = proxy.client_for(user)
        if body.conversation_id is None:
            conversation_id = await proxy.new_conversation(client, user, target)
        elif await proxy.owned(client, body.conversation_id, user) != target:
            raise ProxyError(404, 4200, "conversation not found")
        else:
            conversation_id = body.conversation_id
        if body.workflow_id is not None:
            # A chatflow runs as the proxy's (or the user's `auth_for_user`) identity; the
            # conversation, made by the proxy for this user, keeps each visitor's history apart.
            stream = await client.workflows.chat.stream(
                workflow_id=body.workflow_id,
                app_id=body.app_id,
                conversation_id=conversation_id,
                additional_messages=[_question(body)],
            )
        else:
            stream = await client.chat.stream(
                bot_id=target,
                user_id=user,
                conversation_id=conversation_id,
                additional_messages=[_question(body)],
            )
        log.info(
            "chat %s=%s user=%s conversation=%s logid=%s",
            "bot" if body.workflow_id is None else "workflow",
            body.workflow_id or target,
            _who(user),
            conversation_id,
            stream.logid,
        )
        headers = {"cache-control": "no-cache", "x-accel-buffering": "no", "x-tt-logid": stream.logid}
        return EventStreamResponse(
            relay(
                stream,
                proxy.streams,
                function_calls=body.show_function_calls and proxy.function_call_messages,
                chatflow=body.workflow_id is not None,
            ),
            media_type="text/event-stream",
            headers=headers,
        )

    return app
