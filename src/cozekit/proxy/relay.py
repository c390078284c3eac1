"""Relaying a Coze chat stream to the browser: trimmed events, SSE framing, cancellation, errors.

The browser gets Coze's event names with only what a chat widget shows: no usage, bot configuration,
knowledge recalls or verbose packets, and tool calls only when both the proxy and the widget ask.
"""

from __future__ import annotations

import json
import logging
from typing import Any, AsyncIterator, Dict, Optional

import anyio
from starlette.responses import JSONResponse, StreamingResponse
from starlette.types import Receive, Scope, Send

from .._exceptions import APIConnectionError, CozeAPIError, CozeError
from .._streaming import AsyncStream
from ..types import ChatEvent, ChatEventType, ChatStreamEvent

__all__ = ["EventStreamResponse", "ProxyError", "error_response", "from_coze_error", "relay", "sse"]

log = logging.getLogger("cozekit.proxy")

# Message types a visitor may see; function_call, tool_response, knowledge and verbose stay server-side.
VISIBLE_TYPES = frozenset({"answer", "follow_up"})
FUNCTION_CALL_TYPES = frozenset({"function_call", "tool_response"})
_CHAT_EVENTS = {
    ChatEventType.CONVERSATION_CHAT_CREATED,
    ChatEventType.CONVERSATION_CHAT_IN_PROGRESS,
    ChatEventType.CONVERSATION_CHAT_COMPLETED,
    ChatEventType.CONVERSATION_CHAT_FAILED,
}
_MESSAGE_EVENTS = {ChatEventType.CONVERSATION_MESSAGE_DELTA, ChatEventType.CONVERSATION_MESSAGE_COMPLETED}


class ProxyError(Exception):
    """An error answered as JSON `{"code", "msg", "logid"}` with an HTTP status."""

    def __init__(
        self, status: int, code: int, msg: str, logid: str = "", headers: Optional[Dict[str, str]] = None
    ) -> None:
        super().__init__(msg)
        self.status, self.code, self.msg, self.logid = status, code, msg, logid
        self.headers = headers or {}


def from_coze_error(err: CozeError) -> ProxyError:
    """Coze's code, message and logid; the status is Coze's 4xx/5xx, else 502 (Coze answered 200, or our
    own credential was refused: that is the server's problem, not the visitor's)."""
    if isinstance(err, CozeAPIError):
        status = err.status_code or 0
        if not 400 <= status < 600 or status in (401, 403):
            status = 502
        return ProxyError(status, err.code, err.msg, err.logid)
    if isinstance(err, APIConnectionError):
        return ProxyError(502, 5000, "Coze could not be reached")
    return ProxyError(502, 5000, "unexpected answer from Coze")


def error_response(err: ProxyError) -> JSONResponse:
    headers = {**err.headers, "x-tt-logid": err.logid} if err.logid else err.headers
    body = {"code": err.code, "msg": err.msg, "logid": err.logid}
    return JSONResponse(body, status_code=err.status, headers=headers)


def sse(event: str, data: Any) -> bytes:
    return f"event:{event}\ndata:{json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n".encode()


def trim(event: ChatEvent, function_calls: bool = False) -> Optional[Dict[str, Any]]:
    """The widget's view of one event, or None to drop it (function_call and tool_response messages
    only with `function_calls`)."""
    if event.event in _CHAT_EVENTS and event.chat is not None:
        chat = event.chat
        out: Dict[str, Any] = {
            "id": chat.id,
            "conversation_id": chat.conversation_id,
            "status": str(chat.status),
        }
        if event.event == ChatEventType.CONVERSATION_CHAT_FAILED and chat.last_error is not None:
            out["last_error"] = {"code": chat.last_error.code, "msg": chat.last_error.msg}
        return out
    if event.event in _MESSAGE_EVENTS and event.message is not None:
        msg = event.message
        visible = VISIBLE_TYPES | FUNCTION_CALL_TYPES if function_calls else VISIBLE_TYPES
        if str(msg.role) not in ("assistant", "tool") or str(msg.type) not in visible:
            return None
        return {
            "id": msg.id,
            "chat_id": msg.chat_id,
            "type": str(msg.type),
            "content": msg.content,
            "content_type": str(msg.content_type),
        }
    return None


class StreamCounter:
    """How many upstream chat streams are open (for tests and health checks)."""

    def __init__(self) -> None:
        self.open = 0


async def relay(
    stream: AsyncStream[ChatStreamEvent],
    counter: StreamCounter,
    *,
    function_calls: bool = False,
    chatflow: bool = False,
) -> AsyncIterator[bytes]:
    """SSE frames for the browser; an error mid-stream becomes an `error` event with its logid. The
    upstream stream is closed however this ends, including when the browser goes away. A chatflow's
    `requires_action` (a question node, whose question was the answer) ends the turn: the visitor's
    next message answers it."""
    counter.open += 1
    outcome = "cancelled"
    try:
        async for event in stream:
            if event.event == ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION and chatflow:
                outcome = "question"
                yield sse("done", "[DONE]")
                return
            if event.event == ChatEventType.CONVERSATION_CHAT_REQUIRES_ACTION:
                msg = "the bot needs a local plugin, which the web widget cannot run"
                yield sse("error", {"code": 4000, "msg": msg, "logid": stream.logid})
                outcome = "requires_action"
                return
            data = trim(event, function_calls)
            if data is not None:
                yield sse(str(event.event), data)
        outcome = "done"
        yield sse("done", "[DONE]")
    except CozeError as exc:
        err = from_coze_error(exc)
        outcome = f"error {err.code}"
        yield sse("error", {"code": err.code, "msg": err.msg, "logid": err.logid or stream.logid})
    finally:
        with anyio.CancelScope(shield=True):
            await stream.close()
        counter.open -= 1
        log.info("chat stream closed: %s (logid %s)", outcome, stream.logid)


class EventStreamResponse(StreamingResponse):
    """A streamed response that stops, and closes its iterator, as soon as the client disconnects."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async with anyio.create_task_group() as group:

            async def watch() -> None:
                await self.listen_for_disconnect(receive)
                group.cancel_scope.cancel()

            group.start_soon(watch)
            try:
                await self.stream_response(send)
            except OSError:
                pass  # the client went away mid-write
            finally:
                group.cancel_scope.cancel()
                aclose = getattr(self.body_iterator, "aclose", None)
                if aclose is not None:
                    with anyio.CancelScope(shield=True):
                        await aclose()
