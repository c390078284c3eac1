"""Control-plane faults on WebSocket endpoints (matched as `GET <path>`):

- `latency`: waits before the handshake;
- `http_error`: refuses the handshake with `status` and a Coze envelope;
- `business_error` / `stream_error`: after `after_events` downlink events, an `error` event
  (`code`, default 5000) and a normal close;
- `drop`: after `after_events` downlink events, the server closes with 1011 (an abnormal close that
  clients may reconnect after).
"""

from __future__ import annotations

import asyncio
from typing import Optional, Tuple

from fastapi import WebSocket
from fastapi.responses import JSONResponse

from ..core.errors import envelope_body
from ..core.injections import Fault, FaultBook
from ..middleware import EmulatorMiddleware

SESSION_KINDS = ("business_error", "stream_error", "drop")


async def handshake_fault(ws: WebSocket, faults: FaultBook, logid: str) -> Tuple[bool, Optional[Fault]]:
    """(whether the handshake may go on, the fault the session must apply later)."""
    session_fault = None
    for fault in faults.take("GET", ws.url.path):
        if fault.kind == "latency":
            await asyncio.sleep(fault.latency_ms / 1000)
        else:
            session_fault = fault
    if session_fault is not None and session_fault.kind == "http_error":
        status, code, msg, headers = EmulatorMiddleware._fault_reply(session_fault)
        body = envelope_body(code, msg, logid)
        await ws.send_denial_response(
            JSONResponse(body, status_code=status, headers={**headers, "x-tt-logid": logid})
        )
        return False, None
    if session_fault is not None and session_fault.kind not in SESSION_KINDS:
        session_fault = None
    return True, session_fault
