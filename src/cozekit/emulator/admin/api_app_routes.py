"""Callback apps and their event subscriptions."""

from __future__ import annotations

from typing import List, Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from ..core.base import Account
from ..core.errors import callback_url_refused
from ..core.offload import OFFLOAD
from ..routing import IdStr, blank, current_account, ok, state_of

router = APIRouter(tags=["api_apps"])
APPS = "/v1/api_apps"


class CreateBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    app_type: str = ""
    name: Optional[str] = None
    connector_id: Optional[IdStr] = None


class UpdateBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Optional[str] = None
    callback_url: Optional[str] = None


class EventsBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    event_types: Optional[List[str]] = None


@router.post(APPS, summary="Create a callback app")
def create_app(request: Request, body: CreateBody, account: Account = Depends(current_account)) -> Response:
    app = state_of(request).api_apps.create(account, body.app_type, body.name, blank(body.connector_id))
    return ok(request, app)


@router.get(APPS, summary="List callback apps")
def list_apps(
    request: Request,
    page_token: Optional[str] = Query(None),
    page_size: int = Query(50),
    app_type: Optional[str] = Query(None),
    account: Account = Depends(current_account),
) -> Response:
    data = state_of(request).api_apps.list(account, blank(app_type), blank(page_token), page_size)
    return ok(request, data)


@router.put(APPS + "/{api_app_id}", summary="Rename a callback app or set its callback URL")
async def update_app(
    request: Request, api_app_id: IdStr, body: UpdateBody, account: Account = Depends(current_account)
) -> Response:
    state = state_of(request)
    if body.callback_url is not None:  # the challenge is awaited on the loop, the store work in threads
        app = await OFFLOAD.run(state.api_apps.get, account, api_app_id)
        why = await state.callbacks.challenge(body.callback_url, str(app["verify_token"]))
        if why:
            raise callback_url_refused(why)
    await OFFLOAD.run(state.api_apps.update, account, api_app_id, body.name, body.callback_url)
    return ok(request)


@router.delete(APPS + "/{api_app_id}", summary="Delete a callback app")
def delete_app(request: Request, api_app_id: IdStr, account: Account = Depends(current_account)) -> Response:
    state_of(request).api_apps.delete(account, api_app_id)
    return ok(request)


@router.post(APPS + "/{api_app_id}/events", summary="Subscribe a callback app to events")
def subscribe(
    request: Request, api_app_id: IdStr, body: EventsBody, account: Account = Depends(current_account)
) -> Response:
    state_of(request).api_apps.subscribe(account, api_app_id, body.event_types)
    return ok(request)


@router.get(APPS + "/{api_app_id}/events", summary="List a callback app's subscribed events")
def list_events(
    request: Request,
    api_app_id: IdStr,
    page_token: Optional[str] = Query(None),
    page_size: int = Query(50),
    account: Account = Depends(current_account),
) -> Response:
    data = state_of(request).api_apps.list_events(account, api_app_id, blank(page_token), page_size)
    return ok(request, data)


@router.delete(APPS + "/{api_app_id}/events", summary="Unsubscribe a callback app from events")
def unsubscribe(
    request: Request, api_app_id: IdStr, body: EventsBody, account: Account = Depends(current_account)
) -> Response:
    state_of(request).api_apps.unsubscribe(account, api_app_id, body.event_types)
    return ok(request)
