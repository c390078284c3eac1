"""What every WebSocket session shares: the event envelope, serialized sends, the receive loop and
error events. Uplink events are routed to `on_<event_type>` methods (dots become underscores)."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional

from starlette.websockets import WebSocket, WebSocketDisconnect

from ..core.base import Account
from ..core.errors import CozeErrors, EmulatorError, malformed_body
from ..core.injections import Fault
from ..middleware import lone_surrogate
from . import pacing
from .services import RealtimeServices

log = logging.getLogger("cozekit.emulator")
Handler = Callable[[Dict[str, Any]], Awaitable[None]]


class Closed(Exception):
    """The client went away while the session was sending."""


class Session:
    created_event = ""
    """Sent right after the handshake (`chat.created`, `speech.created`...)."""
    for_channels = False
    """Whether a channel token (JWT with a bot-chat `scope`) may open it: only `/v1/chat` (as on REST)."""

    def __init__(
        self,
        ws: WebSocket,
        services: RealtimeServices,
        account: Account,
        logid: str,
        fault: Optional[Fault] = None,
    ) -> None:
        self.ws = ws
        self.services = services
        self.account = account
        self.logid = logid
        self.fault = fault
        """A control-plane fault to play after `fault.after_events` downlink events."""
        self.sent = 0
        self._send_lock = asyncio.Lock()
        self.closed = False

    async def emit(self, event_type: str, data: Optional[Any] = None) -> None:
        """One downlink frame: a fresh id, the event type, data when there is any, and the detail."""
        frame: Dict[str, Any] = {"id": str(uuid.uuid4()), "event_type": event_type}
        if data is not None:
            frame["data"] = data
        frame["detail"] = {"logid": self.logid, "respond_at": str(int(pacing.clock.now() * 1000))}
        text = json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
        async with self._send_lock:
            if self.closed:
                raise Closed()
            try:
                if self.fault is not None and self.sent >= self.fault.after_events:
                    await self._play_fault(self.fault)
                await self.ws.send_text(text)
                self.sent += 1
            except (WebSocketDisconnect, RuntimeError, OSError) as exc:
                self.closed = True
                raise Closed() from exc

    async def _play_fault(self, fault: Fault) -> None:
        self.fault = None
        if fault.kind != "drop":
            internal = CozeErrors.INTERNAL_ERROR
            error = {"code": fault.code or internal.code, "msg": fault.msg or internal.msg}
            frame = {"id": str(uuid.uuid4()), "event_type": "error", "data": error}
            frame["detail"] = {"logid": self.logid, "respond_at": str(int(pacing.clock.now() * 1000))}
            await self.ws.send_text(json.dumps(frame, ensure_ascii=False, separators=(",", ":")))
        await self.ws.close(1011 if fault.kind == "drop" else 1000)
        self.closed = True
        raise Closed()

    async def error(self, code: int, msg: str) -> None:
        await self.emit("error", {"code": code, "msg": msg})

    async def opened(self) -> None:
        """Runs after the handshake; raise EmulatorError to refuse the session with an error event."""
        if self.account.scoped and not self.for_channels:
            raise CozeErrors.NO_PERMISSION()
        await self.emit(self.created_event)

    async def finished(self) -> None:
        """Runs when the connection ends: stop background work."""

    async def run(self) -> None:
        await self.ws.accept(headers=[(b"x-tt-logid", self.logid.encode())])
        try:
            try:
                await self.opened()
            except EmulatorError as err:
                await self.error(err.code, err.msg)
                await self.ws.close(1000)
                return
            while True:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                await self._handle(message.get("text"), message.get("bytes"))
        except (WebSocketDisconnect, Closed):
            pass
        finally:
            self.closed = True
            await self.finished()

    async def _handle(self, text: Optional[str], raw: Optional[bytes]) -> None:
        if text is None:
            await self.error(CozeErrors.PARAM_ERROR.code, "send text frames with one JSON event each")
            return
        try:
            event = json.loads(text)
            if not isinstance(event, dict):
                raise ValueError("not an object")
        except ValueError:
            await self.error(CozeErrors.PARAM_ERROR.code, "the frame is not a JSON event")
            return
        if lone_surrogate(text.encode("utf-8", "surrogatepass")):
            err = malformed_body()
            await self.error(err.code, err.msg)
            return
        event_type = event.get("event_type")
        handler = getattr(self, "on_" + str(event_type).replace(".", "_"), None)
        if not isinstance(event_type, str) or handler is None:
            await self.error(
                CozeErrors.PARAM_ERROR.code, f"unsupported event_type {event_type!r} on this endpoint"
            )
            return
        data = event.get("data")
        if data is not None and not isinstance(data, dict):
            await self.error(CozeErrors.PARAM_ERROR.code, f"{event_type}: data must be an object")
            return
        try:
            await handler(data or {})
        except EmulatorError as err:
            await self.error(err.code, err.msg)
        except (KeyError, TypeError, ValueError) as exc:
            await self.error(CozeErrors.PARAM_ERROR.code, f"{event_type}: invalid data ({exc})")
