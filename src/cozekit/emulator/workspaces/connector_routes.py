"""Channels: install in a workspace, bind devices, report a bot's review result."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict

from ..core.base import Account
from ..routing import IdStr, current_account, ok, state_of

router = APIRouter(tags=["connectors"])
CONNECTOR = "/v1/connectors/{connector_id}"


class InstallBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    workspace_id: Optional[IdStr] = None


class UserConfigsBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    configs: Optional[List[Dict[str, Any]]] = None
    user_id: Optional[IdStr] = None


class ReviewBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    audit_status: Optional[int] = None
    reason: Optional[str] = None


@router.post(CONNECTOR + "/install", summary="Add a channel to a workspace")
def install(
    request: Request, connector_id: IdStr, body: InstallBody, account: Account = Depends(current_account)
) -> Response:
    state_of(request).connectors.install(account, connector_id, body.workspace_id)
    return ok(request)


@router.post(CONNECTOR + "/user_configs", summary="Bind devices to a custom channel")
def bind_user_configs(
    request: Request, connector_id: IdStr, body: UserConfigsBody, account: Account = Depends(current_account)
) -> Response:
    state_of(request).connectors.bind_user_configs(account, connector_id, body.configs, body.user_id)
    return ok(request)


@router.put(CONNECTOR + "/bots/{bot_id}", summary="Report a channel's review of a published bot")
def review(
    request: Request,
    connector_id: IdStr,
    bot_id: IdStr,
    body: ReviewBody,
    account: Account = Depends(current_account),
) -> Response:
    state_of(request).connectors.review(account, connector_id, bot_id, body.audit_status, body.reason)
    return ok(request)
