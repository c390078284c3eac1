"""Enterprises, their members and organizations, and organization members.

An enterprise is made through the control plane for one account, its super admin. Only the super
admin and enterprise admins may manage it (4101 for anyone else); members are emulator users.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..core.base import Account, Backend, page_bounds
from ..core.errors import CozeErrors, bad_request, not_found

ENTERPRISE_ROLES = ("enterprise_admin", "enterprise_member")
SUPER_ADMIN = "enterprise_super_admin"
ORG_ROLES = ("organization_super_admin", "organization_admin", "organization_member", "organization_guest")
ORG_SUPER_ADMIN = "organization_super_admin"
ORG_GUEST = "organization_guest"
MAX_MEMBERS = 100
MAX_ORGS = 20


def _check_texts(name: Optional[str], description: Optional[str], *, name_required: bool) -> None:
    if name is None and name_required:
        raise bad_request("name is required")
    if name is not None and (not name.strip() or len(name) > 30):
        raise bad_request("name has 1-30 characters")
    if description is not None and len(description) > 100:
        raise bad_request("description has at most 100 characters")


def _one_person(
    people: Optional[List[Dict[str, Any]]], field: str, role_key: str, roles: Sequence[str]
) -> Tuple[str, str]:
    """The one member a call adds (`field` holds exactly one) with a valid role."""
    if not people or len(people) != 1:
        raise bad_request(f"{field} takes exactly one member per call")
    user_id, role = str(people[0].get("user_id") or ""), people[0].get(role_key)
    if not user_id:
        raise bad_request(f"{field}[0].user_id is required")
    return user_id, _check_role(role, role_key, roles)


def _check_role(role: Optional[str], role_key: str, roles: Sequence[str]) -> str:
    if role not in roles:
        raise bad_request(f"{role_key} must be one of {', '.join(roles)}")
    return str(role)


def _require_receiver(receiver_user_id: Optional[str]) -> str:
    if not receiver_user_id:
        raise bad_request("receiver_user_id is required")
    return receiver_user_id


def _found(member: Optional[Dict[str, Any]], user_id: str) -> Dict[str, Any]:
    if member is None:
        raise not_found("user_id", user_id)
    return member


class EnterprisesBackend(Backend):
    def create_enterprise(self, owner: Account, name: str) -> Dict[str, str]:
        """An enterprise whose super admin is `owner`, with its default organization."""
        enterprise_id = "volcano_" + self.ids.next()
        org_id = self.ids.next()
        with self.store.transaction():
            doc = {"id": enterprise_id, "name": name, "owner": owner.user_id, "created_at": self.now()}
            self.store.insert("enterprise", doc, owner=owner.user_id)
            self._put_member(enterprise_id, owner.user_id, SUPER_ADMIN)
            org = {
                "id": org_id,
                "enterprise_id": enterprise_id,
                "name": "Default organization",
                "description": "",
                "is_default": True,
                "created_at": self.now(),
            }
            self.store.insert("organization", org, owner=enterprise_id, parent=enterprise_id)
            self._put_org_member(org_id, owner.user_id, ORG_SUPER_ADMIN)
        return {"enterprise_id": enterprise_id, "organization_id": org_id}

    # -- access ---------------------------------------------------------------------------------

    def _enterprise(self, account: Account, enterprise_id: str, lock: bool = False) -> Dict[str, Any]:
        """The enterprise the caller administers; `lock` (in a transaction): member changes of one
        enterprise take turns, so checks such as "one super admin stays" hold."""
        doc = self.store.get("enterprise", enterprise_id, lock=lock)
        if doc is None:
            raise not_found("enterprise_id", enterprise_id)
        me = self._member(enterprise_id, account.user_id)
        if me is None or me["role"] not in (SUPER_ADMIN, "enterprise_admin"):
            raise CozeErrors.NO_PERMISSION()
        return doc

    def administered(self, account: Account) -> Optional[str]:
        """The oldest enterprise the caller is super admin or admin of, if any."""
        for member in self.store.find("enterprise_member"):
            if member["user_id"] == account.user_id and member["role"] in (SUPER_ADMIN, "enterprise_admin"):
                return str(member["id"]).rsplit(":", 1)[0]
        return None

    def _organization(self, account: Account, organization_id: str, lock: bool = False) -> Dict[str, Any]:
        org = self.store.get("organization", organization_id, lock=lock)
        if org is None:
            raise not_found("organization_id", organization_id)
        self._enterprise(account, str(org["enterprise_id"]))
        return org

    def _user(self, user_id: str) -> Dict[str, Any]:
        user = self.store.get("user", user_id)
        if user is None:
            raise not_found("user_id", user_id)
        return user

    # -- enterprise members ---------------------------------------------------------------------

    def _member(self, enterprise_id: str, user_id: str) -> Optional[Dict[str, Any]]:
        return self.store.get("enterprise_member", f"{enterprise_id}:{user_id}")

    def _put_member(self, enterprise_id: str, user_id: str, role: str) -> None:
        doc = {"id": f"{enterprise_id}:{user_id}", "user_id": user_id, "role": role, "created_at": self.now()}
        self.store.upsert("enterprise_member", doc, owner=enterprise_id, parent=enterprise_id)

    def add_member(self, account: Account, enterprise_id: str, users: Optional[List[Dict[str, Any]]]) -> None:
        user_id, role = _one_person(users, "users", "role", ENTERPRISE_ROLES)
        with self.store.transaction():
            self._enterprise(account, enterprise_id, lock=True)
            self._user(user_id)
            if self._member(enterprise_id, user_id) is not None:
                raise CozeErrors.ALREADY_MEMBER(user_id=user_id, group="enterprise")
            if self.store.count("enterprise_member", parent=enterprise_id) >= MAX_MEMBERS:
                raise CozeErrors.ENTERPRISE_MEMBER_LIMIT(limit=MAX_MEMBERS)
            self._put_member(enterprise_id, user_id, role)

    def update_member(self, account: Account, enterprise_id: str, user_id: str, role: Optional[str]) -> None:
        new_role = _check_role(role, "role", ENTERPRISE_ROLES)
        with self.store.transaction():
            self._enterprise(account, enterprise_id, lock=True)
            member = _found(self._member(enterprise_id, user_id), user_id)
            if member["role"] == SUPER_ADMIN:
                raise bad_request("the enterprise super admin's role cannot be changed")
            self._put_member(enterprise_id, user_id, new_role)

    def remove_member(
        self, account: Account, enterprise_id: str, user_id: str, receiver_user_id: Optional[str]
    ) -> None:
        receiver_id = _require_receiver(receiver_user_id)
        with self.store.transaction():
            self._enterprise(account, enterprise_id, lock=True)
            member = _found(self._member(enterprise_id, user_id), user_id)
            if member["role"] == SUPER_ADMIN:
                raise bad_request("the enterprise super admin cannot be removed")
            receiver = self._member(enterprise_id, receiver_id)
            if receiver_id == user_id or receiver is None or receiver["role"] == "enterprise_member":
                raise bad_request(
                    "receiver_user_id must be the enterprise super admin or an enterprise admin"
                )
            for org in self.store.find("organization", parent=enterprise_id):
                if self._org_member(str(org["id"]), user_id) is not None:
                    raise bad_request(f"remove the user from organization {org['id']} first")
            self.store.delete("enterprise_member", f"{enterprise_id}:{user_id}")

    # -- organizations --------------------------------------------------------------------------

    def create_organization(
        self,
        account: Account,
        enterprise_id: str,
        name: Optional[str],
        super_admin_user_id: Optional[str],
        description: Optional[str],
    ) -> Dict[str, str]:
        _check_texts(name, description, name_required=True)
        if not super_admin_user_id:
            raise bad_request("super_admin_user_id is required")
        with self.store.transaction():
            self._enterprise(account, enterprise_id, lock=True)
            if self._member(enterprise_id, super_admin_user_id) is None:
                raise bad_request("super_admin_user_id must be an employee of the enterprise")
            if self.store.count("organization", parent=enterprise_id) >= MAX_ORGS:
                raise bad_request(f"an enterprise has at most {MAX_ORGS} organizations")
            org = {
                "id": self.ids.next(),
                "enterprise_id": enterprise_id,
                "name": name,
                "description": description or "",
                "is_default": False,
                "created_at": self.now(),
            }
            self.store.insert("organization", org, owner=enterprise_id, parent=enterprise_id)
            self._put_org_member(str(org["id"]), super_admin_user_id, ORG_SUPER_ADMIN)
        return {"organization_id": str(org["id"])}

    def list_organizations(
        self, account: Account, enterprise_id: str, page_num: int, page_size: int
    ) -> Dict[str, Any]:
        start, end = page_bounds(page_num, page_size, 20)
        self._enterprise(account, enterprise_id)
        orgs = self.store.find("organization", parent=enterprise_id)
        items = [
            {
                "organization_id": o["id"],
                "organization_name": o["name"],
                "organization_icon_url": "",
                "is_default_organization": bool(o["is_default"]),
            }
            for o in orgs[start:end]
        ]
        return {"items": items, "total_count": len(orgs)}

    def update_organization(
        self, account: Account, organization_id: str, name: Optional[str], description: Optional[str]
    ) -> None:
        _check_texts(name, description, name_required=False)
        with self.store.transaction():
            org = self._organization(account, organization_id, lock=True)
            if name is not None:
                org["name"] = name
            if description is not None:
                org["description"] = description
            self.store.update(
                "organization", org, owner=str(org["enterprise_id"]), parent=str(org["enterprise_id"])
            )

    # -- organization members -------------------------------------------------------------------

    def _org_member(self, organization_id: str, user_id: str) -> Optional[Dict[str, Any]]:
        return self.store.get("organization_member", f"{organization_id}:{user_id}")

    def _put_org_member(self, organization_id: str, user_id: str, role: str, joined: int = 0) -> None:
        doc = {
            "id": f"{organization_id}:{user_id}",
            "user_id": user_id,
            "role": role,
            "created_at": joined or self.now(),
        }
        self.store.upsert("organization_member", doc, owner=organization_id, parent=organization_id)

    def add_org_members(
        self, account: Account, organization_id: str, people: Optional[List[Dict[str, Any]]]
    ) -> None:
        user_id, role = _one_person(people, "organization_people", "organization_role_type", ORG_ROLES)
        with self.store.transaction():
            org = self._organization(account, organization_id, lock=True)
            self._user(user_id)
            employee = self._member(str(org["enterprise_id"]), user_id) is not None
            if employee and role == ORG_GUEST:
                raise bad_request("an employee cannot be an organization guest")
            if not employee and role != ORG_GUEST:
                raise bad_request("a user outside the enterprise can only join as organization_guest")
            if self._org_member(organization_id, user_id) is not None:
                raise CozeErrors.ALREADY_MEMBER(user_id=user_id, group="organization")
            self._put_org_member(organization_id, user_id, role)

    def list_org_members(
        self, account: Account, organization_id: str, page_num: int, page_size: int
    ) -> Dict[str, Any]:
        start, end = page_bounds(page_num, page_size, 50)
        org = self._organization(account, organization_id)
        members = self.store.find("organization_member", parent=organization_id)
        items = []
        for m in members[start:end]:
            user = self.store.get("user", str(m["user_id"])) or {}
            employee = self._member(str(org["enterprise_id"]), str(m["user_id"])) is not None
            items.append(
                {
                    "user_id": m["user_id"],
                    "organization_role_type": m["role"],
                    "people_type": "employee" if employee else "guest",
                    "is_valid": bool(user),
                    "avatar_url": "",
                    "user_nickname": user.get("nick_name", ""),
                    "user_unique_name": user.get("user_name", ""),
                    "created_at": m["created_at"],
                }
            )
        return {"items": items, "total_count": len(members)}

    def update_org_member(
        self, account: Account, organization_id: str, user_id: str, role: Optional[str]
    ) -> None:
        new_role = _check_role(role, "organization_role_type", ORG_ROLES[:3])
        with self.store.transaction():
            self._organization(account, organization_id, lock=True)
            member = _found(self._org_member(organization_id, user_id), user_id)
            if member["role"] == ORG_GUEST:
                raise bad_request("a guest's role cannot be changed")
            if member["role"] == ORG_SUPER_ADMIN and new_role != ORG_SUPER_ADMIN:
                self._keep_a_super_admin(organization_id, user_id)
            self._put_org_member(organization_id, user_id, new_role, joined=int(member["created_at"]))

    def remove_org_member(
        self, account: Account, organization_id: str, user_id: str, receiver_user_id: Optional[str]
    ) -> None:
        receiver_id = _require_receiver(receiver_user_id)
        with self.store.transaction():
            self._organization(account, organization_id, lock=True)
            member = _found(self._org_member(organization_id, user_id), user_id)
            if member["role"] == ORG_SUPER_ADMIN:
                self._keep_a_super_admin(organization_id, user_id)
            receiver = self._org_member(organization_id, receiver_id)
            if receiver_id == user_id or receiver is None or receiver["role"] != ORG_SUPER_ADMIN:
                raise bad_request("receiver_user_id must be a super admin of the organization")
            self.store.delete("organization_member", f"{organization_id}:{user_id}")

    def _keep_a_super_admin(self, organization_id: str, leaving: str) -> None:
        others = [
            m
            for m in self.store.find("organization_member", parent=organization_id)
            if m["role"] == ORG_SUPER_ADMIN and m["user_id"] != leaving
        ]
        if not others:
            raise CozeErrors.LAST_SUPER_ADMIN()
