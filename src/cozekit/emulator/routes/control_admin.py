"""Control plane for the admin APIs: enterprises for an account."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from ..errors import bad_request
from ..seed import TOKEN
from ._common import ok, state_of

router = APIRouter(prefix="/_emulator", tags=["control plane"])


class EnterpriseIn(BaseModel):
    token: Optional[str] = None
    name: str = "Test Enterprise"


@router.post("/enterprises", summary="Create an enterprise whose super admin is the token's account")
async def create_enterprise(request: Request, body: EnterpriseIn) -> Response:
    state = state_of(request)
    account = state.accounts.authenticate(body.token or TOKEN)
    if account is None:
        raise bad_request("unknown token")
    return ok(request, state.enterprises.create_enterprise(account, body.name))
