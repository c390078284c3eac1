"""Files: multipart upload (one part named `file`), streamed to disk, and retrieve."""

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from typing_extensions import Annotated

from ..core.base import Account
from ..routing import IdStr, current_account, ok, state_of
from .backend import check_file_name, render_file
from .upload import discard, receive_upload

router = APIRouter(tags=["files"])


@router.post("/v1/files/upload", summary="Upload a file (multipart, part `file`)")
async def upload_file(request: Request, account: Account = Depends(current_account)) -> Response:
    state = state_of(request)
    content_type = request.headers.get("content-type", "")
    limit = state.config.max_upload_bytes
    name, writer = await receive_upload(
        request.stream(), content_type, state.files.blobs, limit, check_file_name
    )
    try:
        doc = await run_in_threadpool(state.files.keep, account, name, writer)
    except BaseException:
        await discard(writer)
        raise
    return ok(request, render_file(doc))


@router.get("/v1/files/retrieve", summary="Retrieve a file's metadata")
def retrieve_file(
    request: Request, file_id: Annotated[IdStr, Query()], account: Account = Depends(current_account)
) -> Response:
    return ok(request, render_file(state_of(request).files.get(account, file_id)))
