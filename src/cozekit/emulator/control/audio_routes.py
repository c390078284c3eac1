"""Control plane for audio: teach the emulator what a recording says; live broadcasts."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from ..core.errors import bad_request
from ..routing import ok, state_of
from ..seed import TOKEN

router = APIRouter(prefix="/_emulator", tags=["control"])
SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


class TranscriptBody(BaseModel):
    text: str
    audio_base64: Optional[str] = None
    sha256: Optional[str] = None


@router.post("/transcripts", summary="Register the text of a recording (base64 audio or its sha256)")
def register_transcript(request: Request, body: TranscriptBody) -> Response:
    audio = state_of(request).audio
    if body.audio_base64 is not None:
        try:
            data = base64.b64decode(body.audio_base64, validate=True)
        except (binascii.Error, ValueError):
            raise bad_request("audio_base64 is not valid base64") from None
        audio.register(data, body.text)
    elif body.sha256 and SHA256.match(body.sha256):
        audio.register_hash(body.sha256, body.text)
    else:
        raise bad_request("send audio_base64 or a sha256 hex digest")
    return ok(request, {"text": body.text})


class LiveBody(BaseModel):
    token: Optional[str] = None
    live_id: Optional[str] = None
    app_id: Optional[str] = None
    streams: Optional[List[Dict[str, Any]]] = None


@router.post("/audio/live", summary="A live broadcast for an account (its streams: origin and translations)")
def create_live(request: Request, body: LiveBody) -> Response:
    state = state_of(request)
    account = state.accounts.authenticate(body.token or TOKEN)
    if account is None:
        raise bad_request("unknown token")
    live = state.live.create(account, app_id=body.app_id, streams=body.streams, live_id=body.live_id)
    return ok(request, {**{k: v for k, v in live.items() if k != "id"}, "live_id": live["id"]})
