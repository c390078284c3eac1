"""Workspaces and the current user."""

from typing import Optional

from fastapi import APIRouter, Depends, Query, Request, Response

from ..backends.base import Account
from ._common import current_account, ok, state_of

router = APIRouter(tags=["workspaces"])


@router.get("/v1/workspaces", summary="List the caller's workspaces")
async def list_workspaces(
    request: Request,
    page_num: int = Query(1),
    page_size: int = Query(20),
    enterprise_id: Optional[str] = Query(None),
    account: Account = Depends(current_account),
) -> Response:
    return ok(request, state_of(request).accounts.list_workspaces(account, page_num, page_size))


@router.get("/v1/users/me", summary="The caller")
async def users_me(request: Request, account: Account = Depends(current_account)) -> Response:
    return ok(request, state_of(request).accounts.me(account))
