"""Callback apps (`/v1/api_apps`) and the events they subscribe to."""

from __future__ import annotations

from typing import Optional

from .._models import CozeModel, OpenEnum

__all__ = [
    "APIApp",
    "APIAppEvent",
    "APIAppEventType",
    "AppType",
    "CreateAPIAppsEventsResp",
    "DeleteAPIAppsEventsResp",
    "DeleteAPIAppsResp",
    "UpdateAPIAppsResp",
]


class AppType(OpenEnum):
    """The kind of callback app."""

    NORMAL = "normal"
    CONNECTOR = "connector"


class APIAppEventType(OpenEnum):
    """Callback events an app can subscribe to."""

    BOT_PUBLISHED = "bot.published"
    BOT_DELETED = "bot.deleted"
    BOT_UNPUBLISHED = "bot.unpublished"
    BENEFIT_USAGE = "benefit.usage"
    BENEFIT_PLUGIN_SCALE_REQUESTED = "benefit.plugin.scale.requested"
    BENEFIT_PLUGIN_SCALE_EXPIRED = "benefit.plugin.scale.expired"


class APIApp(CozeModel):
    """A callback app: where Coze posts the events it subscribed to, signed with `verify_token`."""

    id: str
    app_type: AppType
    verify_token: str
    name: Optional[str] = None
    connector_id: Optional[str] = None
    """Channel callback apps only."""
    callback_url: Optional[str] = None


class APIAppEvent(CozeModel):
    """One event type a callback app is subscribed to."""

    api_app_id: str
    event_type: APIAppEventType
    name: Optional[str] = None
    description: Optional[str] = None


class UpdateAPIAppsResp(CozeModel):
    """The (empty) result of updating a callback app."""


class DeleteAPIAppsResp(CozeModel):
    """The (empty) result of deleting a callback app."""


class CreateAPIAppsEventsResp(CozeModel):
    """The (empty) result of subscribing to events."""


class DeleteAPIAppsEventsResp(CozeModel):
    """The (empty) result of unsubscribing from events."""
