"""Files: multipart upload (one part named `file`) and retrieve."""

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.datastructures import UploadFile
from typing_extensions import Annotated

from ..core.base import Account
from ..core.errors import CozeErrors
from ..routing import IdStr, current_account, ok, state_of
from .backend import render_file

router = APIRouter(tags=["files"])


@router.post("/v1/files/upload", summary="Upload a file (multipart, part `file`)")
async def upload_file(request: Request, account: Account = Depends(current_account)) -> Response:
    state = state_of(request)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise CozeErrors.FILE_MISSING(
            "no file in the request: send multipart/form-data with a part named file"
        )
    form = await request.form()
    parts = [(key, value) for key, value in form.multi_items() if isinstance(value, UploadFile)]
    if not parts:
        raise CozeErrors.FILE_MISSING("no file in the request: send a part named file")
    if len(parts) > 1:
        raise CozeErrors.TOO_MANY_FILES(count=len(parts))
    key, upload = parts[0]
    if key != "file":
        raise CozeErrors.FILE_MISSING(f"the file must be in the part named file, not {key!r}")
    limit = state.config.max_upload_bytes
    if upload.size is not None and upload.size > limit:
        raise CozeErrors.FILE_TOO_LARGE(limit=limit)
    data = await upload.read()
    doc = state.files.upload(account, upload.filename or "", data, limit)
    return ok(request, render_file(doc))


@router.get("/v1/files/retrieve", summary="Retrieve a file's metadata")
def retrieve_file(
    request: Request, file_id: Annotated[IdStr, Query()], account: Account = Depends(current_account)
) -> Response:
    return ok(request, render_file(state_of(request).files.get(account, file_id)))
