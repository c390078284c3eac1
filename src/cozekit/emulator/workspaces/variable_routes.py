"""User variables of a published bot, per end user (`connector_uid`) and channel."""

from typing import List, Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from typing_extensions import Annotated

from ..core.base import Account
from ..routing import IdStr, current_account, ok, state_of

router = APIRouter(tags=["variables"])


class Pair(BaseModel):
    keyword: str
    value: str


class UpdateBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    app_id: Optional[IdStr] = None
    bot_id: Optional[IdStr] = None
    connector_id: Optional[IdStr] = None
    connector_uid: Optional[str] = None
    data: List[Pair]


@router.get("/v1/variables", summary="Read an end user's variable values")
def read_variables(
    request: Request,
    connector_uid: Optional[str] = Query(None),
    app_id: Annotated[Optional[IdStr], Query()] = None,
    bot_id: Annotated[Optional[IdStr], Query()] = None,
    connector_id: Annotated[Optional[IdStr], Query()] = None,
    keywords: Optional[str] = Query(None),
    account: Account = Depends(current_account),
) -> Response:
    data = state_of(request).variables.read(account, app_id, bot_id, connector_id, connector_uid, keywords)
    return ok(request, data)


@router.put("/v1/variables", summary="Set an end user's variable values")
def update_variables(
    request: Request, body: UpdateBody, account: Account = Depends(current_account)
) -> Response:
    pairs = [p.model_dump() for p in body.data]
    state_of(request).variables.update(
        account, body.app_id, body.bot_id, body.connector_id, body.connector_uid, pairs
    )
    return ok(request)
