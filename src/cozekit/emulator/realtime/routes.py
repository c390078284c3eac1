"""The WebSocket endpoints. The handshake authenticates like REST (`Authorization: Bearer ...`, or the
`authorization` query parameter browsers use); a refused handshake is HTTP 401 with a Coze envelope
and `x-tt-logid`."""

from __future__ import annotations

from typing import Optional, Type

from fastapi import APIRouter, WebSocket
from fastapi.responses import JSONResponse

from ..core.base import Account
from ..core.errors import CozeErrors, envelope_body
from ..core.ids import new_logid
from ..core.offload import OFFLOAD
from ..state import EmulatorState
from .chat import ChatSession
from .faults import handshake_fault
from .services import RealtimeServices
from .session import Session
from .simult_interpretation import SimultInterpretationSession
from .speech import SpeechSession
from .transcriptions import TranscriptionsSession

router = APIRouter(tags=["realtime"])


def _token(ws: WebSocket) -> str:
    raw = ws.headers.get("authorization") or ws.query_params.get("authorization") or ""
    scheme, _, token = raw.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _account(state: EmulatorState, token: str) -> Optional[Account]:
    """The token's account (store reads: a worker thread)."""
    if not token:
        return None
    return state.accounts.authenticate(token) or state.oauth.authenticate(token)


def _services(state: EmulatorState) -> RealtimeServices:
    return RealtimeServices(
        config=state.config,
        audio=state.audio,
        voiceprints=state.voiceprints,
        bots=state.bots,
        conversations=state.conversations,
        messages=state.messages,
        chats=state.chats,
        engine=state.engine,
        chatflows=state.chatflows,
    )


async def _serve(ws: WebSocket, kind: Type[Session]) -> None:
    state: EmulatorState = ws.app.state.emulator
    logid = new_logid()
    account = await OFFLOAD.run(_account, state, _token(ws))
    if account is None:
        denied = CozeErrors.UNAUTHENTICATED()
        body = envelope_body(denied.code, denied.msg, logid)
        await ws.send_denial_response(
            JSONResponse(body, status_code=denied.http_status, headers={"x-tt-logid": logid})
        )
        return
    proceed, fault = await handshake_fault(ws, state.faults, logid)
    if proceed:
        await kind(ws, _services(state), account, logid, fault).run()


@router.websocket("/v1/chat")
async def chat(ws: WebSocket) -> None:
    await _serve(ws, ChatSession)


@router.websocket("/v1/audio/speech")
async def speech(ws: WebSocket) -> None:
    await _serve(ws, SpeechSession)


@router.websocket("/v1/audio/transcriptions")
async def transcriptions(ws: WebSocket) -> None:
    await _serve(ws, TranscriptionsSession)


@router.websocket("/v1/audio/simult_interpretation")
async def simult_interpretation(ws: WebSocket) -> None:
    await _serve(ws, SimultInterpretationSession)
