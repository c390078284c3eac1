"""User variables: values a published bot keeps per end user (`connector_uid`) and channel.

Values are isolated by the token's user, the bot (or app), the channel and the end user, as on Coze. The
emulator keeps whatever keywords are set (its bots declare no variables) and only returns values that
were set: nothing has a default.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ..core.base import Account, Backend
from ..core.errors import CozeErrors, bad_request, not_found

CHANNELS = ("1024", "999")
"""API and Chat SDK: the channels whose bots have user variables over the API."""


class VariablesBackend(Backend):
    def _scope(
        self,
        account: Account,
        app_id: Optional[str],
        bot_id: Optional[str],
        connector_id: Optional[str],
        uid: Optional[str],
    ) -> str:
        uid = uid or account.user_id  # @coze/api leaves it out: the caller's own values, as on the site
        if not (app_id or bot_id):
            raise bad_request("app_id or bot_id is required")
        channel = connector_id or "1024"
        if channel not in CHANNELS:
            raise bad_request("connector_id must be 1024 (API) or 999 (Chat SDK)")
        if not bot_id:
            raise not_found("app_id", str(app_id))
        bot = self.store.get("bot", bot_id, owner=account.user_id)
        if bot is None:
            raise not_found("bot_id", bot_id)
        if bot.get("published") is None or channel not in bot.get("connectors", []):
            raise CozeErrors.BOT_NOT_PUBLISHED_TO_CHANNEL(bot_id=bot_id, channel=channel)
        return f"bot:{bot_id}:{channel}:{uid}"

    def read(
        self,
        account: Account,
        app_id: Optional[str],
        bot_id: Optional[str],
        connector_id: Optional[str],
        connector_uid: Optional[str],
        keywords: Optional[str],
    ) -> Dict[str, Any]:
        scope = self._scope(account, app_id, bot_id, connector_id, connector_uid)
        wanted = [k for k in (keywords or "").split(",") if k]
        rows = self.store.find("variable", owner=account.user_id, parent=scope)
        if wanted:
            rows = [r for r in rows if r["keyword"] in wanted]
        rows.sort(key=lambda r: (r["create_time"], r["keyword"]))
        items = [{k: r[k] for k in ("keyword", "value", "create_time", "update_time")} for r in rows]
        return {"items": items}

    def update(
        self,
        account: Account,
        app_id: Optional[str],
        bot_id: Optional[str],
        connector_id: Optional[str],
        connector_uid: Optional[str],
        data: List[Dict[str, Any]],
    ) -> None:
        scope = self._scope(account, app_id, bot_id, connector_id, connector_uid)
        if not data:
            raise bad_request("data must not be empty")
        for item in data:
            if not item.get("keyword") or not isinstance(item.get("value"), str):
                raise bad_request("each data item needs a keyword and a string value")
        now = self.now()
        with self.store.transaction():
            for item in data:
                doc_id = f"{scope}:{item['keyword']}"
                old = self.store.get("variable", doc_id, owner=account.user_id)
                doc = {
                    "id": doc_id,
                    "keyword": item["keyword"],
                    "value": item["value"],
                    "create_time": old["create_time"] if old else now,
                    "update_time": now,
                }
                self.store.upsert("variable", doc, owner=account.user_id, parent=scope)

    # -- for workflow runs (no HTTP) -------------------------------------------------------------------

    def values(self, account: Account, scope: str) -> Dict[str, str]:
        """The values set in a scope (`bot:<id>:<channel>:<uid>`; `app:<id>` or `space:<id>` for
        canvas runs without a bot), by keyword."""
        rows = self.store.find("variable", owner=account.user_id, parent=scope)
        return {r["keyword"]: r["value"] for r in rows}

    def set_value(self, account: Account, scope: str, keyword: str, value: str) -> None:
        doc_id = f"{scope}:{keyword}"
        now = self.now()
        old = self.store.get("variable", doc_id, owner=account.user_id)
        doc = {
            "id": doc_id,
            "keyword": keyword,
            "value": value,
            "create_time": old["create_time"] if old else now,
            "update_time": now,
        }
        self.store.upsert("variable", doc, owner=account.user_id, parent=scope)
