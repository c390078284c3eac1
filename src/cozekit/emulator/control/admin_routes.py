"""Control plane for the admin APIs: enterprises, custom channels and apps for an account, bill files,
holding copy tasks, templates."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from ..core.base import Account
from ..core.errors import bad_request
from ..routing import ok, state_of
from ..seed import TOKEN
from ..state import EmulatorState

router = APIRouter(prefix="/_emulator", tags=["control plane"])


class EnterpriseIn(BaseModel):
    token: Optional[str] = None
    name: str = "Test Enterprise"


class ConnectorIn(BaseModel):
    token: Optional[str] = None
    name: str = "Test Channel"
    device_keys: List[str] = []


class AppIn(BaseModel):
    token: Optional[str] = None
    workspace_id: Optional[str] = None
    name: str = "Test App"
    description: str = ""
    folder_id: str = ""
    published: bool = True
    connector_ids: List[str] = ["1024"]
    draft_changed: bool = False


class TemplateIn(BaseModel):
    template_id: Optional[str] = None
    name: str = "Test Template"
    entity_type: str = "agent"
    description: str = ""
    prompt: str = ""
    local_tools: List[Dict[str, Any]] = []


class HoldIn(BaseModel):
    hold: bool = True


def _account(state: EmulatorState, token: Optional[str]) -> Account:
    account = state.accounts.authenticate(token or TOKEN)
    if account is None:
        raise bad_request("unknown token")
    return account


@router.post("/enterprises", summary="Create an enterprise whose super admin is the token's account")
def create_enterprise(request: Request, body: EnterpriseIn) -> Response:
    state = state_of(request)
    return ok(request, state.enterprises.create_enterprise(_account(state, body.token), body.name))


@router.post("/connectors", summary="Create a custom channel owned by the token's account")
def create_connector(request: Request, body: ConnectorIn) -> Response:
    state = state_of(request)
    doc = state.connectors.create(_account(state, body.token), body.name, body.device_keys)
    return ok(request, {"connector_id": doc["id"]})


@router.get("/connectors/{connector_id}", summary="A custom channel: installs, bound devices, reviews")
def get_connector(request: Request, connector_id: str) -> Response:
    doc = state_of(request).connectors.get(connector_id)
    configs: Dict[str, Any] = {user: list(bound.values()) for user, bound in doc["user_configs"].items()}
    return ok(request, {**doc, "connector_id": doc["id"], "user_configs": configs})


@router.get("/commerce/bills/{task_id}.csv", summary="The file of a finished bill export task")
def bill_file(request: Request, task_id: str) -> Response:
    return PlainTextResponse(state_of(request).commerce.bill_file(task_id), media_type="text/csv")


@router.post("/apps", summary="Create an app (published unless published is false) in a workspace")
def create_app(request: Request, body: AppIn) -> Response:
    state = state_of(request)
    account = _account(state, body.token)
    workspace_id = body.workspace_id or state.accounts.workspace_ids(account)[0]
    fields = {"name": body.name, "description": body.description, "folder_id": body.folder_id}
    app = state.apps.create(
        account,
        workspace_id,
        fields,
        published=body.published,
        connector_ids=body.connector_ids,
        draft_changed=body.draft_changed,
    )
    return ok(request, {"app_id": app["id"], "workspace_id": workspace_id})


@router.put("/copy_tasks/hold", summary="Keep copy tasks in progress (true) or let them finish (false)")
def hold_copy_tasks(request: Request, body: HoldIn) -> Response:
    state_of(request).copy_tasks.hold(body.hold)
    return ok(request, {"hold": body.hold})


@router.post("/templates", summary="Create a template (agent or app) that every account can duplicate")
def create_template(request: Request, body: TemplateIn) -> Response:
    template = state_of(request).templates.create(**body.model_dump())
    return ok(request, {**{k: v for k, v in template.items() if k != "id"}, "template_id": template["id"]})
