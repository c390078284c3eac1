"""`coze.enterprises` (.members, .organizations) and `coze.organizations` (update, .members):
wire format and envelopes, sync and async."""

from __future__ import annotations

from typing import Any, Callable, Dict

import pytest

from cozekit.types.enterprise import (
    CreateEnterpriseMemberResp,
    CreateOrganizationMemberResp,
    CreateOrganizationResp,
    DeleteEnterpriseMemberResp,
    DeleteOrganizationMemberResp,
    EnterpriseMember,
    EnterpriseMemberRole,
    NewOrganizationMember,
    Organization,
    OrganizationMember,
    OrganizationPeopleType,
    OrganizationRoleType,
    UpdateEnterpriseMemberResp,
    UpdateOrganizationMemberResp,
    UpdateOrganizationResp,
)
from fake_server import FakeServer, envelope
from sync_or_async import MODES

ENT = "volcano_2101950"
ORG = "7490888144456"


@pytest.mark.parametrize("mode", MODES)
async def test_enterprise_member_create_posts_one_user(mode: str) -> None:
    route = ("POST", f"/v1/enterprises/{ENT}/members")
    server = FakeServer(routes={route: envelope()})
    user = EnterpriseMember(user_id="2478", role=EnterpriseMemberRole.ENTERPRISE_MEMBER)
    resp = await server.run(mode, lambda c: c.enterprises.members.create(enterprise_id=ENT, users=[user]))
    assert server.wire() == route
    assert server.body() == {"users": [{"user_id": "2478", "role": "enterprise_member"}]}
    assert isinstance(resp, CreateEnterpriseMemberResp) and resp.logid == "logid-1"
    users = [{"user_id": "2479", "role": "enterprise_admin"}]
    await server.run(mode, lambda c: c.enterprises.members.create(enterprise_id=ENT, users=users))
    assert server.body() == {"users": users}


@pytest.mark.parametrize("mode", MODES)
async def test_enterprise_member_delete_sends_the_receiver_in_the_body(mode: str) -> None:
    route = ("DELETE", f"/v1/enterprises/{ENT}/members/2478")
    server = FakeServer(routes={route: envelope()})
    resp = await server.run(
        mode,
        lambda c: c.enterprises.members.delete(enterprise_id=ENT, user_id="2478", receiver_user_id="4113"),
    )
    assert server.wire() == route
    assert server.body() == {"receiver_user_id": "4113"}
    assert isinstance(resp, DeleteEnterpriseMemberResp)


@pytest.mark.parametrize("mode", MODES)
async def test_enterprise_member_update_puts_the_role(mode: str) -> None:
    route = ("PUT", f"/v1/enterprises/{ENT}/members/2478")
    server = FakeServer(routes={route: envelope()})
    resp = await server.run(
        mode,
        lambda c: c.enterprises.members.update(
            enterprise_id=ENT, user_id="2478", role=EnterpriseMemberRole.ENTERPRISE_ADMIN
        ),
    )
    assert server.wire() == route
    assert server.body() == {"role": "enterprise_admin"}
    assert isinstance(resp, UpdateEnterpriseMemberResp)


@pytest.mark.parametrize("mode", MODES)
async def test_enterprise_organization_create_reads_the_new_id(mode: str) -> None:
    route = ("POST", f"/v1/enterprises/{ENT}/organizations")
    server = FakeServer(routes={route: envelope({"organization_id": ORG})})
    resp = await server.run(
        mode,
        lambda c: c.enterprises.organizations.create(
            enterprise_id=ENT, name="研发部", super_admin_user_id="4113", description="内部"
        ),
    )
    assert server.wire() == route
    assert server.body() == {"name": "研发部", "super_admin_user_id": "4113", "description": "内部"}
    assert isinstance(resp, CreateOrganizationResp) and resp.organization_id == ORG
    assert resp.logid == "logid-1"


def _org(n: int) -> Dict[str, Any]:
    return {
        "organization_id": f"{ORG}{n}",
        "organization_name": f"org {n}",
        "organization_icon_url": "https://example.com/i.png",
        "is_default_organization": n == 1,
    }


@pytest.mark.parametrize("mode", MODES)
async def test_enterprise_organizations_list_pages_by_number_until_the_total(mode: str) -> None:
    route = ("GET", f"/v1/enterprises/{ENT}/organizations")
    pages = [
        envelope({"items": [_org(1), _org(2)], "total_count": 3}),
        envelope({"items": [_org(3)], "total_count": 3}),
    ]
    server = FakeServer(routes={route: pages})
    orgs = await server.collect(
        mode, lambda c: c.enterprises.organizations.list(enterprise_id=ENT, page_size=2)
    )
    assert [o.organization_id for o in orgs] == [f"{ORG}1", f"{ORG}2", f"{ORG}3"]
    assert all(isinstance(o, Organization) for o in orgs)
    assert [o.is_default_organization for o in orgs] == [True, False, False]
    assert server.query(0) == {"page_num": "1", "page_size": "2"}
    assert server.query(1) == {"page_num": "2", "page_size": "2"}
    assert len(server.requests) == 2


@pytest.mark.parametrize("mode", MODES)
async def test_organization_update_puts_name_and_description(mode: str) -> None:
    route = ("PUT", f"/v1/organizations/{ORG}")
    server = FakeServer(routes={route: envelope()})
    resp = await server.run(mode, lambda c: c.organizations.update(organization_id=ORG, name="市场部"))
    assert server.wire() == route
    assert server.body() == {"name": "市场部"}
    assert isinstance(resp, UpdateOrganizationResp)
    await server.run(mode, lambda c: c.organizations.update(organization_id=ORG, description="d"))
    assert server.body() == {"description": "d"}


@pytest.mark.parametrize("mode", MODES)
async def test_organization_members_create_posts_organization_people(mode: str) -> None:
    route = ("POST", f"/v1/organizations/{ORG}/members")
    server = FakeServer(routes={route: envelope()})
    people = [
        NewOrganizationMember(user_id="4113", organization_role_type=OrganizationRoleType.ORGANIZATION_ADMIN),
        {"user_id": "4114", "organization_role_type": "organization_member"},
    ]
    resp = await server.run(
        mode,
        lambda c: c.organizations.members.create(organization_id=ORG, organization_people=people),
    )
    assert server.wire() == route
    assert server.body() == {
        "organization_people": [
            {"user_id": "4113", "organization_role_type": "organization_admin"},
            {"user_id": "4114", "organization_role_type": "organization_member"},
        ]
    }
    assert isinstance(resp, CreateOrganizationMemberResp)


@pytest.mark.parametrize("mode", MODES)
async def test_organization_members_list_reads_members_and_pages(mode: str) -> None:
    route = ("GET", f"/v1/organizations/{ORG}/members")
    member = {
        "user_id": "4114",
        "is_valid": True,
        "avatar_url": "https://example.com/a.jpg",
        "created_at": 1715000000,
        "people_type": "employee",
        "user_nickname": "John",
        "user_unique_name": "John_123",
        "organization_role_type": "organization_admin",
    }
    pages = [
        envelope({"items": [member], "total_count": 2}),
        envelope({"items": [{**member, "user_id": "4115", "people_type": "contractor"}], "total_count": 2}),
    ]
    server = FakeServer(routes={route: pages})
    members = await server.collect(
        mode, lambda c: c.organizations.members.list(organization_id=ORG, page_size=1)
    )
    assert [m.user_id for m in members] == ["4114", "4115"]
    first = members[0]
    assert isinstance(first, OrganizationMember)
    assert first.organization_role_type == OrganizationRoleType.ORGANIZATION_ADMIN
    assert first.people_type == OrganizationPeopleType.EMPLOYEE
    assert (first.is_valid, first.created_at, first.user_unique_name) == (True, 1715000000, "John_123")
    assert members[1].people_type == "contractor"
    assert server.query(0) == {"page_num": "1", "page_size": "1"}
    assert server.query(1) == {"page_num": "2", "page_size": "1"}


@pytest.mark.parametrize("mode", MODES)
async def test_organization_member_delete_and_update(mode: str) -> None:
    route_delete = ("DELETE", f"/v1/organizations/{ORG}/members/4114")
    route_put = ("PUT", f"/v1/organizations/{ORG}/members/4114")
    server = FakeServer(routes={route_delete: envelope(), route_put: envelope()})
    deleted = await server.run(
        mode,
        lambda c: c.organizations.members.delete(
            organization_id=ORG, user_id="4114", receiver_user_id="4113"
        ),
    )
    assert server.wire() == route_delete
    assert server.body() == {"receiver_user_id": "4113"}
    assert isinstance(deleted, DeleteOrganizationMemberResp)
    updated = await server.run(
        mode,
        lambda c: c.organizations.members.update(
            organization_id=ORG, user_id="4114", organization_role_type="organization_member"
        ),
    )
    assert server.wire() == route_put
    assert server.body() == {"organization_role_type": "organization_member"}
    assert isinstance(updated, UpdateOrganizationMemberResp) and updated.logid == "logid-1"


BAD = [
    lambda c: c.enterprises.members.create(enterprise_id=ENT, users=[]),
    lambda c: c.enterprises.members.create(
        enterprise_id=ENT,
        users=[{"user_id": "1", "role": "enterprise_member"}, {"user_id": "2", "role": "enterprise_member"}],
    ),
    lambda c: c.enterprises.members.create(
        enterprise_id=ENT, users=[{"user_id": "", "role": "enterprise_member"}]
    ),
    lambda c: c.enterprises.members.create(enterprise_id=ENT, users=[{"user_id": "1"}]),
    lambda c: c.enterprises.members.create(
        enterprise_id="", users=[{"user_id": "1", "role": "enterprise_admin"}]
    ),
    lambda c: c.enterprises.members.delete(enterprise_id=ENT, user_id="1", receiver_user_id=""),
    lambda c: c.enterprises.members.delete(enterprise_id=ENT, user_id="..", receiver_user_id="2"),
    lambda c: c.enterprises.members.update(enterprise_id=ENT, user_id="1", role=""),
    lambda c: c.enterprises.organizations.create(enterprise_id=ENT, name="", super_admin_user_id="1"),
    lambda c: c.enterprises.organizations.create(enterprise_id=ENT, name="x" * 31, super_admin_user_id="1"),
    lambda c: c.enterprises.organizations.create(enterprise_id=ENT, name="x", super_admin_user_id=" "),
    lambda c: c.enterprises.organizations.create(
        enterprise_id=ENT, name="x", super_admin_user_id="1", description="d" * 101
    ),
    lambda c: c.enterprises.organizations.list(enterprise_id=ENT, page_size=21),
    lambda c: c.enterprises.organizations.list(enterprise_id="", page_size=5),
    lambda c: c.organizations.update(organization_id=ORG, name=""),
    lambda c: c.organizations.update(organization_id=ORG, name="x" * 31),
    lambda c: c.organizations.update(organization_id=ORG, description="d" * 101),
    lambda c: c.organizations.members.create(organization_id=ORG, organization_people=[]),
    lambda c: c.organizations.members.create(
        organization_id=ORG,
        organization_people=[{"user_id": " ", "organization_role_type": "organization_member"}],
    ),
    lambda c: c.organizations.members.list(organization_id=ORG, page_size=51),
    lambda c: c.organizations.members.list(organization_id=ORG, page_num=0),
    lambda c: c.organizations.members.delete(organization_id=ORG, user_id="1", receiver_user_id=""),
    lambda c: c.organizations.members.update(organization_id=ORG, user_id="", organization_role_type="x"),
    lambda c: c.organizations.members.update(organization_id=ORG, user_id="1", organization_role_type=""),
]


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("mode", MODES)
async def test_values_coze_would_reject_fail_before_any_request(mode: str, bad: Callable[[Any], Any]) -> None:
    server = FakeServer()
    with pytest.raises(ValueError):
        await server.run(mode, bad)
    assert server.requests == []


@pytest.mark.parametrize("mode", MODES)
async def test_a_single_member_instead_of_a_list_is_a_type_error(mode: str) -> None:
    server = FakeServer()
    with pytest.raises(TypeError):
        await server.run(
            mode,
            lambda c: c.enterprises.members.create(
                enterprise_id=ENT, users={"user_id": "1", "role": "enterprise_member"}
            ),
        )
    assert server.requests == []
