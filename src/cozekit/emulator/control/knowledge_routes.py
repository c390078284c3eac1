"""Control plane for knowledge bases: web pages the emulator may "fetch" (it never uses the network),
the pace of document processing, and the stored bytes behind a document's `url`."""

from __future__ import annotations

import mimetypes
from typing import Optional

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from starlette.background import BackgroundTask

from ..core.errors import bad_request, not_found
from ..knowledge.ingest import FILE_ID
from ..routing import IdStr, ok, per_worker, state_of

router = APIRouter(prefix="/_emulator/knowledge", tags=["control plane"])


class WebPageIn(BaseModel):
    url: str
    content: str
    title: str = ""


class IngestionIn(BaseModel):
    hold: Optional[bool] = None
    step_delay_ms: Optional[int] = None


def _settings(request: Request) -> dict[str, object]:
    ingestor = state_of(request).knowledge.ingestor
    return {"hold": ingestor.held, "step_delay_ms": int(ingestor.step_delay * 1000)}


@router.post("/web_pages", summary="Register the content (HTML or text) served for a web page URL")
def register_web_page(request: Request, body: WebPageIn) -> Response:
    if not body.url.strip():
        raise bad_request("url is required")
    page = state_of(request).knowledge.register_web_page(body.url, body.content, body.title)
    return ok(request, {"url": page["url"]})


@router.get("/ingestion", summary="Document processing settings")
def get_ingestion(request: Request) -> Response:
    return ok(request, _settings(request))


@router.patch(
    "/ingestion",
    summary="Hold document processing, or slow each step down",
    dependencies=[Depends(per_worker)],
)
def set_ingestion(request: Request, body: IngestionIn) -> Response:
    ingestor = state_of(request).knowledge.ingestor
    if body.step_delay_ms is not None:
        if not 0 <= body.step_delay_ms <= 60_000:
            raise bad_request("step_delay_ms must be between 0 and 60000")
        ingestor.step_delay = body.step_delay_ms / 1000
    if body.hold is not None:
        ingestor.hold(body.hold)
    return ok(request, _settings(request))


@router.get("/documents/{document_id}/content", summary="The uploaded bytes of a document or image")
def document_content(request: Request, document_id: IdStr) -> Response:
    state = state_of(request)
    doc = state.store.get("kdocument", document_id)
    if doc is None:
        raise not_found("document_id", document_id)
    if doc["source_type"] == FILE_ID:
        stream = state.knowledge.blobs.open("file", str(doc["file_id"]))
    else:
        stream = state.knowledge.blobs.open("kdoc", document_id)
    if stream is None:
        raise not_found("document_id", document_id)
    kind = mimetypes.guess_type(f"x.{doc['type']}")[0] or "application/octet-stream"
    # streamed in chunks from the blob store (a file, an S3 object), never read whole; closed when done
    # or when the client goes away
    return StreamingResponse(
        stream,
        media_type=kind,
        headers={"content-length": str(stream.size)},
        background=BackgroundTask(stream.close),
    )
