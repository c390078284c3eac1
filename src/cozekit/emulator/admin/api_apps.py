"""Callback apps (`/v1/api_apps`) and their event subscriptions, per account.

Delivery (and the `challenge` a new `callback_url` must answer) is in `callbacks.py`.
"""

from __future__ import annotations

import secrets
from typing import Any, Dict, List, Optional, Tuple

from ..core.base import Account, Backend
from ..core.errors import CozeErrors, bad_request

APP_TYPES = ("normal", "connector")
EVENT_TYPES = {
    "bot.published": "Bot published",
    "bot.deleted": "Bot deleted",
    "bot.unpublished": "Bot unpublished",
    "benefit.usage": "Billing usage",
    "benefit.plugin.scale.requested": "Plugin scale-up requested",
    "benefit.plugin.scale.expired": "Plugin scale-up expired",
}
MAX_PAGE = 50
MAX_NAME = 128


def _page(items: List[Dict[str, Any]], page_token: Optional[str], page_size: int) -> Dict[str, Any]:
    """A token page: the token is the offset of the page's first item."""
    if not 1 <= page_size <= MAX_PAGE:
        raise bad_request(f"page_size must be between 1 and {MAX_PAGE}")
    token = page_token or "0"
    if not token.isdigit():
        raise bad_request("page_token is invalid")
    start = int(token)
    end = start + page_size
    more = end < len(items)
    return {"items": items[start:end], "has_more": more, "next_page_token": str(end) if more else ""}


class ApiAppsBackend(Backend):
    KIND = "api_app"

    def _app(self, account: Account, app_id: str, lock: bool = False) -> Dict[str, Any]:
        doc = self.store.get(self.KIND, app_id, owner=account.user_id, lock=lock)
        if doc is None:
            raise CozeErrors.RESOURCE_NOT_FOUND(what="api_app_id", id=app_id)
        return doc

    @staticmethod
    def _check_name(name: Optional[str]) -> None:
        if name is not None and (not name.strip() or len(name) > MAX_NAME):
            raise bad_request(f"name has 1-{MAX_NAME} characters")

    def create(
        self, account: Account, app_type: str, name: Optional[str], connector_id: Optional[str]
    ) -> Dict[str, Any]:
        if app_type not in APP_TYPES:
            raise bad_request("app_type must be normal or connector")
        if app_type == "normal":
            if not name:
                raise bad_request("name is required for a normal callback app")
            self._check_name(name)
            connector_id = None
        else:
            if not connector_id:
                raise bad_request("connector_id is required for a connector callback app")
            name = f"connector {connector_id}"
        doc: Dict[str, Any] = {
            "id": self.ids.next(),
            "name": name,
            "app_type": app_type,
            "verify_token": secrets.token_urlsafe(32),
            "events": [],
        }
        if connector_id:
            doc["connector_id"] = connector_id
        self.store.insert(self.KIND, doc, owner=account.user_id)
        return _public(doc)

    def list(
        self, account: Account, app_type: Optional[str], page_token: Optional[str], page_size: int
    ) -> Dict[str, Any]:
        apps = [
            _public(d)
            for d in self.store.find(self.KIND, owner=account.user_id)
            if app_type in (None, d["app_type"])
        ]
        return _page(apps, page_token, page_size)

    def update(self, account: Account, app_id: str, name: Optional[str], callback_url: Optional[str]) -> None:
        self._check_name(name)
        with self.store.transaction():
            doc = self._app(account, app_id, lock=True)
            if name is not None:
                doc["name"] = name
            if callback_url is not None:
                doc["callback_url"] = callback_url
            self.store.update(self.KIND, doc, owner=account.user_id)

    def delete(self, account: Account, app_id: str) -> None:
        with self.store.transaction():
            self._app(account, app_id)
            self.store.delete(self.KIND, app_id)

    @staticmethod
    def _event_types(event_types: Optional[List[str]]) -> Tuple[str, ...]:
        if not event_types:
            raise bad_request("event_types is required")
        unknown = [t for t in event_types if t not in EVENT_TYPES]
        if unknown:
            raise bad_request(f"unsupported event_types: {', '.join(unknown)}")
        return tuple(dict.fromkeys(event_types))

    def subscribe(self, account: Account, app_id: str, event_types: Optional[List[str]]) -> None:
        wanted = self._event_types(event_types)
        with self.store.transaction():
            doc = self._app(account, app_id, lock=True)
            doc["events"] = [*doc["events"], *(t for t in wanted if t not in doc["events"])]
            self.store.update(self.KIND, doc, owner=account.user_id)

    def unsubscribe(self, account: Account, app_id: str, event_types: Optional[List[str]]) -> None:
        unwanted = self._event_types(event_types)
        with self.store.transaction():
            doc = self._app(account, app_id, lock=True)
            doc["events"] = [t for t in doc["events"] if t not in unwanted]
            self.store.update(self.KIND, doc, owner=account.user_id)

    def get(self, account: Account, app_id: str) -> Dict[str, Any]:
        return self._app(account, app_id)

    def subscribers(self, owner_user_id: str) -> List[Dict[str, Any]]:
        """An account's callback apps (events and URLs included)."""
        return self.store.find(self.KIND, owner=owner_user_id)

    def connector_apps(self, connector_id: str) -> List[Dict[str, Any]]:
        """The connector callback apps of one channel, whoever owns them."""
        return [
            d
            for d in self.store.find(self.KIND)
            if d["app_type"] == "connector" and str(d.get("connector_id")) == connector_id
        ]

    def list_events(
        self, account: Account, app_id: str, page_token: Optional[str], page_size: int
    ) -> Dict[str, Any]:
        doc = self._app(account, app_id)
        events = [
            {
                "api_app_id": doc["id"],
                "name": doc["name"],
                "event_type": event_type,
                "description": EVENT_TYPES[event_type],
            }
            for event_type in doc["events"]
        ]
        return _page(events, page_token, page_size)


def _public(doc: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "events"}
