"""Commerce: benefits, end-user bill tasks and end-user benefit limits."""

from __future__ import annotations

from typing import Any, Dict, Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from ..core.base import Account
from ..routing import blank, current_account, ok, state_of

router = APIRouter(tags=["commerce"])
BENEFIT = "/v1/commerce/benefit"


class BillTaskBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    started_at: Any = None
    ended_at: Any = None


class LimitationBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    entity_type: Optional[str] = None
    entity_id: Optional[str] = None
    benefit_info: Optional[Dict[str, Any]] = None


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get(BENEFIT + "/benefits/get", summary="The plan and its benefits")
def get_benefits(
    request: Request,
    benefit_type_list: Optional[str] = Query(None),
    resource_id: Optional[str] = Query(None),
    account: Account = Depends(current_account),
) -> Response:
    data = state_of(request).commerce.benefits(account, blank(benefit_type_list), blank(resource_id))
    return ok(request, data)


@router.post(BENEFIT + "/bill_tasks", summary="Export end users' bills for whole days")
def create_bill_task(
    request: Request, body: BillTaskBody, account: Account = Depends(current_account)
) -> Response:
    return ok(request, state_of(request).commerce.create_bill_task(account, body.started_at, body.ended_at))


@router.get(BENEFIT + "/bill_tasks", summary="Bill export tasks and their files")
def list_bill_tasks(
    request: Request,
    task_ids: Optional[str] = Query(None),
    page_num: int = Query(1),
    page_size: int = Query(20),
    account: Account = Depends(current_account),
) -> Response:
    commerce = state_of(request).commerce
    data = commerce.list_bill_tasks(account, blank(task_ids), page_num, page_size, _base_url(request))
    return ok(request, data)


@router.post(BENEFIT + "/limitations", summary="Create an end-user benefit limit")
def create_limitation(
    request: Request, body: LimitationBody, account: Account = Depends(current_account)
) -> Response:
    commerce = state_of(request).commerce
    data = commerce.create_limitation(account, body.entity_type, blank(body.entity_id), body.benefit_info)
    return ok(request, data)


@router.get(BENEFIT + "/limitations", summary="List end-user benefit limits")
def list_limitations(
    request: Request,
    entity_type: Optional[str] = Query(None),
    entity_id: Optional[str] = Query(None),
    benefit_type: Optional[str] = Query(None),
    status: Optional[str] = Query(None),
    page_token: Optional[str] = Query(None),
    page_size: int = Query(20),
    account: Account = Depends(current_account),
) -> Response:
    data = state_of(request).commerce.list_limitations(
        account, entity_type, blank(entity_id), benefit_type, blank(status), blank(page_token), page_size
    )
    return ok(request, data)


@router.put(BENEFIT + "/limitations/{benefit_id}", summary="Update an end-user benefit limit")
def update_limitation(
    request: Request, benefit_id: str, body: Dict[str, Any], account: Account = Depends(current_account)
) -> Response:
    state_of(request).commerce.update_limitation(account, benefit_id, body)
    return ok(request)
