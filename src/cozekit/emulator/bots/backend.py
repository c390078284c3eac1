"""Bots (agents): a draft, an optional published snapshot, versions, and local tools."""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

from ..core.base import Account, Backend, page_bounds
from ..core.collaboration import (
    add_collaborator,
    collaborator_to_add,
    remove_collaborator,
    set_collaboration_mode,
)
from ..core.errors import CozeErrors, bad_request, forbidden, not_found
from ..core.store import is_null, not_null
from ..workspaces.backend import role_in

API_CONNECTOR = "1024"
DRAFT_FIELDS = (
    "name",
    "description",
    "icon_file_id",
    "prompt_info",
    "onboarding_info",
    "suggest_reply_info",
    "model_info_config",
    "plugin_id_list",
    "workflow_id_list",
    "knowledge",
)
DEFAULT_MODEL = {"model_id": "emulator-deterministic", "model_name": "Emulator deterministic model"}


def check_draft(fields: Dict[str, Any]) -> None:
    """The documented limits on bot fields (doc pages create_bot, update_bot)."""
    if "name" in fields and not 1 <= len(fields["name"] or "") <= 20:
        raise bad_request("name must be 1-20 characters")
    if len(fields.get("description") or "") > 500:
        raise bad_request("description must be at most 500 characters")
    if len((fields.get("prompt_info") or {}).get("prompt") or "") > 20000:
        raise bad_request("prompt_info.prompt must be at most 20000 characters")
    onboarding = fields.get("onboarding_info") or {}
    if len(onboarding.get("prologue") or "") > 300:
        raise bad_request("onboarding_info.prologue must be at most 300 characters")
    if any(len(q) > 50 for q in onboarding.get("suggested_questions") or []):
        raise bad_request("each suggested question must be at most 50 characters")
    if len((fields.get("knowledge") or {}).get("dataset_ids") or []) > 150:
        raise bad_request("knowledge.dataset_ids allows at most 150 ids")


class BotsBackend(Backend):
    def _get(self, account: Account, bot_id: str, lock: bool = False) -> Dict[str, Any]:
        bot = self.store.get("bot", bot_id, owner=account.user_id, lock=lock)
        if bot is None:
            raise not_found("bot_id", bot_id)
        return bot

    def get(self, account: Account, bot_id: str) -> Dict[str, Any]:
        """The stored bot document (draft, published snapshot, connectors)."""
        return self._get(account, bot_id)

    def delete(self, bot_id: str) -> Optional[Dict[str, Any]]:
        """Remove a bot (a control-plane action: the OpenAPI cannot delete bots); returns what it was."""
        bot = self.store.get("bot", bot_id)
        if bot is not None:
            self.store.delete("bot", bot_id)
        return bot

    def _save(self, account: Account, bot: Dict[str, Any], *, new: bool = False) -> None:
        write = self.store.insert if new else self.store.update
        write("bot", bot, owner=account.user_id, parent=bot["workspace_id"])

    def create(
        self,
        account: Account,
        workspace_id: str,
        fields: Dict[str, Any],
        *,
        bot_id: Optional[str] = None,
        local_tools: Optional[List[Dict[str, Any]]] = None,
        member: bool = False,
    ) -> str:
        """A draft bot in a workspace the account owns (with `member`, any workspace it is in)."""
        workspace = self.store.get("workspace", workspace_id, owner=None if member else account.user_id)
        if workspace is None or (member and role_in(self.store, workspace, account.user_id) is None):
            raise not_found("space_id", workspace_id)
        check_draft(fields)
        now = self.now()
        bot = {
            "id": bot_id or self.ids.next(),
            "workspace_id": workspace_id,
            "owner_user_id": account.user_id,
            "draft": {k: fields.get(k) for k in DRAFT_FIELDS},
            "published": None,
            "connectors": [],
            "version": "",
            "versions": [],
            "create_time": now,
            "update_time": now,
            "published_at": None,
            "local_tools": list(local_tools or []),
        }
        self._save(account, bot, new=True)
        return str(bot["id"])

    def update(self, account: Account, bot_id: str, fields: Dict[str, Any]) -> None:
        with self.store.transaction():  # the bot as it is now: a change made meanwhile is kept
            bot = self._get(account, bot_id, lock=True)
            check_draft(fields)
            bot["draft"].update({k: v for k, v in fields.items() if k in DRAFT_FIELDS and v is not None})
            bot["update_time"] = self.now()
            self._save(account, bot)

    def publish(self, account: Account, bot_id: str, connector_ids: Optional[List[str]]) -> Dict[str, str]:
        with self.store.transaction():  # the bot as it is now: a change made meanwhile is kept
            bot = self._get(account, bot_id, lock=True)
            connectors = [str(c) for c in connector_ids or [API_CONNECTOR]]
            version = str(max(int(time.time() * 1000), int(bot["version"] or 0) + 1))
            bot["published"] = dict(bot["draft"])
            bot["connectors"] = sorted(set(bot["connectors"]) | set(connectors))
            bot["version"] = version
            bot["published_at"] = self.now()
            bot["versions"].append(
                {"version": version, "created_at": self.now(), "connector_ids": connectors, "changelog": ""}
            )
            self._save(account, bot)
            return {"bot_id": bot_id, "version": version}

    def unpublish(self, account: Account, bot_id: str, connector_id: str) -> None:
        with self.store.transaction():  # the bot as it is now: a change made meanwhile is kept
            bot = self._get(account, bot_id, lock=True)
            if connector_id not in bot["connectors"]:
                raise bad_request(f"bot {bot_id} is not published to connector {connector_id}")
            bot["connectors"].remove(connector_id)
            if not bot["connectors"]:
                bot["published"] = None
            self._save(account, bot)

    def set_local_tools(self, account: Account, bot_id: str, tools: List[Dict[str, Any]]) -> None:
        with self.store.transaction():  # the bot as it is now: a change made meanwhile is kept
            bot = self._get(account, bot_id, lock=True)
            bot["local_tools"] = tools
            self._save(account, bot)

    def for_chat(self, account: Account, bot_id: str, publish_status: Optional[str]) -> Dict[str, Any]:
        """The bot as a chat sees it: published (API connector) unless the draft is asked for."""
        if account.scoped and account.bot_ids and bot_id not in account.bot_ids:
            raise CozeErrors.NO_PERMISSION()
        bot = self.store.get("bot", bot_id, owner=account.user_id)
        if bot is None:
            raise CozeErrors.BOT_NOT_FOUND(bot_id=bot_id)
        if account.workspace_id and bot["workspace_id"] != account.workspace_id:  # (WebSocket chats too)
            raise forbidden(f"this token is granted for workspace {account.workspace_id} only")
        if publish_status == "unpublished_draft":
            return {**bot, "config": bot["draft"]}
        if bot["published"] is None or API_CONNECTOR not in bot["connectors"]:
            raise CozeErrors.BOT_NOT_PUBLISHED_TO_CHANNEL(bot_id=bot_id, channel="Agent As API")
        return {**bot, "config": bot["published"]}

    def retrieve(self, account: Account, bot_id: str, is_published: bool = True) -> Dict[str, Any]:
        bot = self._get(account, bot_id)
        if not is_published:
            return self._name_datasets(account, bot_info(bot, bot["draft"]))
        if bot["published"] is None:
            raise CozeErrors.RESOURCE_NOT_FOUND(f"Requested resource bot_id={bot_id} has not been published")
        return self._name_datasets(account, bot_info(bot, bot["published"]))

    def _name_datasets(self, account: Account, info: Dict[str, Any]) -> Dict[str, Any]:
        """Fill in the names of the bot's knowledge bases (unknown or deleted ones stay unnamed)."""
        for item in info["knowledge"]["knowledge_infos"]:
            dataset = self.store.get("dataset", item["id"], owner=account.user_id)
            item["name"] = dataset["name"] if dataset is not None else ""
        return info

    def list(
        self, account: Account, workspace_id: str, publish_status: str, page_num: int, page_size: int
    ) -> Dict[str, Any]:
        start, end = page_bounds(page_num, page_size, 100)
        if self.store.get("workspace", workspace_id, owner=account.user_id) is None:
            raise not_found("workspace_id", workspace_id)
        where: Dict[str, Any] = {}
        if publish_status in ("published_online", "published_draft"):
            where["published"] = not_null()
        elif publish_status == "unpublished_draft":
            where["published"] = is_null()
        elif publish_status != "all":
            raise bad_request(f"unknown publish_status {publish_status!r}")
        scope: Dict[str, Any] = {"owner": account.user_id, "parent": workspace_id, "where": where}
        page = self.store.page("bot", **scope, order="updated_at", desc=True, offset=start, limit=end - start)
        return {"items": [simple_info(b) for b in page.items], "total": self.store.count("bot", **scope)}

    def list_published_v1(
        self, account: Account, space_id: str, page_index: int, page_size: int
    ) -> Dict[str, Any]:
        page = self.list(account, space_id, "published_online", page_index, page_size)
        items = [
            {
                "bot_id": b["id"],
                "bot_name": b["name"],
                "description": b["description"],
                "icon_url": b["icon_url"],
                "publish_time": str(b["published_at"] or b["updated_at"]),
            }
            for b in page["items"]
        ]
        return {"space_bots": items, "total": page["total"]}

    def versions(self, account: Account, bot_id: str, page_num: int, page_size: int) -> Dict[str, Any]:
        start, end = page_bounds(page_num, page_size, 30)
        bot = self._get(account, bot_id)
        rows = list(reversed(bot["versions"]))
        items = [
            {
                "version": v["version"],
                "changelog": v["changelog"],
                "created_at": v["created_at"],
                "publish_status": "published_online",
                "connector_ids": v["connector_ids"],
                "creator": {"id": account.user_id, "name": account.user_name},
            }
            for v in rows[start:end]
        ]
        return {"items": items, "has_more": end < len(rows)}

    # -- collaboration (one collaborator per call; workspace members only) -------------------------

    def add_collaborators(self, account: Account, bot_id: str, user_ids: List[str]) -> None:
        with self.store.transaction():  # the bot as it is now: a change made meanwhile is kept
            bot = self._get(account, bot_id, lock=True)
            user_id = collaborator_to_add(bot, f"bot {bot_id}", user_ids)
            if self.store.get("user", user_id) is None:
                raise not_found("user_id", user_id)
            workspace = self.store.get("workspace", str(bot["workspace_id"])) or {"id": bot["workspace_id"]}
            if role_in(self.store, workspace, user_id) is None:
                raise bad_request(f"user {user_id} is not a member of the bot's workspace")
            if add_collaborator(bot, user_id, account.user_id):
                self._save(account, bot)

    def remove_collaborator(self, account: Account, bot_id: str, user_id: str) -> None:
        with self.store.transaction():  # the bot as it is now: a change made meanwhile is kept
            bot = self._get(account, bot_id, lock=True)
            remove_collaborator(bot, user_id)
            self._save(account, bot)

    def set_collaboration_mode(self, account: Account, bot_id: str, mode: str) -> None:
        with self.store.transaction():  # the bot as it is now: a change made meanwhile is kept
            bot = self._get(account, bot_id, lock=True)
            set_collaboration_mode(bot, mode)
            self._save(account, bot)


def simple_info(bot: Dict[str, Any]) -> Dict[str, Any]:
    draft = bot["draft"]
    return {
        "id": bot["id"],
        "name": draft.get("name") or "",
        "description": draft.get("description") or "",
        "icon_url": "",
        "folder_id": "",
        "updated_at": bot["update_time"],
        "is_published": bot["published"] is not None,
        "published_at": bot["published_at"],
        "owner_user_id": bot["owner_user_id"],
    }


NO_BACKGROUND: Dict[str, Any] = {
    "image_url": "",
    "origin_image_url": "",
    "theme_color": "",
    "canvas_position": {},
    "gradient_position": {},
}
"""A background image slot with nothing set (bot_object: BackgroundImageDetail)."""


def bot_info(bot: Dict[str, Any], cfg: Dict[str, Any]) -> Dict[str, Any]:
    """The BotInfo object of the get_metadata doc page for one configuration (draft or published)."""
    knowledge = cfg.get("knowledge") or {}
    dataset_ids = [str(d) for d in knowledge.get("dataset_ids") or []]
    model = {**DEFAULT_MODEL, **(cfg.get("model_info_config") or {})}
    return {
        "bot_id": bot["id"],
        "name": cfg.get("name") or "",
        "description": cfg.get("description") or "",
        "icon_url": "",
        "create_time": bot["create_time"],
        "update_time": bot["update_time"],
        "version": bot["version"],
        "owner_user_id": bot["owner_user_id"],
        "folder_id": "",
        "bot_mode": 0,
        "prompt_info": {"prompt": "", "prompt_mode": "standard", **(cfg.get("prompt_info") or {})},
        "onboarding_info": {"prologue": "", "suggested_questions": [], **(cfg.get("onboarding_info") or {})},
        "plugin_info_list": [],
        "model_info": model,
        "knowledge": {
            "knowledge_infos": [{"id": d, "name": ""} for d in dataset_ids],
            "dataset_ids": dataset_ids,
            "auto_call": knowledge.get("auto_call", True),
            "search_strategy": knowledge.get("search_strategy", 0),
        },
        "variables": [],
        "shortcut_commands": [],
        "workflow_info_list": [],
        "voice_info_list": [],
        "suggest_reply_info": {
            "reply_mode": "disable",
            "customized_prompt": "",
            **(cfg.get("suggest_reply_info") or {}),
        },
        "default_user_input_type": "text",
        "background_image_info": {
            "web_background_image": dict(NO_BACKGROUND),
            "mobile_background_image": dict(NO_BACKGROUND),
        },
        "local_tools": bot.get("local_tools") or [],
    }
