"""Channels (connectors): installing one in a workspace, binding devices, reviewing published bots.

The API (`1024`) and Chat SDK (`999`) channels are built in and installed everywhere. Custom channels
are made through the control plane for one account (the channel's owner, whose token is the channel
token); device binding works only for the keys given there.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..core.base import Account, Backend
from ..core.errors import CozeErrors, bad_request, forbidden, not_found
from ..core.ids import IdGenerator
from ..core.store import Store
from .backend import WorkspacesBackend

BUILT_IN = {"1024": "API", "999": "Chat SDK"}
AUDIT_STATUSES = (1, 2, 3)
REJECTED = 3


class ConnectorsBackend(Backend):
    KIND = "connector"

    def __init__(self, store: Store, ids: IdGenerator, workspaces: WorkspacesBackend) -> None:
        super().__init__(store, ids)
        self.workspaces = workspaces

    def create(self, owner: Account, name: str, device_keys: List[str]) -> Dict[str, Any]:
        """A custom channel owned by `owner`; `device_keys` turn on device binding for those keys."""
        doc = {
            "id": self.ids.next(),
            "name": name,
            "owner": owner.user_id,
            "device_keys": list(dict.fromkeys(device_keys)),
            "installed_workspaces": [],
            "user_configs": {},
            "reviews": {},
        }
        self.store.insert(self.KIND, doc, owner=owner.user_id)
        return doc

    def get(self, connector_id: str, lock: bool = False) -> Dict[str, Any]:
        doc = self.store.get(self.KIND, connector_id, lock=lock)
        if doc is None:
            raise not_found("connector_id", connector_id)
        return doc

    def _owned(self, account: Account, connector_id: str, lock: bool = False) -> Dict[str, Any]:
        """A custom channel the caller owns (its token is the channel token). The built-in channels
        exist, but belong to the platform: no account binds devices or reports reviews for them."""
        if connector_id in BUILT_IN:
            raise forbidden(
                f"connector {connector_id} ({BUILT_IN[connector_id]}) is built in; only a custom channel's "
                "own token binds devices or reports review results"
            )
        doc = self.get(connector_id, lock=lock)
        if doc["owner"] != account.user_id:
            raise forbidden()
        return doc

    def _save(self, doc: Dict[str, Any]) -> None:
        self.store.update(self.KIND, doc, owner=str(doc["owner"]))

    def install(self, account: Account, connector_id: str, workspace_id: Optional[str]) -> None:
        if not workspace_id:
            raise bad_request("workspace_id is required")
        with self.store.transaction():
            _, role = self.workspaces.visible(account, workspace_id)
            if role not in ("owner", "admin"):
                raise CozeErrors.NO_PERMISSION()
            if connector_id in BUILT_IN:
                return
            doc = self.get(connector_id, lock=True)  # installs at once are all kept
            if workspace_id not in doc["installed_workspaces"]:
                doc["installed_workspaces"].append(workspace_id)
                self._save(doc)

    def bind_user_configs(
        self,
        account: Account,
        connector_id: str,
        configs: Optional[List[Dict[str, Any]]],
        user_id: Optional[str],
    ) -> None:
        items = _check_configs(configs)
        with self.store.transaction():
            doc = self._owned(account, connector_id, lock=True)
            if not doc["device_keys"]:
                raise CozeErrors.NO_PERMISSION(f"device binding is not enabled for connector {connector_id}")
            for item in items:
                if item["key"] not in doc["device_keys"]:
                    raise bad_request(f"config key {item['key']!r} is not configured for this connector")
            if user_id and self.store.get("user", user_id) is None:
                raise not_found("user_id", user_id)
            bound: Dict[str, Dict[str, str]] = doc["user_configs"].setdefault(user_id or "", {})
            for item in items:
                for choice in item["enums"]:
                    bound[f"{item['key']}:{choice['value']}"] = {
                        "key": item["key"],
                        "label": choice["label"],
                        "value": choice["value"],
                    }
            self._save(doc)

    def review(
        self,
        account: Account,
        connector_id: str,
        bot_id: str,
        audit_status: Optional[int],
        reason: Optional[str],
    ) -> None:
        if audit_status not in AUDIT_STATUSES:
            raise bad_request("audit_status must be 1 (pending), 2 (approved) or 3 (rejected)")
        if audit_status == REJECTED and not (reason or "").strip():
            raise bad_request("reason is required when audit_status is 3 (rejected)")
        with self.store.transaction():
            doc = self._owned(account, connector_id, lock=True)
            bot = self.store.get("bot", bot_id)
            if bot is None:
                raise not_found("bot_id", bot_id)
            if connector_id not in bot.get("connectors", []):
                raise bad_request(f"bot {bot_id} is not published to connector {connector_id}")
            doc["reviews"][bot_id] = {"audit_status": audit_status, "reason": reason or "", "at": self.now()}
            self._save(doc)

    def audit_answer(self, connector_id: str, bot_id: str, answer: Any) -> bool:
        """A channel callback's answer to `bot.published` (`{"audit": {"audit_status", "reason"}}`) recorded
        as the channel's review of the bot; False when the answer holds no valid audit."""
        audit = answer.get("audit") if isinstance(answer, dict) else None
        status = audit.get("audit_status") if isinstance(audit, dict) else None
        if status not in AUDIT_STATUSES:
            return False
        with self.store.transaction():
            doc = self.store.get(self.KIND, connector_id, lock=True)
            if doc is None:
                return False
            reason = str(audit.get("reason") or "")  # type: ignore[union-attr]
            doc["reviews"][bot_id] = {"audit_status": status, "reason": reason, "at": self.now()}
            self._save(doc)
        return True


def _check_configs(configs: Optional[List[Dict[str, Any]]]) -> List[Dict[str, Any]]:
    if not configs:
        raise bad_request("configs is required")
    checked = []
    for config in configs:
        key = str(config.get("key") or "")
        enums = config.get("enums")
        if not key.strip():
            raise bad_request("configs[].key is required")
        if not isinstance(enums, list) or not enums:
            raise bad_request(f"config {key!r} needs at least one enum")
        choices = []
        for choice in enums:
            label, value = str(choice.get("label") or ""), str(choice.get("value") or "")
            if not label.strip() or not value.strip():
                raise bad_request(f"every enum of config {key!r} needs a label and a value")
            choices.append({"label": label, "value": value})
        checked.append({"key": key, "enums": choices})
    return checked
