"""The ceiling's FastAPI app (see `_ceiling`): every route answers bytes captured from the emulator.

No `from __future__ import annotations` here: FastAPI reads the handlers' annotations at run time, and
the handlers are local to `build`.
"""

from typing import Any, AsyncIterator, Dict, List

from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse

JSON = "application/json"


def build(bodies: Dict[str, Any]) -> FastAPI:
    app = FastAPI()
    raw = {k: v.encode() for k, v in bodies.items() if isinstance(v, str)}
    frames: List[bytes] = [f.encode() for f in bodies.get("stream", [])]

    async def events() -> AsyncIterator[bytes]:
        for frame in frames:
            yield frame

    @app.get("/_ready")
    async def ready() -> Response:
        return Response(b'{"code":0}', media_type=JSON)

    @app.get("/v1/conversation/retrieve")
    async def retrieve(conversation_id: str) -> Response:
        return Response(raw["retrieve"], media_type=JSON)

    @app.post("/v1/conversation/create")
    async def create(request: Request) -> Response:
        await request.body()
        return Response(raw["conversation_create"], media_type=JSON)

    @app.post("/v3/chat")
    async def chat(request: Request) -> Response:
        body = await request.body()
        if b'"stream":true' in body:
            return StreamingResponse(events(), media_type="text/event-stream")
        return Response(raw["chat"], media_type=JSON)

    @app.post("/v1/conversation/message/create")
    async def message_create(request: Request, conversation_id: str) -> Response:
        await request.body()
        return Response(raw["message_create"], media_type=JSON)

    @app.post("/v1/conversation/message/list")
    async def message_list(request: Request, conversation_id: str) -> Response:
        await request.body()
        return Response(raw["message_list"], media_type=JSON)

    return app
