"""Workspaces (list, create, rename), their members, and the current user."""

from typing import List, Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from ..core.base import Account
from ..routing import IdStr, current_account, ok, state_of

router = APIRouter(tags=["workspaces"])


class CreateBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    description: str
    icon_file_id: Optional[IdStr] = None
    coze_account_id: Optional[IdStr] = None
    owner_uid: Optional[IdStr] = None


class UpdateBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Optional[str] = None
    description: Optional[str] = None


class MemberIn(BaseModel):
    user_id: IdStr
    role_type: str


class AddMembersBody(BaseModel):
    users: List[MemberIn] = []


class RemoveMembersBody(BaseModel):
    user_ids: List[IdStr]


@router.get("/v1/workspaces", summary="List the caller's workspaces")
def list_workspaces(
    request: Request,
    page_num: int = Query(1),
    page_size: int = Query(20),
    enterprise_id: Optional[str] = Query(None),
    account: Account = Depends(current_account),
) -> Response:
    return ok(request, state_of(request).workspaces.list_workspaces(account, page_num, page_size))


@router.post("/v1/workspaces", summary="Create a team workspace")
def create_workspace(
    request: Request, body: CreateBody, account: Account = Depends(current_account)
) -> Response:
    made = state_of(request).workspaces.create(
        account, body.name, body.description, icon_file_id=body.icon_file_id, owner_uid=body.owner_uid
    )
    return ok(request, made)


@router.put("/v1/workspaces/{workspace_id}", summary="Rename a workspace or change its description")
def update_workspace(
    request: Request, workspace_id: IdStr, body: UpdateBody, account: Account = Depends(current_account)
) -> Response:
    state_of(request).workspaces.update(account, workspace_id, body.name, body.description)
    return ok(request)


@router.get("/v1/workspaces/{workspace_id}/members", summary="List a workspace's members")
def list_members(
    request: Request,
    workspace_id: IdStr,
    page_num: int = Query(1),
    page_size: int = Query(20),
    account: Account = Depends(current_account),
) -> Response:
    return ok(request, state_of(request).workspaces.list_members(account, workspace_id, page_num, page_size))


@router.post("/v1/workspaces/{workspace_id}/members", summary="Add members (they join at once)")
def add_members(
    request: Request, workspace_id: IdStr, body: AddMembersBody, account: Account = Depends(current_account)
) -> Response:
    users = [u.model_dump() for u in body.users]
    return ok(request, state_of(request).workspaces.add_members(account, workspace_id, users))


@router.delete("/v1/workspaces/{workspace_id}/members", summary="Remove members (JSON body)")
def remove_members(
    request: Request,
    workspace_id: IdStr,
    body: RemoveMembersBody,
    account: Account = Depends(current_account),
) -> Response:
    return ok(
        request, state_of(request).workspaces.remove_members(account, workspace_id, list(body.user_ids))
    )


@router.get("/v1/users/me", summary="The caller")
def users_me(request: Request, account: Account = Depends(current_account)) -> Response:
    return ok(request, state_of(request).accounts.me(account))
