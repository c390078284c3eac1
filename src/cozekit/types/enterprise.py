"""Enterprises (members, organizations) and organizations (settings, members)."""

from __future__ import annotations

from typing import Optional

from .._models import CozeModel, OpenEnum
from ._shared import OptionalTimestamp

__all__ = [
    "CreateEnterpriseMemberResp",
    "CreateOrganizationMemberResp",
    "CreateOrganizationResp",
    "DeleteEnterpriseMemberResp",
    "DeleteOrganizationMemberResp",
    "EnterpriseMember",
    "EnterpriseMemberRole",
    "NewOrganizationMember",
    "Organization",
    "OrganizationMember",
    "OrganizationPeopleType",
    "OrganizationRoleType",
    "UpdateEnterpriseMemberResp",
    "UpdateOrganizationMemberResp",
    "UpdateOrganizationResp",
]


class EnterpriseMemberRole(OpenEnum):
    ENTERPRISE_ADMIN = "enterprise_admin"
    ENTERPRISE_MEMBER = "enterprise_member"


class EnterpriseMember(CozeModel):
    """A Coze user to add to an enterprise, and their role there."""

    user_id: str
    role: EnterpriseMemberRole


class CreateEnterpriseMemberResp(CozeModel):
    """The (empty) result of adding an enterprise member."""


class DeleteEnterpriseMemberResp(CozeModel):
    """The (empty) result of removing an enterprise member."""


class UpdateEnterpriseMemberResp(CozeModel):
    """The (empty) result of changing an enterprise member's role."""


class Organization(CozeModel):
    """An organization of an enterprise."""

    organization_id: str
    organization_name: Optional[str] = None
    organization_icon_url: Optional[str] = None
    is_default_organization: Optional[bool] = None


class CreateOrganizationResp(CozeModel):
    organization_id: str


class UpdateOrganizationResp(CozeModel):
    """The (empty) result of renaming or describing an organization."""


class OrganizationRoleType(OpenEnum):
    ORGANIZATION_SUPER_ADMIN = "organization_super_admin"
    ORGANIZATION_ADMIN = "organization_admin"
    ORGANIZATION_MEMBER = "organization_member"
    ORGANIZATION_GUEST = "organization_guest"


class OrganizationPeopleType(OpenEnum):
    """What a member is in the enterprise."""

    EMPLOYEE = "employee"
    GUEST = "guest"


class NewOrganizationMember(CozeModel):
    """A Coze user to add to an organization, and their role there."""

    user_id: str
    organization_role_type: OrganizationRoleType


class OrganizationMember(CozeModel):
    """A member of an organization."""

    user_id: str
    organization_role_type: Optional[OrganizationRoleType] = None
    people_type: Optional[OrganizationPeopleType] = None
    is_valid: Optional[bool] = None
    """False when the member's Volcengine account was deleted."""
    avatar_url: Optional[str] = None
    user_nickname: Optional[str] = None
    user_unique_name: Optional[str] = None
    created_at: OptionalTimestamp = None
    """When the user joined the organization (Unix seconds)."""


class CreateOrganizationMemberResp(CozeModel):
    """The (empty) result of adding organization members."""


class DeleteOrganizationMemberResp(CozeModel):
    """The (empty) result of removing an organization member."""


class UpdateOrganizationMemberResp(CozeModel):
    """The (empty) result of changing an organization member's role."""
