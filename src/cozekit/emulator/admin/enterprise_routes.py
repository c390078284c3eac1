"""Enterprises (members, organizations) and organizations (settings, members)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from ..core.base import Account
from ..routing import IdStr, current_account, ok, state_of

router = APIRouter(tags=["enterprises"])
ENTERPRISE = "/v1/enterprises/{enterprise_id}"
ORGANIZATION = "/v1/organizations/{organization_id}"


class MembersBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    users: Optional[List[Dict[str, Any]]] = None


class RoleBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Optional[str] = None


class ReceiverBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    receiver_user_id: Optional[IdStr] = None


class OrganizationBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Optional[str] = None
    super_admin_user_id: Optional[IdStr] = None
    description: Optional[str] = None


class PeopleBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    organization_people: Optional[List[Dict[str, Any]]] = None


class OrgRoleBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    organization_role_type: Optional[str] = None


@router.post(ENTERPRISE + "/members", summary="Add an enterprise member")
def add_member(
    request: Request, enterprise_id: str, body: MembersBody, account: Account = Depends(current_account)
) -> Response:
    state_of(request).enterprises.add_member(account, enterprise_id, body.users)
    return ok(request)


@router.put(ENTERPRISE + "/members/{user_id}", summary="Change an enterprise member's role")
def update_member(
    request: Request,
    enterprise_id: str,
    user_id: str,
    body: RoleBody,
    account: Account = Depends(current_account),
) -> Response:
    state_of(request).enterprises.update_member(account, enterprise_id, user_id, body.role)
    return ok(request)


@router.delete(ENTERPRISE + "/members/{user_id}", summary="Remove an enterprise member")
def remove_member(
    request: Request,
    enterprise_id: str,
    user_id: str,
    body: Optional[ReceiverBody] = None,
    account: Account = Depends(current_account),
) -> Response:
    receiver = body.receiver_user_id if body else None
    state_of(request).enterprises.remove_member(account, enterprise_id, user_id, receiver)
    return ok(request)


@router.post(ENTERPRISE + "/organizations", summary="Create an organization")
def create_organization(
    request: Request, enterprise_id: str, body: OrganizationBody, account: Account = Depends(current_account)
) -> Response:
    data = state_of(request).enterprises.create_organization(
        account, enterprise_id, body.name, body.super_admin_user_id, body.description
    )
    return ok(request, data)


@router.get(ENTERPRISE + "/organizations", summary="List an enterprise's organizations")
def list_organizations(
    request: Request,
    enterprise_id: str,
    page_num: int = Query(1),
    page_size: int = Query(20),
    account: Account = Depends(current_account),
) -> Response:
    data = state_of(request).enterprises.list_organizations(account, enterprise_id, page_num, page_size)
    return ok(request, data)


@router.put(ORGANIZATION, summary="Rename or describe an organization")
def update_organization(
    request: Request,
    organization_id: str,
    body: OrganizationBody,
    account: Account = Depends(current_account),
) -> Response:
    state_of(request).enterprises.update_organization(account, organization_id, body.name, body.description)
    return ok(request)


@router.post(ORGANIZATION + "/members", summary="Add an organization member")
def add_org_members(
    request: Request, organization_id: str, body: PeopleBody, account: Account = Depends(current_account)
) -> Response:
    state_of(request).enterprises.add_org_members(account, organization_id, body.organization_people)
    return ok(request)


@router.get(ORGANIZATION + "/members", summary="List an organization's members")
def list_org_members(
    request: Request,
    organization_id: str,
    page_num: int = Query(1),
    page_size: int = Query(20),
    account: Account = Depends(current_account),
) -> Response:
    data = state_of(request).enterprises.list_org_members(account, organization_id, page_num, page_size)
    return ok(request, data)


@router.put(ORGANIZATION + "/members/{user_id}", summary="Change an organization member's role")
def update_org_member(
    request: Request,
    organization_id: str,
    user_id: str,
    body: OrgRoleBody,
    account: Account = Depends(current_account),
) -> Response:
    role = body.organization_role_type
    state_of(request).enterprises.update_org_member(account, organization_id, user_id, role)
    return ok(request)


@router.delete(ORGANIZATION + "/members/{user_id}", summary="Remove an organization member")
def remove_org_member(
    request: Request,
    organization_id: str,
    user_id: str,
    body: Optional[ReceiverBody] = None,
    account: Account = Depends(current_account),
) -> Response:
    receiver = body.receiver_user_id if body else None
    state_of(request).enterprises.remove_org_member(account, organization_id, user_id, receiver)
    return ok(request)
