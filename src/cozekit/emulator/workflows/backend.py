"""Workflows: definitions with published versions, the catalogue, and run records (run history)."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

from ..core.base import Account, Backend
from ..core.collaboration import (
    add_collaborator,
    collaborator_to_add,
    remove_collaborator,
    set_collaboration_mode,
)
from ..core.errors import CozeErrors, bad_request, not_found
from ..core.store import is_null, not_null
from .canvas.adapter import definition as canvas_definition
from .engine.definition import Definition, DefinitionError, param_info
from .engine.definition import parse as parse_definition

MAX_PAGE = 30
TRIM_BYTES = 1024 * 1024
STATUS_OUT = {"Interrupted": "Running"}


def parse(raw: Dict[str, Any]) -> Definition:
    """A stored document's definition: a Coze canvas (`canvas`, run by the canvas package) or the
    emulator's own format (docs/emulator-workflows.md); raises DefinitionError."""
    if "canvas" in raw:
        return canvas_definition(raw)
    return parse_definition(raw)


class WorkflowsBackend(Backend):
    premium = True
    """False makes async runs answer 6003, as on a free plan."""
    trim_bytes = TRIM_BYTES
    """History outputs longer than this are trimmed (`is_output_trimmed`); nodes keep the full text."""

    def reset_settings(self) -> None:
        self.premium = True
        self.trim_bytes = TRIM_BYTES

    # -- definitions -------------------------------------------------------------------------------

    def load(self, account: Account, workspace_id: str, raw: Dict[str, Any]) -> Dict[str, Any]:
        """Create or update a workflow from a definition; publish it as a new version unless
        `"published": false`. A definition without `id` replaces the workspace's one of the same name."""
        try:
            definition = parse(raw)
        except DefinitionError as exc:
            raise bad_request(f"invalid workflow definition: {exc}") from None
        with self.store.transaction():
            doc = self._existing(account, workspace_id, raw, definition)
            now = self.now()
            write = self.store.update if doc is not None else self.store.insert
            if doc is None:
                doc = {
                    "id": str(raw.get("id") or self.ids.next()),
                    "workspace_id": workspace_id,
                    "creator": {"id": account.user_id, "name": account.user_name},
                    "created_at": now,
                    "versions": [],
                }
            doc.update(
                name=definition.name,
                description=definition.description,
                mode=definition.mode,
                app_id=str(raw.get("app_id") or "0"),
                icon_url=str(raw.get("icon_url") or ""),
                draft=raw,
                updated_at=now,
            )
            unchanged = bool(doc["versions"]) and _same(doc["versions"][-1]["definition"], raw)
            if raw.get("published", True) and not unchanged:
                version = str(raw.get("version") or f"v0.0.{len(doc['versions']) + 1}")
                if any(v["version"] == version for v in doc["versions"]):
                    raise bad_request(f"workflow {doc['id']} already has version {version}")
                entry = {"version": version, "definition": raw, "description": definition.description}
                doc["versions"].append({**entry, "created_at": now, "updated_at": now})
            write("workflow", doc, owner=account.user_id, parent=workspace_id)
        return self.summary(doc)

    def _existing(
        self, account: Account, workspace_id: str, raw: Dict[str, Any], definition: Definition
    ) -> Optional[Dict[str, Any]]:
        if raw.get("id"):  # held: two loads of one workflow each add their version
            doc = self.store.get("workflow", str(raw["id"]), lock=True)
            if doc is not None and doc["workspace_id"] != workspace_id:
                raise bad_request(f"workflow id {raw['id']} belongs to another workspace")
            return doc
        for doc in self.store.find("workflow", owner=account.user_id, parent=workspace_id):
            if doc["name"] == definition.name:
                return self.store.get("workflow", str(doc["id"]), lock=True)
        return None

    @staticmethod
    def summary(doc: Dict[str, Any]) -> Dict[str, Any]:
        latest = doc["versions"][-1]["version"] if doc["versions"] else ""
        return {"workflow_id": doc["id"], "name": doc["name"], "mode": doc["mode"], "version": latest}

    def get(self, account: Account, workflow_id: str, lock: bool = False) -> Dict[str, Any]:
        doc = self.store.get("workflow", workflow_id, owner=account.user_id, lock=lock)
        if doc is None:
            raise not_found("workflow_id", workflow_id)
        return doc

    def all(self, account: Account) -> List[Dict[str, Any]]:
        return self.store.find("workflow", owner=account.user_id)

    def delete(self, account: Account, workflow_id: str) -> None:
        self.get(account, workflow_id)
        self.store.delete("workflow", workflow_id)

    def published(
        self, account: Account, workflow_id: str, version: Optional[str] = None
    ) -> Tuple[Dict[str, Any], Definition, str]:
        """The workflow, its definition and version as runs see it: published only (else 4200)."""
        doc = self.get(account, workflow_id)
        if not doc["versions"]:
            raise CozeErrors.RESOURCE_NOT_FOUND(f"workflow_id={workflow_id} has not been published")
        versions = [v for v in doc["versions"] if not version or v["version"] == version]
        if not versions:
            raise CozeErrors.RESOURCE_NOT_FOUND(f"workflow_id={workflow_id} has no version {version}")
        entry = versions[-1]
        return doc, parse(entry["definition"]), entry["version"]

    # -- catalogue ---------------------------------------------------------------------------------

    @staticmethod
    def basic(doc: Dict[str, Any], text_times: bool) -> Dict[str, Any]:
        times = (
            (str(doc["created_at"]), str(doc["updated_at"]))
            if text_times
            else (doc["created_at"], doc["updated_at"])
        )
        return {
            "workflow_id": doc["id"],
            "workflow_name": doc["name"],
            "description": doc["description"],
            "icon_url": doc["icon_url"],
            "app_id": doc["app_id"],
            "creator": dict(doc["creator"]),
            "created_at": times[0],
            "updated_at": times[1],
        }

    def list(
        self,
        account: Account,
        workspace_id: str,
        page_num: int,
        page_size: int,
        workflow_mode: Optional[str],
        app_id: Optional[str],
        publish_status: Optional[str],
    ) -> Dict[str, Any]:
        if page_num < 1:
            raise bad_request("page_num must be >= 1")
        size = max(1, min(page_size, MAX_PAGE))  # PY sends 100: clamp, don't reject (get_workflow_list: 1-30)
        if self.store.get("workspace", workspace_id, owner=account.user_id) is None:
            raise not_found("workspace_id", workspace_id)
        where: Dict[str, Any] = {}
        status = publish_status or "published_online"
        if status == "published_online":
            where["versions.0"] = not_null()
        elif status == "unpublished_draft":
            where["versions.0"] = is_null()
        elif status != "all":
            raise bad_request(f"unknown publish_status {publish_status!r}")
        if workflow_mode:
            if workflow_mode not in ("workflow", "chatflow"):
                raise bad_request("workflow_mode must be workflow or chatflow")
            where["mode"] = workflow_mode
        if app_id:
            where["app_id"] = app_id
        page = self.store.page(
            "workflow",
            owner=account.user_id,
            parent=workspace_id,
            where=where,
            order="updated_at",
            desc=True,
            offset=(page_num - 1) * size,
            limit=size,
        )
        items = [self.basic(d, text_times=True) for d in page.items]
        return {"items": items, "has_more": page.has_more}

    def info(self, account: Account, workflow_id: str, include_io: bool) -> Dict[str, Any]:
        doc = self.get(account, workflow_id)
        out: Dict[str, Any] = {"workflow_detail": self.basic(doc, text_times=False)}
        if include_io:
            out.update(_io(parse(doc["versions"][-1]["definition"] if doc["versions"] else doc["draft"])))
        return out

    def versions(
        self,
        account: Account,
        workflow_id: str,
        page_size: int,
        page_token: Optional[str],
        publish_status: Optional[str],
        include_io: bool,
    ) -> Dict[str, Any]:
        doc = self.get(account, workflow_id)
        if not 1 <= page_size <= MAX_PAGE:
            raise bad_request(f"page_size must be between 1 and {MAX_PAGE}")
        status = publish_status or "published_online"
        if status not in ("published_online", "unpublished_draft", "all"):
            raise bad_request(f"unknown publish_status {publish_status!r}")
        rows = list(reversed(doc["versions"])) if status != "unpublished_draft" else []
        if not (page_token or "0").isdigit():
            raise bad_request("invalid page_token")
        start = int(page_token or 0)
        items = []
        for v in rows[start : start + page_size]:
            item = {
                "workflow_id": doc["id"],
                "version": v["version"],
                "description": v["description"],
                "created_at": str(v["created_at"]),
                "updated_at": str(v["updated_at"]),
                "creator": dict(doc["creator"]),
            }
            if include_io:
                item.update(_io(parse(v["definition"])))
            items.append(item)
        more = start + page_size < len(rows)
        return {"items": items, "has_more": more, "next_page_token": str(start + page_size) if more else ""}

    # -- collaboration -----------------------------------------------------------------------------

    def add_collaborators(self, account: Account, workflow_id: str, user_ids: List[str]) -> None:
        with self.store.transaction():  # the workflow as it is now: a change made meanwhile is kept
            doc = self.get(account, workflow_id, lock=True)
            user_id = collaborator_to_add(doc, f"workflow {workflow_id}", user_ids)
            if self.store.get("user", user_id) is None:
                raise not_found("user_id", user_id)
            add_collaborator(doc, user_id, account.user_id)
            self.store.update("workflow", doc, owner=account.user_id, parent=doc["workspace_id"])

    def remove_collaborator(self, account: Account, workflow_id: str, user_id: str) -> None:
        with self.store.transaction():  # the workflow as it is now: a change made meanwhile is kept
            doc = self.get(account, workflow_id, lock=True)
            remove_collaborator(doc, user_id)
            self.store.update("workflow", doc, owner=account.user_id, parent=doc["workspace_id"])

    def set_collaboration_mode(self, account: Account, workflow_id: str, mode: str) -> None:
        with self.store.transaction():  # the workflow as it is now: a change made meanwhile is kept
            doc = self.get(account, workflow_id, lock=True)
            set_collaboration_mode(doc, mode)
            self.store.update("workflow", doc, owner=account.user_id, parent=doc["workspace_id"])

    # -- runs --------------------------------------------------------------------------------------

    def save_run(self, account: Account, run: Dict[str, Any], *, new: bool = False) -> None:
        run["update_time"] = self.now()
        write = self.store.insert if new else self.store.update
        write("workflow_run", run, owner=account.user_id, parent=run["workflow_id"])

    def run_of(self, account: Account, execute_id: str, lock: bool = False) -> Optional[Dict[str, Any]]:
        return self.store.get("workflow_run", execute_id, owner=account.user_id, lock=lock)

    def _run(self, account: Account, workflow_id: str, execute_id: str) -> Dict[str, Any]:
        self.get(account, workflow_id)
        run = self.run_of(account, execute_id)
        if run is None or run["workflow_id"] != workflow_id:
            raise CozeErrors.EXECUTION_NOT_FOUND(execute_id=execute_id)
        return run

    def history(self, account: Account, workflow_id: str, execute_id: str) -> List[Dict[str, Any]]:
        """Run history: an array holding exactly one record."""
        run = self._run(account, workflow_id, execute_id)
        engine = run["engine"]
        output = run.get("output") or ""
        trimmed = len(output.encode()) > self.trim_bytes
        if trimmed:
            output = output.encode()[: self.trim_bytes].decode(errors="ignore")
        record = {
            "execute_id": run["id"],
            "execute_status": STATUS_OUT.get(run["status"], run["status"]),
            "bot_id": run["bot_id"] or "0",
            "connector_id": run["connector_id"],
            "connector_uid": account.user_id,
            "run_mode": run["run_mode"],
            "logid": run["logid"],
            "create_time": run["create_time"],
            "update_time": run["update_time"],
            "output": output,
            "token": str(engine["usage"]["token_count"]),
            "error_code": str(run["error_code"]) if run["error_code"] else "",
            "error_message": run["error_message"],
            "debug_url": run["debug_url"],
            "usage": dict(engine["usage"]),
            "is_output_trimmed": trimmed,
            "node_execute_status": {
                rec["title"]: {
                    "node_id": rec["node_id"],
                    "is_finish": rec["is_finish"],
                    "update_time": rec["update_time"],
                    "node_execute_uuid": rec["uuid"],
                }
                for rec in engine["nodes"].values()
            },
        }
        if run.get("interrupt_data"):
            record["interrupt_data"] = run["interrupt_data"]
        return [record]

    def node_output(self, account: Account, workflow_id: str, execute_id: str, uuid: str) -> Dict[str, Any]:
        run = self._run(account, workflow_id, execute_id)
        for rec in run["engine"]["nodes"].values():
            if rec["uuid"] == uuid:
                return {"is_finish": rec["is_finish"], "node_output": rec.get("output", "")}
        raise CozeErrors.RESOURCE_NOT_FOUND(what="node_execute_uuid", id=uuid)


def _same(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    """Two definitions that differ at most in `published`."""
    return {k: v for k, v in a.items() if k != "published"} == {
        k: v for k, v in b.items() if k != "published"
    }


def _io(definition: Definition) -> Dict[str, Any]:
    params = {k: param_info(v) for k, v in definition.inputs().items()}
    return {"input": {"parameters": params}, "output": definition.output_info()}


def history_output(result: str, messages: Dict[str, str]) -> str:
    """The history's `output`: `{"Output": <end node>, "<output node title>": <text>...}`."""
    return json.dumps({"Output": result, **messages}, ensure_ascii=False)
