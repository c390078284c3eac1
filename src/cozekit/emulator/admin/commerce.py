"""Commerce: the plan's benefits, end-user bill export tasks and end-user benefit limits.

Every account is on the enterprise plan with fixed quotas. Bill tasks and limits are for enterprise
admins only (the super admin or an `enterprise_admin` of an enterprise made through the control plane).
A bill task is `running` when created and `succeed` from the first time it is listed; its one file is a
CSV served by the control plane.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

from ..core.base import Account, Backend, page_bounds
from ..core.errors import CozeErrors, bad_request, not_found
from ..core.ids import IdGenerator
from ..core.store import Store
from .enterprises import EnterprisesBackend

DAY = 86400
BILL_KEEP = 7 * DAY
NEVER_ENDS = 253402300799
QPS = {"plugin": 20, "chat": 50, "workflow": 50}
"""`api_run_qps` per `resource_id`."""
CALL_TOOL_LIMIT = 1000
LIMIT_TYPES = ("resource_point", "voice_unified_duration_system", "voice_unified_duration_custom")
ENTITY_TYPES = (
    "enterprise_all_devices",
    "enterprise_all_custom_consumers",
    "single_device",
    "single_custom_consumer",
)
SINGLE = ENTITY_TYPES[2:]
STATUSES = ("valid", "frozen")
TRIGGER_UNITS = ("never", "minute", "hour", "day")
BILL_CSV_HEADER = "date,device_id,asr_seconds,tts_characters,tts_calls,rtc_seconds,amount\n"


def _counter(total: float, used: float, start: int) -> Dict[str, Any]:
    item = {"used": used, "total": total, "start_at": start, "end_at": NEVER_ENDS, "strategy": "by_quota"}
    return {"status": "valid", "item_info": item}


def _time(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise bad_request(f"{name} must be Unix seconds")
    return value


class CommerceBackend(Backend):
    def __init__(self, store: Store, ids: IdGenerator, enterprises: EnterprisesBackend) -> None:
        super().__init__(store, ids)
        self.enterprises = enterprises

    # -- benefits -------------------------------------------------------------------------------

    def benefits(
        self, account: Account, type_list: Optional[str], resource_id: Optional[str]
    ) -> Dict[str, Any]:
        types = [t.strip() for t in (type_list or "").split(",") if t.strip()]
        user = self.store.get("user", account.user_id) or {}
        start = int(user.get("created_at") or 0)
        infos: List[Dict[str, Any]] = []
        for benefit_type in dict.fromkeys(types):
            if benefit_type == "api_run_qps":
                if resource_id not in QPS:
                    raise bad_request("resource_id must be plugin, chat or workflow for api_run_qps")
                item = _counter(QPS[resource_id], 0, start)
                infos.append(
                    {
                        "benefit_type": benefit_type,
                        "resource_id": resource_id,
                        "basic": item,
                        "extra": [],
                        "effective": item,
                    }
                )
            elif benefit_type == "call_tool_limit":
                used = float(self.usage(account, "call_tool"))
                item = _counter(CALL_TOOL_LIMIT, used, start)
                infos.append({"benefit_type": benefit_type, "basic": item, "extra": [], "effective": item})
            else:
                raise bad_request(f"unsupported benefit_type {benefit_type!r}")
        return {"basic_info": {"user_level": "enterprise"}, "benefit_info": infos}

    def usage(self, account: Account, what: str) -> int:
        doc = self.store.get("benefit_usage", f"{account.user_id}:{what}")
        return int(doc["count"]) if doc else 0

    def count_use(self, account: Account, what: str) -> None:
        """One more use of `what` (e.g. a paid plugin tool call) by the account."""
        key = f"{account.user_id}:{what}"
        self.store.insert_missing("benefit_usage", {"id": key, "count": 0}, owner=account.user_id)
        with self.store.transaction():  # uses counted at once all count
            doc = self.store.get("benefit_usage", key, lock=True) or {"id": key, "count": 0}
            self.store.upsert("benefit_usage", {**doc, "count": int(doc["count"]) + 1}, owner=account.user_id)

    # -- access ---------------------------------------------------------------------------------

    def _enterprise_of(self, account: Account) -> str:
        """The enterprise the caller administers (the oldest), or 4101."""
        enterprise_id = self.enterprises.administered(account)
        if enterprise_id is None:
            raise CozeErrors.NO_PERMISSION()
        return enterprise_id

    # -- bill tasks -----------------------------------------------------------------------------

    def create_bill_task(self, account: Account, started_at: Any, ended_at: Any) -> Dict[str, Any]:
        today = int(time.time()) // DAY * DAY
        start = today - DAY if started_at is None else _time("started_at", started_at) // DAY * DAY
        end = (start if ended_at is None else _time("ended_at", ended_at)) // DAY * DAY + DAY - 1
        if start >= today or end >= today:
            raise bad_request("today's bill cannot be exported yet; pick days before today (UTC)")
        if start > end:
            raise bad_request("started_at must not be after ended_at")
        owner = self._enterprise_of(account)
        now = self.now()
        task = {
            "id": self.ids.next(),
            "status": "running",
            "started_at": start,
            "ended_at": end,
            "created_at": now,
            "expires_at": now + BILL_KEEP,
        }
        self.store.insert("bill_task", task, owner=owner)
        return _task(task, "")

    def list_bill_tasks(
        self, account: Account, task_ids: Optional[str], page_num: int, page_size: int, base_url: str
    ) -> Dict[str, Any]:
        start, end = page_bounds(page_num, page_size, 200)
        wanted = [t.strip() for t in (task_ids or "").split(",") if t.strip()]
        if len(wanted) > 100:
            raise bad_request("task_ids takes at most 100 ids")
        owner = self._enterprise_of(account)
        with self.store.transaction():
            tasks = self.store.find("bill_task", owner=owner)
            if wanted:
                tasks = [t for t in tasks if t["id"] in wanted]
            else:
                tasks = [t for t in tasks if t["created_at"] >= self.now() - BILL_KEEP]
            page = tasks[start:end]
            for task in page:
                if task["status"] == "running":
                    task["status"] = "succeed"
                    self.store.update("bill_task", task, owner=owner)
        return {"task_infos": [_task(t, base_url) for t in page], "total": len(tasks)}

    def bill_file(self, task_id: str) -> str:
        """The CSV of a finished task: a header and one row per day (no device reports usage here)."""
        task = self.store.get("bill_task", task_id)
        if task is None or task["status"] != "succeed":
            raise not_found("task_id", task_id)
        days = range(int(task["started_at"]), int(task["ended_at"]), DAY)
        rows = [time.strftime("%Y-%m-%d", time.gmtime(day)) + ",,0,0,0,0,0.00\n" for day in days]
        return BILL_CSV_HEADER + "".join(rows)

    # -- limitations ----------------------------------------------------------------------------

    def create_limitation(
        self,
        account: Account,
        entity_type: Optional[str],
        entity_id: Optional[str],
        info: Optional[Dict[str, Any]],
    ) -> Dict[str, Any]:
        entity_id = _entity(entity_type, entity_id)
        if not isinstance(info, dict):
            raise bad_request("benefit_info is required")
        if info.get("benefit_type") not in LIMIT_TYPES:
            raise bad_request(f"benefit_type must be one of {', '.join(LIMIT_TYPES)}")
        for key in ("active_mode", "started_at", "ended_at", "limit"):
            if info.get(key) is None:
                raise bad_request(f"benefit_info.{key} is required")
        doc: Dict[str, Any] = {
            "benefit_type": info["benefit_type"],
            "entity_type": entity_type,
            "entity_id": entity_id,
            "status": "valid",
            "trigger_unit": "never",
            "trigger_time": 1,
        }
        doc.update(_changes(info))
        owner = self._enterprise_of(account)
        with self.store.transaction():
            if entity_type not in SINGLE:
                periodic = doc["trigger_unit"] != "never"
                for other in self.store.find("benefit_limitation", owner=owner):
                    same = (other["entity_type"], other["benefit_type"]) == (entity_type, doc["benefit_type"])
                    if same and (other["trigger_unit"] != "never") == periodic:
                        kind = "periodic" if periodic else "cumulative"
                        raise bad_request(f"{entity_type} already has a {kind} {doc['benefit_type']} limit")
            doc["id"] = self.ids.next()
            self.store.insert("benefit_limitation", doc, owner=owner)
        return {"benefit_info": _limitation(doc)}

    def list_limitations(
        self,
        account: Account,
        entity_type: Optional[str],
        entity_id: Optional[str],
        benefit_type: Optional[str],
        status: Optional[str],
        page_token: Optional[str],
        page_size: int,
    ) -> Dict[str, Any]:
        entity_id = _entity(entity_type, entity_id)
        if benefit_type not in LIMIT_TYPES:
            raise bad_request(f"benefit_type must be one of {', '.join(LIMIT_TYPES)}")
        status = status or "valid"
        if status not in STATUSES:
            raise bad_request("status must be valid or frozen")
        if not 1 <= page_size <= 200:
            raise bad_request("page_size must be between 1 and 200")
        token = page_token or "0"
        if not token.isdigit():
            raise bad_request("page_token is invalid")
        owner = self._enterprise_of(account)
        items = [
            _limitation(d)
            for d in self.store.find("benefit_limitation", owner=owner)
            if (d["entity_type"], d["entity_id"], d["benefit_type"], d["status"])
            == (entity_type, entity_id, benefit_type, status)
        ]
        first = int(token)
        last = first + page_size
        more = last < len(items)
        return {"benefit_infos": items[first:last], "has_more": more, "page_token": str(last) if more else ""}

    def update_limitation(self, account: Account, benefit_id: str, fields: Dict[str, Any]) -> None:
        changes = _changes(fields)
        if not changes:
            raise bad_request("nothing to change")
        owner = self._enterprise_of(account)
        with self.store.transaction():
            doc = self.store.get("benefit_limitation", benefit_id, owner=owner, lock=True)
            if doc is None:
                raise not_found("benefit_id", benefit_id)
            merged = {**doc, **changes}
            if merged["started_at"] > merged["ended_at"]:
                raise bad_request("started_at must not be after ended_at")
            self.store.update("benefit_limitation", merged, owner=owner)


def _entity(entity_type: Optional[str], entity_id: Optional[str]) -> str:
    if entity_type not in ENTITY_TYPES:
        raise bad_request(f"entity_type must be one of {', '.join(ENTITY_TYPES)}")
    if entity_type in SINGLE:
        if not entity_id:
            raise bad_request(f"entity_id is required for {entity_type}")
        return entity_id
    return ""


def _changes(fields: Dict[str, Any]) -> Dict[str, Any]:
    """The settable fields of a limit, checked."""
    out: Dict[str, Any] = {}
    if fields.get("active_mode") is not None:
        if fields["active_mode"] != "absolute_time":
            raise bad_request("active_mode must be absolute_time")
        out["active_mode"] = "absolute_time"
    for key in ("started_at", "ended_at"):
        if fields.get(key) is not None:
            out[key] = _time(key, fields[key])
    if "started_at" in out and "ended_at" in out and out["started_at"] > out["ended_at"]:
        raise bad_request("started_at must not be after ended_at")
    if fields.get("limit") is not None:
        limit = fields["limit"]
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise bad_request("limit must be a non-negative integer")
        out["limit"] = limit
    if fields.get("status") is not None:
        if fields["status"] not in STATUSES:
            raise bad_request("status must be valid or frozen")
        out["status"] = fields["status"]
    if fields.get("trigger_unit") is not None:
        if fields["trigger_unit"] not in TRIGGER_UNITS:
            raise bad_request(f"trigger_unit must be one of {', '.join(TRIGGER_UNITS)}")
        out["trigger_unit"] = fields["trigger_unit"]
    if fields.get("trigger_time") is not None:
        trigger_time = fields["trigger_time"]
        if isinstance(trigger_time, bool) or not isinstance(trigger_time, int) or trigger_time < 1:
            raise bad_request("trigger_time must be a positive integer")
        out["trigger_time"] = trigger_time
    return out


def _limitation(doc: Dict[str, Any]) -> Dict[str, Any]:
    out = {k: v for k, v in doc.items() if k != "id"}
    out["benefit_id"] = doc["id"]
    if not out.get("entity_id"):
        out.pop("entity_id", None)
    return out


def _task(task: Dict[str, Any], base_url: str) -> Dict[str, Any]:
    out = {k: v for k, v in task.items() if k != "id"}
    out["task_id"] = task["id"]
    done = task["status"] == "succeed" and base_url
    out["file_urls"] = [f"{base_url}/_emulator/commerce/bills/{task['id']}.csv"] if done else []
    return out
