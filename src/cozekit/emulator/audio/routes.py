"""Audio REST: voices (list, clone), speech, transcriptions, RTC rooms, live broadcasts."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from ..core.base import Account
from ..forms import read_form
from ..routing import IdStr, blank, current_account, ok, state_of

router = APIRouter(tags=["audio"])


@router.get("/v1/audio/voices", summary="List system and cloned voices")
def list_voices(
    request: Request,
    filter_system_voice: bool = Query(False),
    model_type: Optional[str] = Query(None),
    voice_state: Optional[str] = Query(None),
    page_num: int = Query(1),
    page_size: int = Query(100),
    account: Account = Depends(current_account),
) -> Response:
    data = state_of(request).audio.list_voices(
        account, filter_system_voice, blank(model_type), blank(voice_state), page_num, page_size
    )
    return ok(request, data)


@router.post("/v1/audio/voices/clone", summary="Clone (or retrain) a voice from a recording (multipart)")
async def clone_voice(request: Request, account: Account = Depends(current_account)) -> Response:
    data, fields = await read_form(request)
    assert data is not None
    values: Dict[str, Optional[str]] = {k: (v or None) for k, v in fields.items()}
    return ok(request, await run_in_threadpool(state_of(request).audio.clone, account, data, values))


class SpeechBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    input: str
    voice_id: IdStr
    response_format: Optional[str] = "mp3"
    speed: Optional[float] = 1.0
    sample_rate: Optional[int] = 24000
    emotion: Optional[str] = None
    emotion_scale: Optional[float] = None
    loudness_rate: Optional[int] = 0
    context_texts: Optional[str] = None


@router.post("/v1/audio/speech", summary="Synthesize speech; the body is the audio file")
async def create_speech(
    request: Request, body: SpeechBody, account: Account = Depends(current_account)
) -> Response:
    data, media_type = await run_in_threadpool(
        state_of(request).audio.speech,
        account,
        body.input,
        body.voice_id,
        body.response_format or "mp3",
        body.sample_rate or 24000,
        body.speed if body.speed is not None else 1.0,
        body.loudness_rate or 0,
        body.emotion,
        body.emotion_scale,
    )
    return Response(content=data, media_type=media_type)


@router.post("/v1/audio/transcriptions", summary="Transcribe one audio file (multipart, part `file`)")
async def create_transcription(request: Request, account: Account = Depends(current_account)) -> Response:
    data, _ = await read_form(request)
    assert data is not None
    return ok(request, await run_in_threadpool(state_of(request).audio.transcribe_upload, data))


class RoomBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    bot_id: IdStr
    conversation_id: Optional[IdStr] = None
    voice_id: Optional[IdStr] = None
    uid: Optional[str] = None
    workflow_id: Optional[IdStr] = None
    config: Optional[Dict[str, Any]] = None


@router.post("/v1/audio/rooms", summary="Create an RTC room for a bot")
def create_room(request: Request, body: RoomBody, account: Account = Depends(current_account)) -> Response:
    room = state_of(request).audio.create_room(
        account, body.bot_id, blank(body.conversation_id), blank(body.voice_id), blank(body.uid), body.config
    )
    return ok(request, room)


@router.get("/v1/audio/live/{live_id}", summary="A live broadcast's RTC app and streams")
def retrieve_live(request: Request, live_id: str, account: Account = Depends(current_account)) -> Response:
    return ok(request, state_of(request).live.retrieve(account, live_id))
