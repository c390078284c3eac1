"""`coze.api_apps`: callback apps (create, list, update, delete) and their event subscriptions
(`.events`)."""

from __future__ import annotations

from functools import cached_property
from typing import List, Optional, Sequence

from typing_extensions import Unpack

from .._parsing import model
from .._paths import path, require
from .._request import CallOptions, RequestOptions, delete, get, post, put
from .._resource import AsyncAPIResource, SyncAPIResource
from ..pagination import AsyncPager, SyncPager, TokenPaging
from ..types.api_app import (
    APIApp,
    APIAppEvent,
    CreateAPIAppsEventsResp,
    DeleteAPIAppsEventsResp,
    DeleteAPIAppsResp,
    UpdateAPIAppsResp,
)
from ._validate import check_page_size

__all__ = ["APIApps", "APIAppsEvents", "AsyncAPIApps", "AsyncAPIAppsEvents"]


def _app_path(app_id: str, suffix: str = "") -> str:
    return path("/v1/api_apps/{api_app_id}", api_app_id=app_id) + suffix


def _text(value: str) -> str:
    """An enum member's value, or the string itself."""
    return str(getattr(value, "value", value))


def _check_page_size(page_size: int) -> None:
    check_page_size(page_size, 50)


def _create(
    app_type: str, name: Optional[str], connector_id: Optional[str], options: CallOptions
) -> RequestOptions:
    require(app_type=app_type)
    kind = _text(app_type)
    if kind == "normal":
        require(name=name)
    if kind == "connector":
        require(connector_id=connector_id)
    if name is not None and len(name) > 128:
        raise ValueError(f"a callback app name has at most 128 characters, got {len(name)}")
    body = {"app_type": kind, "name": name, "connector_id": connector_id}
    return post("/v1/api_apps", body).with_call_options(options)


def _list(
    app_type: Optional[str], page_token: str, page_size: int, options: CallOptions
) -> TokenPaging[APIApp]:
    _check_page_size(page_size)

    def request(token: str) -> RequestOptions:
        params = {
            "app_type": _text(app_type) if app_type else None,
            "page_token": token or page_token,
            "page_size": page_size,
        }
        return get("/v1/api_apps", params).with_call_options(options)

    return TokenPaging(APIApp, "items", request)


def _update(
    app_id: str, name: Optional[str], callback_url: Optional[str], options: CallOptions
) -> RequestOptions:
    if name is not None:
        require(name=name)
        if len(name) > 128:
            raise ValueError(f"a callback app name has at most 128 characters, got {len(name)}")
    if callback_url is not None:
        require(callback_url=callback_url)
    body = {"name": name, "callback_url": callback_url}
    return put(_app_path(app_id), body).with_call_options(options)


def _delete(app_id: str, options: CallOptions) -> RequestOptions:
    return delete(_app_path(app_id)).with_call_options(options)


def _event_types(event_types: Sequence[str]) -> List[str]:
    if isinstance(event_types, str):
        raise TypeError("event_types must be a list of event type strings, not one string")
    types = [_text(t) for t in event_types]
    if not types:
        raise ValueError("event_types must name at least one event type")
    for value in types:
        require(event_type=value)
    return types


def _events_create(api_app_id: str, event_types: Sequence[str], options: CallOptions) -> RequestOptions:
    body = {"event_types": _event_types(event_types)}
    return post(_app_path(api_app_id, "/events"), body).with_call_options(options)


def _events_delete(api_app_id: str, event_types: Sequence[str], options: CallOptions) -> RequestOptions:
    body = {"event_types": _event_types(event_types)}
    return delete(_app_path(api_app_id, "/events"), body).with_call_options(options)


def _events_list(
    api_app_id: str, page_token: str, page_size: int, options: CallOptions
) -> TokenPaging[APIAppEvent]:
    events_path = _app_path(api_app_id, "/events")
    _check_page_size(page_size)

    def request(token: str) -> RequestOptions:
        params = {"page_token": token or page_token, "page_size": page_size}
        return get(events_path, params).with_call_options(options)

    return TokenPaging(APIAppEvent, "items", request)


class APIApps(SyncAPIResource):
    """Callback apps: where Coze sends the events they subscribe to."""

    @cached_property
    def events(self) -> APIAppsEvents:
        return APIAppsEvents(self._client)

    def create(
        self,
        *,
        app_type: str,
        name: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> APIApp:
        """A `normal` app needs `name`; a `connector` (channel) app needs `connector_id`."""
        return self._client.request(_create(app_type, name, connector_id, options), model(APIApp))

    def list(
        self,
        *,
        app_type: Optional[str] = None,
        page_token: str = "",
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> SyncPager[APIApp]:
        """Every callback app; iterate for all pages."""
        return SyncPager(self._client, _list(app_type, page_token, page_size, options))

    def update(
        self,
        *,
        app_id: str,
        name: Optional[str] = None,
        callback_url: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateAPIAppsResp:
        """Coze checks a new `callback_url` by posting a `challenge` it must echo within 3 s."""
        opts = _update(app_id, name, callback_url, options)
        return self._client.request(opts, model(UpdateAPIAppsResp))

    def delete(self, *, app_id: str, **options: Unpack[CallOptions]) -> DeleteAPIAppsResp:
        return self._client.request(_delete(app_id, options), model(DeleteAPIAppsResp))


class APIAppsEvents(SyncAPIResource):
    """The event types a callback app is subscribed to."""

    def create(
        self, *, api_app_id: str, event_types: Sequence[str], **options: Unpack[CallOptions]
    ) -> CreateAPIAppsEventsResp:
        """Subscribe to `event_types` (see `APIAppEventType`)."""
        opts = _events_create(api_app_id, event_types, options)
        return self._client.request(opts, model(CreateAPIAppsEventsResp))

    def list(
        self,
        *,
        api_app_id: str,
        page_token: str = "",
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> SyncPager[APIAppEvent]:
        return SyncPager(self._client, _events_list(api_app_id, page_token, page_size, options))

    def delete(
        self, *, api_app_id: str, event_types: Sequence[str], **options: Unpack[CallOptions]
    ) -> DeleteAPIAppsEventsResp:
        """Unsubscribe from `event_types`."""
        opts = _events_delete(api_app_id, event_types, options)
        return self._client.request(opts, model(DeleteAPIAppsEventsResp))


class AsyncAPIApps(AsyncAPIResource):
    @cached_property
    def events(self) -> AsyncAPIAppsEvents:
        return AsyncAPIAppsEvents(self._client)

    async def create(
        self,
        *,
        app_type: str,
        name: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> APIApp:
        return await self._client.request(_create(app_type, name, connector_id, options), model(APIApp))

    def list(
        self,
        *,
        app_type: Optional[str] = None,
        page_token: str = "",
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[APIApp]:
        return AsyncPager(self._client, _list(app_type, page_token, page_size, options))

    async def update(
        self,
        *,
        app_id: str,
        name: Optional[str] = None,
        callback_url: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateAPIAppsResp:
        opts = _update(app_id, name, callback_url, options)
        return await self._client.request(opts, model(UpdateAPIAppsResp))

    async def delete(self, *, app_id: str, **options: Unpack[CallOptions]) -> DeleteAPIAppsResp:
        return await self._client.request(_delete(app_id, options), model(DeleteAPIAppsResp))


class AsyncAPIAppsEvents(AsyncAPIResource):
    async def create(
        self, *, api_app_id: str, event_types: Sequence[str], **options: Unpack[CallOptions]
    ) -> CreateAPIAppsEventsResp:
        opts = _events_create(api_app_id, event_types, options)
        return await self._client.request(opts, model(CreateAPIAppsEventsResp))

    def list(
        self,
        *,
        api_app_id: str,
        page_token: str = "",
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[APIAppEvent]:
        return AsyncPager(self._client, _events_list(api_app_id, page_token, page_size, options))

    async def delete(
        self, *, api_app_id: str, event_types: Sequence[str], **options: Unpack[CallOptions]
    ) -> DeleteAPIAppsEventsResp:
        opts = _events_delete(api_app_id, event_types, options)
        return await self._client.request(opts, model(DeleteAPIAppsEventsResp))
