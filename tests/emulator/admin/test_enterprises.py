"""Enterprises, organizations and their members in the emulator, driven through the SDK."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from cozekit import BadRequestError, CozeAPIError, NotFoundError, PermissionDeniedError
from sync_or_async import Client, collect, open_client, run

from ..raw import raw


def _people(coze_emulator: Any, *names: str) -> Dict[str, str]:
    return {name: coze_emulator.control.create_account(name)["user_id"] for name in names}


async def test_enterprise_members_join_change_role_and_leave(client: Client, coze_emulator: Any) -> None:
    ent = coze_emulator.control.create_enterprise()
    eid = ent["enterprise_id"]
    users = _people(coze_emulator, "ann", "bob")
    await run(
        client.enterprises.members.create(
            enterprise_id=eid, users=[{"user_id": users["ann"], "role": "enterprise_member"}]
        )
    )
    await run(
        client.enterprises.members.create(
            enterprise_id=eid, users=[{"user_id": users["bob"], "role": "enterprise_admin"}]
        )
    )
    with pytest.raises(CozeAPIError) as dup:
        await run(
            client.enterprises.members.create(
                enterprise_id=eid, users=[{"user_id": users["ann"], "role": "enterprise_admin"}]
            )
        )
    assert dup.value.code == 4201

    await run(
        client.enterprises.members.update(enterprise_id=eid, user_id=users["ann"], role="enterprise_admin")
    )
    # ann is an admin now, so she may receive bob's resources
    await run(
        client.enterprises.members.delete(
            enterprise_id=eid, user_id=users["bob"], receiver_user_id=users["ann"]
        )
    )
    with pytest.raises(NotFoundError):
        await run(
            client.enterprises.members.update(
                enterprise_id=eid, user_id=users["bob"], role="enterprise_member"
            )
        )


async def test_enterprise_member_rules(client: Client, coze_emulator: Any) -> None:
    eid = coze_emulator.control.create_enterprise()["enterprise_id"]
    users = _people(coze_emulator, "ann", "bob")
    for uid in users.values():
        await run(
            client.enterprises.members.create(
                enterprise_id=eid, users=[{"user_id": uid, "role": "enterprise_member"}]
            )
        )
    with pytest.raises(BadRequestError):  # not a known role
        await run(
            client.enterprises.members.update(
                enterprise_id=eid, user_id=users["ann"], role="enterprise_owner"
            )
        )
    with pytest.raises(BadRequestError):  # the receiver must be an admin
        await run(
            client.enterprises.members.delete(
                enterprise_id=eid, user_id=users["ann"], receiver_user_id=users["bob"]
            )
        )
    with pytest.raises(BadRequestError):  # the super admin stays
        await run(
            client.enterprises.members.delete(
                enterprise_id=eid, user_id=coze_emulator.user_id, receiver_user_id=users["bob"]
            )
        )
    with pytest.raises(NotFoundError):  # no such user
        await run(
            client.enterprises.members.create(
                enterprise_id=eid, users=[{"user_id": "1", "role": "enterprise_member"}]
            )
        )
    with pytest.raises(NotFoundError):  # no such enterprise
        await run(
            client.enterprises.members.create(
                enterprise_id="volcano_1", users=[{"user_id": users["ann"], "role": "enterprise_member"}]
            )
        )


async def test_organizations_create_list_and_update(client: Client, coze_emulator: Any) -> None:
    ent = coze_emulator.control.create_enterprise()
    eid = ent["enterprise_id"]
    ann = _people(coze_emulator, "ann")["ann"]
    await run(
        client.enterprises.members.create(
            enterprise_id=eid, users=[{"user_id": ann, "role": "enterprise_member"}]
        )
    )
    made = []
    for n in range(3):
        resp = await run(
            client.enterprises.organizations.create(
                enterprise_id=eid, name=f"team {n}", super_admin_user_id=ann, description="builders"
            )
        )
        made.append(resp.organization_id)
    orgs = await collect(client.enterprises.organizations.list(enterprise_id=eid, page_size=2))
    assert [o.organization_id for o in orgs] == [ent["organization_id"], *made]
    assert [o.is_default_organization for o in orgs] == [True, False, False, False]
    assert orgs[1].organization_name == "team 0"

    await run(client.organizations.update(organization_id=made[0], name="platform"))
    orgs = await collect(client.enterprises.organizations.list(enterprise_id=eid))
    assert orgs[1].organization_name == "platform"

    outsider = _people(coze_emulator, "zed")["zed"]
    with pytest.raises(BadRequestError):  # the super admin must be an employee
        await run(
            client.enterprises.organizations.create(enterprise_id=eid, name="x", super_admin_user_id=outsider)
        )
    # what the SDK refuses before sending, the emulator refuses too
    for body in ({"name": " "}, {"name": "x" * 31}, {"description": "d" * 101}):
        assert raw(coze_emulator, "PUT", f"/v1/organizations/{made[0]}", body)["code"] == 4000
    too_many = {
        "organization_people": [{"user_id": ann, "organization_role_type": "organization_member"}] * 2
    }
    assert raw(coze_emulator, "POST", f"/v1/organizations/{made[0]}/members", too_many)["code"] == 4000
    assert raw(coze_emulator, "POST", f"/v1/enterprises/{eid}/members", {"users": []})["code"] == 4000
    with pytest.raises(NotFoundError):
        await run(client.organizations.update(organization_id="1", name="nope"))


async def test_organization_members(client: Client, coze_emulator: Any) -> None:
    ent = coze_emulator.control.create_enterprise()
    eid, org = ent["enterprise_id"], ent["organization_id"]
    users = _people(coze_emulator, "ann", "bob", "guest")
    for name in ("ann", "bob"):
        await run(
            client.enterprises.members.create(
                enterprise_id=eid, users=[{"user_id": users[name], "role": "enterprise_member"}]
            )
        )
    await run(
        client.organizations.members.create(
            organization_id=org,
            organization_people=[{"user_id": users["ann"], "organization_role_type": "organization_admin"}],
        )
    )
    await run(
        client.organizations.members.create(
            organization_id=org,
            organization_people=[{"user_id": users["guest"], "organization_role_type": "organization_guest"}],
        )
    )
    with pytest.raises(BadRequestError):  # an employee is no guest
        await run(
            client.organizations.members.create(
                organization_id=org,
                organization_people=[
                    {"user_id": users["bob"], "organization_role_type": "organization_guest"}
                ],
            )
        )
    with pytest.raises(CozeAPIError) as dup:
        await run(
            client.organizations.members.create(
                organization_id=org,
                organization_people=[
                    {"user_id": users["ann"], "organization_role_type": "organization_member"}
                ],
            )
        )
    assert dup.value.code == 4201

    members = await collect(client.organizations.members.list(organization_id=org, page_size=2))
    by_id = {m.user_id: m for m in members}
    assert list(by_id) == [coze_emulator.user_id, users["ann"], users["guest"]]
    assert by_id[users["ann"]].organization_role_type == "organization_admin"
    assert (by_id[users["ann"]].people_type, by_id[users["guest"]].people_type) == ("employee", "guest")
    assert by_id[users["ann"]].user_unique_name == "ann" and by_id[users["ann"]].created_at is not None

    await run(
        client.organizations.members.update(
            organization_id=org, user_id=users["ann"], organization_role_type="organization_super_admin"
        )
    )
    with pytest.raises(BadRequestError):  # a guest keeps their role
        await run(
            client.organizations.members.update(
                organization_id=org, user_id=users["guest"], organization_role_type="organization_member"
            )
        )
    with pytest.raises(BadRequestError):  # the receiver must be a super admin
        await run(
            client.organizations.members.delete(
                organization_id=org, user_id=users["guest"], receiver_user_id=users["bob"]
            )
        )
    # ann must leave every organization before she leaves the enterprise
    with pytest.raises(BadRequestError):
        await run(
            client.enterprises.members.delete(
                enterprise_id=eid, user_id=users["ann"], receiver_user_id=coze_emulator.user_id
            )
        )
    await run(
        client.organizations.members.delete(
            organization_id=org, user_id=users["ann"], receiver_user_id=coze_emulator.user_id
        )
    )
    await run(
        client.enterprises.members.delete(
            enterprise_id=eid, user_id=users["ann"], receiver_user_id=coze_emulator.user_id
        )
    )
    left = [m.user_id for m in await collect(client.organizations.members.list(organization_id=org))]
    assert left == [coze_emulator.user_id, users["guest"]]
    with pytest.raises(CozeAPIError) as last:  # the only super admin cannot step down
        await run(
            client.organizations.members.update(
                organization_id=org,
                user_id=coze_emulator.user_id,
                organization_role_type="organization_member",
            )
        )
    assert last.value.code == 777074044


async def test_an_account_only_manages_its_own_enterprise(client: Client, coze_emulator: Any) -> None:
    mine = coze_emulator.control.create_enterprise()
    other = coze_emulator.control.create_account("other")
    theirs = coze_emulator.control.create_enterprise(token=other["token"])
    with pytest.raises(PermissionDeniedError) as err:
        await collect(client.enterprises.organizations.list(enterprise_id=theirs["enterprise_id"]))
    assert err.value.code == 4101
    with pytest.raises(PermissionDeniedError):
        await run(client.organizations.update(organization_id=theirs["organization_id"], name="mine now"))
    async with open_client("sync", coze_emulator.base_url, other["token"]) as them:
        with pytest.raises(PermissionDeniedError):
            await collect(them.organizations.members.list(organization_id=mine["organization_id"]))
        own = await collect(them.enterprises.organizations.list(enterprise_id=theirs["enterprise_id"]))
        assert [o.organization_id for o in own] == [theirs["organization_id"]]
