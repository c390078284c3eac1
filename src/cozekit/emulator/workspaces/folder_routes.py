"""Folders: list and read over the API; created through the control plane (Coze has no create API)."""

from typing import Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from typing_extensions import Annotated

from ..core.base import Account
from ..core.errors import bad_request
from ..routing import IdStr, current_account, ok, state_of
from ..seed import TOKEN

router = APIRouter(tags=["folders"])


class FolderIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    token: Optional[str] = None
    workspace_id: IdStr
    name: str
    description: str = ""
    parent_folder_id: Optional[IdStr] = None
    folder_type: str = "development"


@router.get("/v1/folders", summary="List the folders under a parent (the workspace root by default)")
def list_folders(
    request: Request,
    workspace_id: Annotated[IdStr, Query()],
    folder_type: str = Query(...),
    parent_folder_id: Annotated[Optional[IdStr], Query()] = None,
    page_num: int = Query(1),
    page_size: int = Query(20),
    account: Account = Depends(current_account),
) -> Response:
    folders = state_of(request).folders
    return ok(
        request, folders.list(account, workspace_id, folder_type, parent_folder_id, page_num, page_size)
    )


@router.get("/v1/folders/{folder_id}", summary="A folder's details")
def retrieve_folder(
    request: Request, folder_id: IdStr, account: Account = Depends(current_account)
) -> Response:
    return ok(request, state_of(request).folders.retrieve(account, folder_id))


@router.post("/_emulator/folders", tags=["control plane"], summary="Create a folder as an account (no auth)")
def create_folder(request: Request, body: FolderIn) -> Response:
    state = state_of(request)
    account = state.accounts.authenticate(body.token or TOKEN)
    if account is None:
        raise bad_request("unknown token")
    folder = state.folders.create(
        account, body.workspace_id, body.name, body.description, body.parent_folder_id, body.folder_type
    )
    return ok(request, folder)
