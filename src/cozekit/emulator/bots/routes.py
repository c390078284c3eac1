"""Bots: create, update, publish, unpublish, list and retrieve (both API generations), versions, and
collaboration (collaborators, single-user or collaboration mode)."""

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from typing_extensions import Annotated

from ..collaboration_routes import collaborator_routes
from ..core.base import Account
from ..core.errors import bad_request
from ..routing import IdStr, current_account, ok, state_of
from .backend import API_CONNECTOR

router = APIRouter(tags=["bots"])


class BotFields(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Optional[str] = None
    description: Optional[str] = None
    icon_file_id: Optional[IdStr] = None
    prompt_info: Optional[Dict[str, Any]] = None
    onboarding_info: Optional[Dict[str, Any]] = None
    suggest_reply_info: Optional[Dict[str, Any]] = None
    model_info_config: Optional[Dict[str, Any]] = None
    plugin_id_list: Optional[Dict[str, Any]] = None
    workflow_id_list: Optional[Dict[str, Any]] = None
    knowledge: Optional[Dict[str, Any]] = None


class CreateBody(BotFields):
    space_id: IdStr
    name: str


class UpdateBody(BotFields):
    bot_id: IdStr


class PublishBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    bot_id: IdStr
    connector_ids: Optional[List[IdStr]] = None


class UnpublishBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    connector_id: IdStr
    unpublish_reason: Optional[str] = None


def _fields(body: BotFields) -> Dict[str, Any]:
    return body.model_dump(exclude_none=True, exclude={"space_id", "bot_id"})


@router.post("/v1/bot/create", summary="Create a bot (draft)")
def create_bot(request: Request, body: CreateBody, account: Account = Depends(current_account)) -> Response:
    bot_id = state_of(request).bots.create(account, body.space_id, _fields(body))
    return ok(request, {"bot_id": bot_id})


@router.post("/v1/bot/update", summary="Update a bot's draft")
def update_bot(request: Request, body: UpdateBody, account: Account = Depends(current_account)) -> Response:
    state_of(request).bots.update(account, body.bot_id, _fields(body))
    return ok(request)


@router.post("/v1/bot/publish", summary="Publish a bot's draft to connectors")
def publish_bot(request: Request, body: PublishBody, account: Account = Depends(current_account)) -> Response:
    state = state_of(request)
    published = state.bots.publish(account, body.bot_id, body.connector_ids)
    bot = state.bots.get(account, body.bot_id)
    connectors = [str(c) for c in body.connector_ids or [API_CONNECTOR]]
    state.callbacks.bot_event(bot, "bot.published", connectors, account.user_name)
    return ok(request, published)


@router.post("/v1/bots/{bot_id}/unpublish", summary="Unpublish a bot from a connector")
def unpublish_bot(
    request: Request, bot_id: IdStr, body: UnpublishBody, account: Account = Depends(current_account)
) -> Response:
    if body.unpublish_reason and len(body.unpublish_reason) > 1024:
        raise bad_request("unpublish_reason must be at most 1024 characters")
    state = state_of(request)
    state.bots.unpublish(account, bot_id, body.connector_id)
    state.callbacks.bot_event(state.bots.get(account, bot_id), "bot.unpublished", [body.connector_id])
    return ok(request)


@router.get("/v1/bots", summary="List bots (accepts page_num and page_index)")
def list_bots(
    request: Request,
    workspace_id: Annotated[IdStr, Query()],
    publish_status: str = Query("published_online"),
    connector_id: Annotated[IdStr, Query()] = "1024",
    page_num: Optional[int] = Query(None),
    page_index: Optional[int] = Query(None),
    page_size: int = Query(20),
    account: Account = Depends(current_account),
) -> Response:
    page = page_num or page_index or 1
    return ok(request, state_of(request).bots.list(account, workspace_id, publish_status, page, page_size))


@router.get("/v1/space/published_bots_list", summary="List published bots (old API)")
def list_published_bots(
    request: Request,
    space_id: Annotated[IdStr, Query()],
    page_index: int = Query(1),
    page_size: int = Query(20),
    account: Account = Depends(current_account),
) -> Response:
    return ok(request, state_of(request).bots.list_published_v1(account, space_id, page_index, page_size))


@router.get("/v1/bots/{bot_id}", summary="Retrieve a bot (published by default)")
def retrieve_bot(
    request: Request,
    bot_id: IdStr,
    is_published: bool = Query(True),
    account: Account = Depends(current_account),
) -> Response:
    return ok(request, state_of(request).bots.retrieve(account, bot_id, is_published))


@router.get("/v1/bot/get_online_info", summary="Retrieve a published bot (old API)")
def get_online_info(
    request: Request, bot_id: Annotated[IdStr, Query()], account: Account = Depends(current_account)
) -> Response:
    return ok(request, state_of(request).bots.retrieve(account, bot_id, True))


@router.get("/v1/bots/{bot_id}/versions", summary="List a bot's published versions")
def list_versions(
    request: Request,
    bot_id: IdStr,
    page_num: int = Query(1),
    page_size: int = Query(10),
    account: Account = Depends(current_account),
) -> Response:
    return ok(request, state_of(request).bots.versions(account, bot_id, page_num, page_size))


collaborator_routes(router, "/v1/bots/{bot_id}", "bot_id", lambda state: state.bots)
