"""Voiceprint groups and features (multipart uploads), and speaker identification."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from ..core.base import Account
from ..forms import int_field, read_form
from ..routing import IdStr, blank, current_account, ok, state_of

router = APIRouter(tags=["voiceprints"])
GROUPS = "/v1/audio/voiceprint_groups"


class GroupBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Optional[str] = None
    desc: Optional[str] = None


@router.post(GROUPS, summary="Create a voiceprint group")
def create_group(request: Request, body: GroupBody, account: Account = Depends(current_account)) -> Response:
    return ok(request, state_of(request).voiceprints.create_group(account, body.name or "", body.desc))


@router.get(GROUPS, summary="List voiceprint groups")
def list_groups(
    request: Request,
    page_num: int = Query(1),
    page_size: int = Query(10),
    name: Optional[str] = Query(None),
    user_id: Optional[str] = Query(None),
    group_id: Optional[str] = Query(None),
    account: Account = Depends(current_account),
) -> Response:
    data = state_of(request).voiceprints.list_groups(
        account, page_num, page_size, blank(name), blank(user_id), blank(group_id)
    )
    return ok(request, data)


@router.put(GROUPS + "/{group_id}", summary="Rename or describe a voiceprint group")
def update_group(
    request: Request, group_id: IdStr, body: GroupBody, account: Account = Depends(current_account)
) -> Response:
    state_of(request).voiceprints.update_group(account, group_id, body.name, body.desc)
    return ok(request)


@router.delete(GROUPS + "/{group_id}", summary="Delete a voiceprint group and its features")
def delete_group(request: Request, group_id: IdStr, account: Account = Depends(current_account)) -> Response:
    state_of(request).voiceprints.delete_group(account, group_id)
    return ok(request)


@router.post(GROUPS + "/{group_id}/features", summary="Enroll a speaker (multipart)")
async def create_feature(
    request: Request, group_id: IdStr, account: Account = Depends(current_account)
) -> Response:
    data, fields = await read_form(request)
    assert data is not None
    created = await run_in_threadpool(
        state_of(request).voiceprints.create_feature,
        account,
        group_id,
        data,
        fields.get("name", ""),
        fields.get("desc"),
        int_field(fields, "sample_rate"),
        int_field(fields, "channel"),
    )
    return ok(request, created)


@router.get(GROUPS + "/{group_id}/features", summary="List a group's features")
def list_features(
    request: Request,
    group_id: IdStr,
    page_num: int = Query(1),
    page_size: int = Query(10),
    account: Account = Depends(current_account),
) -> Response:
    return ok(request, state_of(request).voiceprints.list_features(account, group_id, page_num, page_size))


@router.put(GROUPS + "/{group_id}/features/{feature_id}", summary="Update a feature (multipart)")
async def update_feature(
    request: Request, group_id: IdStr, feature_id: IdStr, account: Account = Depends(current_account)
) -> Response:
    data, fields = await read_form(request, file_required=False)
    values = {
        "name": fields.get("name"),
        "desc": fields.get("desc"),
        "sample_rate": int_field(fields, "sample_rate"),
        "channel": int_field(fields, "channel"),
    }
    await run_in_threadpool(
        state_of(request).voiceprints.update_feature, account, group_id, feature_id, values, data
    )
    return ok(request)


@router.delete(GROUPS + "/{group_id}/features/{feature_id}", summary="Delete a feature")
def delete_feature(
    request: Request, group_id: IdStr, feature_id: IdStr, account: Account = Depends(current_account)
) -> Response:
    state_of(request).voiceprints.delete_feature(account, group_id, feature_id)
    return ok(request)


@router.post(
    GROUPS + "/{group_id}/speaker_identify", summary="Score a recording against the group's speakers"
)
async def speaker_identify(
    request: Request, group_id: IdStr, account: Account = Depends(current_account)
) -> Response:
    data, fields = await read_form(request)
    assert data is not None
    result = await run_in_threadpool(
        state_of(request).voiceprints.identify,
        account,
        group_id,
        data,
        int_field(fields, "top_k"),
        int_field(fields, "sample_rate"),
        int_field(fields, "channel"),
    )
    return ok(request, result)
