"""Enterprise administration: members, organizations, then the plan's benefits and a bill export.

Run it as an enterprise (super) admin with COZE_ENTERPRISE_ID set, and COZE_MEMBER_USER_IDS set to two
comma-separated Coze user ids to add. Against the local emulator, leave both unset: the example creates
the enterprise and the two accounts through the emulator's control plane.
"""

import os
from typing import List

from cozekit import Coze
from cozekit.types import (
    BenefitType,
    EnterpriseMember,
    EnterpriseMemberRole,
    NewOrganizationMember,
    OrganizationRoleType,
)

base_url = os.environ.get("COZE_API_BASE", "https://api.coze.com")
enterprise_id = os.environ.get("COZE_ENTERPRISE_ID", "")
member_ids: List[str] = [uid for uid in os.environ.get("COZE_MEMBER_USER_IDS", "").split(",") if uid]
if not enterprise_id:  # the emulator: an enterprise run by this token's account, and two people to add
    from cozekit.emulator import ControlClient

    control = ControlClient(base_url)
    enterprise_id = control.create_enterprise(token=os.environ["COZE_API_TOKEN"])["enterprise_id"]
    member_ids = [control.create_account(name)["user_id"] for name in ("ann", "bob")]
    control.close()
ann, bob = member_ids[:2]

coze = Coze()  # TokenAuth($COZE_API_TOKEN) on $COZE_API_BASE
me = coze.users.me().user_id

# Members join one per call; bob becomes an enterprise admin afterwards.
for user_id in (ann, bob):
    member = EnterpriseMember(user_id=user_id, role=EnterpriseMemberRole.ENTERPRISE_MEMBER)
    coze.enterprises.members.create(enterprise_id=enterprise_id, users=[member])
coze.enterprises.members.update(
    enterprise_id=enterprise_id, user_id=bob, role=EnterpriseMemberRole.ENTERPRISE_ADMIN
)

# A new organization run by bob, with ann in it.
made = coze.enterprises.organizations.create(
    enterprise_id=enterprise_id, name="Platform", super_admin_user_id=bob, description="Shared services"
)
org = made.organization_id
coze.organizations.members.create(
    organization_id=org,
    organization_people=[
        NewOrganizationMember(user_id=ann, organization_role_type=OrganizationRoleType.ORGANIZATION_MEMBER)
    ],
)
coze.organizations.update(organization_id=org, name="Platform team")
for organization in coze.enterprises.organizations.list(enterprise_id=enterprise_id):
    default = " (default)" if organization.is_default_organization else ""
    print(f"organization: {organization.organization_name}{default}")
for person in coze.organizations.members.list(organization_id=org):
    print("  member:", person.user_id, person.organization_role_type, person.people_type)

# Ann leaves: first the organization (bob receives her resources there), then the enterprise.
coze.organizations.members.delete(organization_id=org, user_id=ann, receiver_user_id=bob)
coze.enterprises.members.delete(enterprise_id=enterprise_id, user_id=ann, receiver_user_id=me)
left = [person.user_id for person in coze.organizations.members.list(organization_id=org)]
print("ann left; members of the organization now:", left)

# Commerce: the plan, its chat QPS and plugin-call quota, and yesterday's end-user bills.
plan = coze.commerce.benefits.retrieve(
    benefit_type_list=[BenefitType.API_RUN_QPS, BenefitType.CALL_TOOL_LIMIT], resource_id="chat"
)
print("plan:", plan.basic_info.user_level if plan.basic_info else "?")
for benefit in plan.benefit_info:
    counter = benefit.effective.item_info if benefit.effective else None
    if counter is not None:
        print(f"  {benefit.benefit_type}: used {counter.used or 0:g} of {counter.total or 0:g}")
task = coze.commerce.bill_tasks.create()  # yesterday, by default
print("bill task:", task.task_id, task.status)
for done in coze.commerce.bill_tasks.list(task_ids=[task.task_id]):
    print("bill task now:", done.status, "files:", len(done.file_urls))
