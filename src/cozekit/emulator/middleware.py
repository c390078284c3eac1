"""The one ASGI middleware: a log id on every response, the control plane's guard, body-size limits,
unreadable bodies, injected faults, and a Coze envelope instead of a crash."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from typing import Awaitable, Callable, Dict, List, Optional

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .core.config import CONTROL_TOKEN_HEADER, EmulatorConfig
from .core.errors import (
    CozeErrors,
    EmulatorError,
    control_plane_refused,
    control_token_required,
    envelope_bytes,
    malformed_body,
)
from .core.ids import new_logid
from .core.injections import Fault, FaultBook
from .core.sse import frame

log = logging.getLogger("cozekit.emulator")
CONTROL_PREFIX = "/_emulator"
UPLOAD_PATH = "/v1/files/upload"
WORKFLOW_PATHS = ("/v1/workflow/", "/v1/workflows/")
DEFAULT_FAULT = {429: CozeErrors.RATE_LIMITED}
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
SIMPLE_TYPES = (b"text/plain", b"application/x-www-form-urlencoded", b"multipart/form-data")
"""Content types a browser sends cross-origin without asking first (a CORS "simple request")."""
LINKS = ("/_emulator/work_flow", "/_emulator/knowledge/documents/", "/_emulator/commerce/bills/")
"""Control-plane pages the public API hands out as links (debug_url, document and bill file URLs):
opened by GET without the control token, but still only from a known host and never cross-origin."""
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
"""`\\ud800`-`\\udfff` in JSON text: a surrogate, which must come in a high-low pair."""


class _Stop(Exception):
    """Raised through the app once a fault has ended (or cut) the response."""


HotPath = Callable[[Scope, Receive, Optional[bytes], Send], Awaitable[bool]]
"""`routing.FastRoutes`: answers a request without the framework's routing (True), or leaves it (False)."""


class EmulatorMiddleware:
    def __init__(
        self, app: ASGIApp, config: EmulatorConfig, faults: FaultBook, hot: Optional[HotPath] = None
    ) -> None:
        self.app = app
        self.config = config
        self.faults = faults
        self.hot = hot

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        logid = new_logid()
        scope.setdefault("state", {})["logid"] = logid
        started = False

        async def send_logged(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)["x-tt-logid"] = logid
            await send(message)

        async def reply(status: int, code: int, msg: str, headers: Optional[Dict[str, str]] = None) -> None:
            body = envelope_bytes(code, msg, logid)
            raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
            raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
            await send_logged({"type": "http.response.start", "status": status, "headers": raw})
            await send_logged({"type": "http.response.body", "body": body})

        path: str = scope["path"]
        if path.startswith(CONTROL_PREFIX):
            refusal = control_plane_refusal(scope, self.config)
            if refusal is not None:
                log.warning("control plane refused %s %s: %s", scope["method"], path, refusal.msg)
                await reply(refusal.http_status, refusal.code, refusal.msg)
                return
        fault = None
        if not path.startswith(CONTROL_PREFIX):
            fault = await self._apply_latency(self.faults.take(scope["method"], path))
            if fault is not None and fault.kind in ("http_error", "business_error"):
                await reply(*self._fault_reply(fault))
                return
        limit = _body_limit(self.config, path)
        too_large = (
            CozeErrors.FILE_TOO_LARGE("file size exceeds the limit", http_status=413)
            if path == UPLOAD_PATH
            else CozeErrors.BODY_TOO_LARGE()
        )
        length = _content_length(scope)
        if length is not None and length > limit:
            await reply(too_large.http_status, too_large.code, too_large.msg)
            return
        is_json = b"json" in _header(scope, b"content-type")
        body: Optional[bytes] = None
        read = receive
        if scope["method"] in BODY_METHODS and length is None and not is_json:
            receive = _counted(receive, limit, too_large)  # an upload streams: counted, never buffered
        elif scope["method"] in BODY_METHODS and is_json:
            body = await _read_limited(receive, limit)
            if body is None:
                await reply(too_large.http_status, too_large.code, too_large.msg)
                return
            if is_json and lone_surrogate(body):
                err = malformed_body()
                await reply(err.http_status, err.code, err.msg)
                return
            receive = replay(body, receive)
        outgoing = send_logged if fault is None else _faulty_send(send_logged, fault)
        try:
            # the hot path takes a request whose body (if any) was read above, never a streamed upload
            takes_body = body is not None or scope["method"] not in BODY_METHODS
            if self.hot is not None and takes_body and await self.hot(scope, read, body, outgoing):
                return
            await self.app(scope, receive, outgoing)
        except Exception as exc:
            if _stopped(exc):
                return
            if started:
                raise
            log.exception("emulator crashed on %s %s", scope["method"], path)
            crash = CozeErrors.SERVER_ERROR()
            await reply(crash.http_status, crash.code, crash.msg)

    @staticmethod
    async def _apply_latency(faults: List[Fault]) -> Optional[Fault]:
        other = None
        for fault in faults:
            if fault.kind == "latency":
                await asyncio.sleep(fault.latency_ms / 1000)
            else:
                other = fault
        return other

    @staticmethod
    def _fault_reply(fault: Fault) -> tuple[int, int, str, Dict[str, str]]:
        status = 200 if fault.kind == "business_error" else fault.status
        fallback = CozeErrors.SERVER_ERROR if status >= 500 or status == 200 else CozeErrors.PARAM_ERROR
        error = DEFAULT_FAULT.get(status, fallback)
        code, msg = error.code, error.msg
        headers = {"retry-after": str(fault.retry_after)} if fault.retry_after is not None else {}
        return status, fault.code if fault.code is not None else code, fault.msg or msg, headers


def _faulty_send(send: Send, fault: Fault) -> Send:
    """Let `after_events` SSE frames (or half a plain body) through, then cut or end the response."""
    passed = 0
    streaming = False
    mode = fault.kind

    async def faulty(message: Message) -> None:
        nonlocal passed, streaming, mode
        if message["type"] == "http.response.start":
            ctype = dict(message.get("headers") or []).get(b"content-type", b"")
            streaming = b"event-stream" in ctype
            if mode == "stream_error" and not streaming:
                mode = "none"
            await send(message)
            return
        if mode == "none" or message["type"] != "http.response.body":
            await send(message)
            return
        body: bytes = message.get("body", b"")
        if not streaming:  # a drop on a plain response: half the body, then hang up
            await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
            raise _Stop()
        frames = _frames(body)  # a write may carry several events: each counts
        for i in range(len(frames)):
            if passed < fault.after_events:
                passed += 1
                continue
            if i:
                await send({"type": "http.response.body", "body": b"".join(frames[:i]), "more_body": True})
            if mode == "stream_error":
                internal = CozeErrors.INTERNAL_ERROR
                err = {"code": fault.code or internal.code, "msg": fault.msg or internal.msg}
                await send({"type": "http.response.body", "body": frame("error", err), "more_body": False})
            raise _Stop()
        await send(message)

    return faulty


def _frames(body: bytes) -> List[bytes]:
    """The SSE events of one body message (each ending in a blank line); an empty message is one."""
    parts = body.split(b"\n\n")
    frames = [part + b"\n\n" for part in parts[:-1]]
    if parts[-1]:
        frames.append(parts[-1])
    return frames or [body]


def _stopped(exc: BaseException) -> bool:
    if isinstance(exc, _Stop):
        return True
    inner = getattr(exc, "exceptions", None)
    return bool(inner) and all(_stopped(e) for e in inner)  # type: ignore[union-attr]


def control_plane_refusal(scope: Scope, config: EmulatorConfig) -> Optional[EmulatorError]:
    """Why a control-plane request is refused, or None. Browser pages are kept out (a foreign `Origin`,
    or a body type a form can send), so are foreign host names (DNS rebinding), and with a control
    token configured, so is anyone without it. Nothing is read or changed before this check."""
    host = _host_name(_header(scope, b"host").decode("latin-1"))
    allowed = {*LOOPBACK_NAMES, *(_host_name(h) for h in config.allowed_hosts)}
    if host not in allowed:
        return control_plane_refused(f"host {host or '(none)'!r} is not a name this server answers to")
    origin = _header(scope, b"origin").decode("latin-1").rstrip("/")
    if origin:
        own = f"{scope.get('scheme', 'http')}://{_header(scope, b'host').decode('latin-1')}"
        if origin not in (own, *(o.lower().rstrip("/") for o in config.allowed_origins)):
            return control_plane_refused(f"cross-origin request from {origin!r}")
    media_type = _header(scope, b"content-type").split(b";")[0].strip()
    if scope["method"] in BODY_METHODS and media_type in SIMPLE_TYPES:
        return control_plane_refused(f"{media_type.decode()} body (send application/json)")
    token = config.control_token
    if token and not (scope["method"] == "GET" and scope["path"].startswith(LINKS)):
        sent = _header(scope, CONTROL_TOKEN_HEADER.lower().encode(), lower=False)
        if not hmac.compare_digest(sent, token.encode()):
            return control_token_required()
    return None


def _host_name(host: str) -> str:
    """`Host` without its port, lower-cased: `127.0.0.1:8000` -> `127.0.0.1`, `[::1]:80` -> `[::1]`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    if host.count(":") > 1:  # a bare IPv6 address, as a bind host may be given
        return f"[{host}]"
    return host.split(":", 1)[0]


def _body_limit(config: EmulatorConfig, path: str) -> int:
    """Uploads 512 MB, workflow APIs 20 MB, everything else 15 MB (doc pages coze_api_overview,
    upload_files, workflow_run), as configured."""
    if path == UPLOAD_PATH:
        return config.max_upload_bytes
    if path.startswith(WORKFLOW_PATHS):
        return config.max_workflow_body_bytes
    return config.max_body_bytes


def _header(scope: Scope, name: bytes, lower: bool = True) -> bytes:
    for key, value in scope.get("headers") or []:
        if key == name:
            return bytes(value).lower() if lower else bytes(value)
    return b""


def _content_length(scope: Scope) -> Optional[int]:
    try:
        return int(_header(scope, b"content-length"))
    except ValueError:
        return None


def lone_surrogate(body: bytes) -> bool:
    """True when a JSON body decodes to text with an unpaired surrogate (`"\\ud800"`): valid JSON, but not
    Unicode, so nothing could store or echo it. Other unreadable bodies are left to the app's parser."""
    if not SURROGATE_ESCAPE.search(body):
        return False
    try:
        decoded = json.loads(body)
        json.dumps(decoded, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except (ValueError, RecursionError):
        return False
    return False


async def _read_limited(receive: Receive, limit: int) -> Optional[bytes]:
    chunks: List[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _counted(original: Receive, limit: int, too_large: EmulatorError) -> Receive:
    """The connection's messages, with a running count of body bytes: past `limit`, the next read
    raises `too_large` (rendered as the Coze envelope), so a chunked body stops at the limit."""
    size = 0

    async def receive() -> Message:
        nonlocal size
        message = await original()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                raise too_large
        return message

    return receive


def replay(body: bytes, original: Receive) -> Receive:
    """The body read ahead, then the connection's own messages (the disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await original()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
