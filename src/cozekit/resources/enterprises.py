"""`coze.enterprises`: an enterprise's members (`.members`) and organizations (`.organizations`).
These calls need an enterprise privileged-app token."""

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
    CreateEnterpriseMemberResp,
    CreateOrganizationResp,
    DeleteEnterpriseMemberResp,
    EnterpriseMember,
    Organization,
    UpdateEnterpriseMemberResp,
)
from ._members import check_organization_texts, member_list
from ._validate import check_page_size

__all__ = [
    "AsyncEnterprises",
    "AsyncEnterprisesMembers",
    "AsyncEnterprisesOrganizations",
    "Enterprises",
    "EnterprisesMembers",
    "EnterprisesOrganizations",
]

EnterpriseMemberInput = Union[EnterpriseMember, Mapping[str, Any]]


def _enterprise_path(enterprise_id: str, suffix: str) -> str:
    return path("/v1/enterprises/{enterprise_id}", enterprise_id=enterprise_id) + suffix


def _member_path(enterprise_id: str, user_id: str) -> str:
    return path(
        "/v1/enterprises/{enterprise_id}/members/{user_id}", enterprise_id=enterprise_id, user_id=user_id
    )


def _member_create(
    enterprise_id: str, users: Sequence[EnterpriseMemberInput], options: CallOptions
) -> RequestOptions:
    body = {"users": member_list("users", users, EnterpriseMember, limit=1)}
    return post(_enterprise_path(enterprise_id, "/members"), body).with_call_options(options)


def _member_delete(
    enterprise_id: str, user_id: str, receiver_user_id: str, options: CallOptions
) -> RequestOptions:
    require(receiver_user_id=receiver_user_id)
    body = {"receiver_user_id": receiver_user_id}
    return delete(_member_path(enterprise_id, user_id), body).with_call_options(options)


def _member_update(enterprise_id: str, user_id: str, role: str, options: CallOptions) -> RequestOptions:
    require(role=role)
    body = {"role": str(getattr(role, "value", role))}
    return put(_member_path(enterprise_id, user_id), body).with_call_options(options)


def _org_create(
    enterprise_id: str,
    name: str,
    super_admin_user_id: str,
    description: Optional[str],
    options: CallOptions,
) -> RequestOptions:
    require(name=name, super_admin_user_id=super_admin_user_id)
    check_organization_texts(name, description)
    body = {"name": name, "super_admin_user_id": super_admin_user_id, "description": description}
    return post(_enterprise_path(enterprise_id, "/organizations"), body).with_call_options(options)


def _org_list(
    enterprise_id: str, page_num: int, page_size: int, options: CallOptions
) -> NumberPaging[Organization]:
    orgs_path = _enterprise_path(enterprise_id, "/organizations")
    check_page_size(page_size, 20)

    def request(num: int, size: int) -> RequestOptions:
        return get(orgs_path, {"page_num": num, "page_size": size}).with_call_options(options)

    return NumberPaging(Organization, "items", request, page_num=page_num, page_size=page_size)


class Enterprises(SyncAPIResource):
    """An enterprise's members and organizations."""

    @cached_property
    def members(self) -> EnterprisesMembers:
        return EnterprisesMembers(self._client)

    @cached_property
    def organizations(self) -> EnterprisesOrganizations:
        return EnterprisesOrganizations(self._client)


class EnterprisesMembers(SyncAPIResource):
    def create(
        self, *, enterprise_id: str, users: Sequence[EnterpriseMemberInput], **options: Unpack[CallOptions]
    ) -> CreateEnterpriseMemberResp:
        """Add a Coze user (one per call) with a role (`EnterpriseMemberRole`)."""
        opts = _member_create(enterprise_id, users, options)
        return self._client.request(opts, model(CreateEnterpriseMemberResp))

    def delete(
        self, *, enterprise_id: str, user_id: str, receiver_user_id: str, **options: Unpack[CallOptions]
    ) -> DeleteEnterpriseMemberResp:
        """Remove a member; their workspaces, bots and workflows go to `receiver_user_id` (an admin)."""
        opts = _member_delete(enterprise_id, user_id, receiver_user_id, options)
        return self._client.request(opts, model(DeleteEnterpriseMemberResp))

    def update(
        self, *, enterprise_id: str, user_id: str, role: str, **options: Unpack[CallOptions]
    ) -> UpdateEnterpriseMemberResp:
        opts = _member_update(enterprise_id, user_id, role, options)
        return self._client.request(opts, model(UpdateEnterpriseMemberResp))


class EnterprisesOrganizations(SyncAPIResource):
    def create(
        self,
        *,
        enterprise_id: str,
        name: str,
        super_admin_user_id: str,
        description: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> CreateOrganizationResp:
        """A new organization (name up to 30 characters) whose super admin is an enterprise member."""
        opts = _org_create(enterprise_id, name, super_admin_user_id, description, options)
        return self._client.request(opts, model(CreateOrganizationResp))

    def list(
        self, *, enterprise_id: str, page_num: int = 1, page_size: int = 20, **options: Unpack[CallOptions]
    ) -> SyncPager[Organization]:
        """The enterprise's organizations; iterate for all pages."""
        return SyncPager(self._client, _org_list(enterprise_id, page_num, page_size, options))


class AsyncEnterprises(AsyncAPIResource):
    @cached_property
    def members(self) -> AsyncEnterprisesMembers:
        return AsyncEnterprisesMembers(self._client)

    @cached_property
    def organizations(self) -> AsyncEnterprisesOrganizations:
        return AsyncEnterprisesOrganizations(self._client)


class AsyncEnterprisesMembers(AsyncAPIResource):
    async def create(
        self, *, enterprise_id: str, users: Sequence[EnterpriseMemberInput], **options: Unpack[CallOptions]
    ) -> CreateEnterpriseMemberResp:
        opts = _member_create(enterprise_id, users, options)
        return await self._client.request(opts, model(CreateEnterpriseMemberResp))

    async def delete(
        self, *, enterprise_id: str, user_id: str, receiver_user_id: str, **options: Unpack[CallOptions]
    ) -> DeleteEnterpriseMemberResp:
        opts = _member_delete(enterprise_id, user_id, receiver_user_id, options)
        return await self._client.request(opts, model(DeleteEnterpriseMemberResp))

    async def update(
        self, *, enterprise_id: str, user_id: str, role: str, **options: Unpack[CallOptions]
    ) -> UpdateEnterpriseMemberResp:
        opts = _member_update(enterprise_id, user_id, role, options)
        return await self._client.request(opts, model(UpdateEnterpriseMemberResp))


class AsyncEnterprisesOrganizations(AsyncAPIResource):
    async def create(
        self,
        *,
        enterprise_id: str,
        name: str,
        super_admin_user_id: str,
        description: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> CreateOrganizationResp:
        opts = _org_create(enterprise_id, name, super_admin_user_id, description, options)
        return await self._client.request(opts, model(CreateOrganizationResp))

    def list(
        self, *, enterprise_id: str, page_num: int = 1, page_size: int = 20, **options: Unpack[CallOptions]
    ) -> AsyncPager[Organization]:
        return AsyncPager(self._client, _org_list(enterprise_id, page_num, page_size, options))
