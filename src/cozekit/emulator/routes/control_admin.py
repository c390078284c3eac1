"""Control plane for the admin APIs: enterprises and custom channels for an account, bill files."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from ..backends.base import Account
from ..errors import bad_request
from ..seed import TOKEN
from ..state import EmulatorState
from ._common import ok, state_of

router = APIRouter(prefix="/_emulator", tags=["control plane"])


class EnterpriseIn(BaseModel):
    token: Optional[str] = None
    name: str = "Test Enterprise"


class ConnectorIn(BaseModel):
    token: Optional[str] = None
    name: str = "Test Channel"
    device_keys: List[str] = []


def _account(state: EmulatorState, token: Optional[str]) -> Account:
    account = state.accounts.authenticate(token or TOKEN)
    if account is None:
        raise bad_request("unknown token")
    return account


@router.post("/enterprises", summary="Create an enterprise whose super admin is the token's account")
async def create_enterprise(request: Request, body: EnterpriseIn) -> Response:
    state = state_of(request)
    return ok(request, state.enterprises.create_enterprise(_account(state, body.token), body.name))


@router.post("/connectors", summary="Create a custom channel owned by the token's account")
async def create_connector(request: Request, body: ConnectorIn) -> Response:
    state = state_of(request)
    doc = state.connectors.create(_account(state, body.token), body.name, body.device_keys)
    return ok(request, {"connector_id": doc["id"]})


@router.get("/connectors/{connector_id}", summary="A custom channel: installs, bound devices, reviews")
async def get_connector(request: Request, connector_id: str) -> Response:
    doc = state_of(request).connectors.get(connector_id)
    configs: Dict[str, Any] = {user: list(bound.values()) for user, bound in doc["user_configs"].items()}
    return ok(request, {**doc, "connector_id": doc["id"], "user_configs": configs})


@router.get("/commerce/bills/{task_id}.csv", summary="The file of a finished bill export task")
async def bill_file(request: Request, task_id: str) -> Response:
    return PlainTextResponse(state_of(request).commerce.bill_file(task_id), media_type="text/csv")
