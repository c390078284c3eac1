"""Plugins (details, tool calls) and the plugin store."""

from __future__ import annotations

from typing import Any, Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from ..core.base import Account
from ..routing import blank, current_account, ok, state_of

router = APIRouter(tags=["plugins"])


class CallBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    tool_name: str = ""
    arguments: Any = None


@router.get("/v1/plugins/mget", summary="The details of 1-20 plugins")
def batch_retrieve(
    request: Request, ids: Optional[str] = Query(None), account: Account = Depends(current_account)
) -> Response:
    return ok(request, state_of(request).plugins.batch_retrieve(ids))


@router.get("/v1/plugins/{plugin_id}", summary="A plugin's details and tools")
def retrieve(request: Request, plugin_id: str, account: Account = Depends(current_account)) -> Response:
    return ok(request, state_of(request).plugins.retrieve(plugin_id))


@router.post("/v1/plugins/{plugin_id}/tools/call", summary="Call a tool of a paid plugin")
def call_tool(
    request: Request, plugin_id: str, body: CallBody, account: Account = Depends(current_account)
) -> Response:
    data = state_of(request).plugins.call_tool(account, plugin_id, body.tool_name, body.arguments)
    return ok(request, data)


@router.get("/v1/stores/plugins", summary="Paid plugins in the store")
def list_store_plugins(
    request: Request,
    keyword: Optional[str] = Query(None),
    is_official: Optional[bool] = Query(None),
    category_ids: Optional[str] = Query(None),
    sort_type: Optional[str] = Query(None),
    page_num: int = Query(1),
    page_size: int = Query(20),
    account: Account = Depends(current_account),
) -> Response:
    data = state_of(request).plugins.list_store(
        blank(keyword), is_official, blank(category_ids), blank(sort_type), page_num, page_size
    )
    return ok(request, data)


@router.get("/v1/stores/categories", summary="Plugin categories of the store")
def list_store_categories(
    request: Request,
    entity_type: Optional[str] = Query(None),
    page_num: int = Query(1),
    page_size: int = Query(20),
    account: Account = Depends(current_account),
) -> Response:
    return ok(request, state_of(request).plugins.list_categories(entity_type, page_num, page_size))
