"""`coze.organizations`: an organization's name and description (`update`) and its members
(`.members`). These calls need an enterprise privileged-app token."""

from __future__ import annotations

from functools import cached_property
from typing import Any, Mapping, Optional, Sequence, Union

from typing_extensions import Unpack

from .._parsing import model
from .._paths import path, require
from .._request import CallOptions, RequestOptions, delete, get, post, put
from .._resource import AsyncAPIResource, SyncAPIResource
from ..pagination import AsyncPager, NumberPaging, SyncPager
from ..types.enterprise import (
    CreateOrganizationMemberResp,
    DeleteOrganizationMemberResp,
    NewOrganizationMember,
    OrganizationMember,
    UpdateOrganizationMemberResp,
    UpdateOrganizationResp,
)
from ._members import check_organization_texts, member_list
from ._validate import check_page_size

__all__ = ["AsyncOrganizations", "AsyncOrganizationsMembers", "Organizations", "OrganizationsMembers"]

NewMemberInput = Union[NewOrganizationMember, Mapping[str, Any]]


def _org_path(organization_id: str, suffix: str = "") -> str:
    return path("/v1/organizations/{organization_id}", organization_id=organization_id) + suffix


def _member_path(organization_id: str, user_id: str) -> str:
    return path(
        "/v1/organizations/{organization_id}/members/{user_id}",
        organization_id=organization_id,
        user_id=user_id,
    )


def _update(
    organization_id: str, name: Optional[str], description: Optional[str], options: CallOptions
) -> RequestOptions:
    if name is not None:
        require(name=name)
    check_organization_texts(name, description)
    body = {"name": name, "description": description}
    return put(_org_path(organization_id), body).with_call_options(options)


def _member_create(
    organization_id: str, organization_people: Sequence[NewMemberInput], options: CallOptions
) -> RequestOptions:
    people = member_list("organization_people", organization_people, NewOrganizationMember, limit=100)
    body = {"organization_people": people}
    return post(_org_path(organization_id, "/members"), body).with_call_options(options)


def _member_list(
    organization_id: str, page_num: int, page_size: int, options: CallOptions
) -> NumberPaging[OrganizationMember]:
    members_path = _org_path(organization_id, "/members")
    check_page_size(page_size, 50)

    def request(num: int, size: int) -> RequestOptions:
        return get(members_path, {"page_num": num, "page_size": size}).with_call_options(options)

    return NumberPaging(OrganizationMember, "items", request, page_num=page_num, page_size=page_size)


def _member_delete(
    organization_id: str, user_id: str, receiver_user_id: str, options: CallOptions
) -> RequestOptions:
    require(receiver_user_id=receiver_user_id)
    body = {"receiver_user_id": receiver_user_id}
    return delete(_member_path(organization_id, user_id), body).with_call_options(options)


def _member_update(
    organization_id: str, user_id: str, organization_role_type: str, options: CallOptions
) -> RequestOptions:
    require(organization_role_type=organization_role_type)
    body = {"organization_role_type": str(getattr(organization_role_type, "value", organization_role_type))}
    return put(_member_path(organization_id, user_id), body).with_call_options(options)


class Organizations(SyncAPIResource):
    """An organization's settings and members."""

    @cached_property
    def members(self) -> OrganizationsMembers:
        return OrganizationsMembers(self._client)

    def update(
        self,
        *,
        organization_id: str,
        name: Optional[str] = None,
        description: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateOrganizationResp:
        """Rename (up to 30 characters) or re-describe (up to 100) an organization."""
        opts = _update(organization_id, name, description, options)
        return self._client.request(opts, model(UpdateOrganizationResp))


class OrganizationsMembers(SyncAPIResource):
    def create(
        self,
        *,
        organization_id: str,
        organization_people: Sequence[NewMemberInput],
        **options: Unpack[CallOptions],
    ) -> CreateOrganizationMemberResp:
        """Add enterprise members to the organization, each with an `OrganizationRoleType`."""
        opts = _member_create(organization_id, organization_people, options)
        return self._client.request(opts, model(CreateOrganizationMemberResp))

    def list(
        self, *, organization_id: str, page_num: int = 1, page_size: int = 20, **options: Unpack[CallOptions]
    ) -> SyncPager[OrganizationMember]:
        """The organization's members; iterate for all pages."""
        return SyncPager(self._client, _member_list(organization_id, page_num, page_size, options))

    def delete(
        self, *, organization_id: str, user_id: str, receiver_user_id: str, **options: Unpack[CallOptions]
    ) -> DeleteOrganizationMemberResp:
        """Remove a member; their resources go to `receiver_user_id` (the organization's super admin)."""
        opts = _member_delete(organization_id, user_id, receiver_user_id, options)
        return self._client.request(opts, model(DeleteOrganizationMemberResp))

    def update(
        self,
        *,
        organization_id: str,
        user_id: str,
        organization_role_type: str,
        **options: Unpack[CallOptions],
    ) -> UpdateOrganizationMemberResp:
        opts = _member_update(organization_id, user_id, organization_role_type, options)
        return self._client.request(opts, model(UpdateOrganizationMemberResp))


class AsyncOrganizations(AsyncAPIResource):
    @cached_property
    def members(self) -> AsyncOrganizationsMembers:
        return AsyncOrganizationsMembers(self._client)

    async def update(
        self,
        *,
        organization_id: str,
        name: Optional[str] = None,
        description: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateOrganizationResp:
        opts = _update(organization_id, name, description, options)
        return await self._client.request(opts, model(UpdateOrganizationResp))


class AsyncOrganizationsMembers(AsyncAPIResource):
    async def create(
        self,
        *,
        organization_id: str,
        organization_people: Sequence[NewMemberInput],
        **options: Unpack[CallOptions],
    ) -> CreateOrganizationMemberResp:
        opts = _member_create(organization_id, organization_people, options)
        return await self._client.request(opts, model(CreateOrganizationMemberResp))

    def list(
        self, *, organization_id: str, page_num: int = 1, page_size: int = 20, **options: Unpack[CallOptions]
    ) -> AsyncPager[OrganizationMember]:
        return AsyncPager(self._client, _member_list(organization_id, page_num, page_size, options))

    async def delete(
        self, *, organization_id: str, user_id: str, receiver_user_id: str, **options: Unpack[CallOptions]
    ) -> DeleteOrganizationMemberResp:
        opts = _member_delete(organization_id, user_id, receiver_user_id, options)
        return await self._client.request(opts, model(DeleteOrganizationMemberResp))

    async def update(
        self,
        *,
        organization_id: str,
        user_id: str,
        organization_role_type: str,
        **options: Unpack[CallOptions],
    ) -> UpdateOrganizationMemberResp:
        opts = _member_update(organization_id, user_id, organization_role_type, options)
        return await self._client.request(opts, model(UpdateOrganizationMemberResp))
