"""Apps (the workspace's app list, collaborators), copy tasks for bots, apps and workflows, and
duplicating templates."""

from __future__ import annotations

from typing import Any, List, Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from typing_extensions import Annotated

from ..collaboration_routes import collaborator_routes
from ..core.base import Account
from ..routing import IdStr, blank, current_account, ok, state_of

router = APIRouter(tags=["apps"])


class CollaboratorsBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    collaborators: Optional[List[Any]] = None


class CopyBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    entity_id: Optional[IdStr] = None
    entity_type: Optional[str] = None
    to_workspace_id: Optional[IdStr] = None


@router.get("/v1/apps", summary="A workspace's apps")
def list_apps(
    request: Request,
    workspace_id: Annotated[Optional[IdStr], Query()] = None,
    publish_status: Optional[str] = Query(None),
    connector_id: Optional[str] = Query(None),
    page_num: Optional[int] = Query(None),
    page_index: Optional[int] = Query(None),
    page_size: int = Query(20),
    account: Account = Depends(current_account),
) -> Response:
    page = page_num or page_index or 1
    data = state_of(request).apps.list(
        account, blank(workspace_id), blank(publish_status), blank(connector_id), page, page_size
    )
    return ok(request, data)


@router.post("/v1/apps/{app_id}/collaborators", summary="Add an app collaborator")
def add_collaborator(
    request: Request, app_id: IdStr, body: CollaboratorsBody, account: Account = Depends(current_account)
) -> Response:
    state_of(request).apps.add_collaborators(account, app_id, body.collaborators)
    return ok(request)


collaborator_routes(
    router,
    "/v1/apps/{app_id}",
    "app_id",
    lambda state: state.apps,
    "an app collaborator",
    add=False,
    mode=False,
)


class DuplicateBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    workspace_id: Optional[IdStr] = None
    name: Optional[str] = None


@router.post("/v1/templates/{template_id}/duplicate", summary="Copy a template into a workspace")
def duplicate_template(
    request: Request, template_id: IdStr, body: DuplicateBody, account: Account = Depends(current_account)
) -> Response:
    templates = state_of(request).templates
    return ok(request, templates.duplicate(account, template_id, body.workspace_id, body.name))


@router.post("/v1/entities/copy_tasks", summary="Copy a bot, app or workflow")
def create_copy_task(
    request: Request, body: CopyBody, account: Account = Depends(current_account)
) -> Response:
    copies = state_of(request).copy_tasks
    data = copies.create(account, body.entity_type, blank(body.entity_id), blank(body.to_workspace_id))
    return ok(request, data)


@router.get("/v1/entities/copy_tasks/{task_id}", summary="A copy task's progress and result")
def retrieve_copy_task(
    request: Request, task_id: IdStr, account: Account = Depends(current_account)
) -> Response:
    return ok(request, state_of(request).copy_tasks.retrieve(account, task_id))
