"""`coze.connectors`: add a channel to a workspace (`install`), bind devices to a custom channel
(`.user_configs`), and report a channel's review of a published bot (`.bots`)."""

from __future__ import annotations

from functools import cached_property
from typing import Any, List, Mapping, Optional, Sequence, Union

from typing_extensions import Unpack

from .._parsing import model
from .._paths import path, require
from .._request import CallOptions, RequestOptions, post, put
from .._resource import AsyncAPIResource, SyncAPIResource
from ..types.connector import (
    AuditStatus,
    BindConnectorUserConfigResp,
    InstallConnectorResp,
    UpdateConnectorBotResp,
    UserConfig,
)
from ._body import to_json

__all__ = [
    "AsyncConnectorBots",
    "AsyncConnectorUserConfigs",
    "AsyncConnectors",
    "ConnectorBots",
    "ConnectorUserConfigs",
    "Connectors",
]

UserConfigInput = Union[UserConfig, Mapping[str, Any]]


def _connector_path(connector_id: str, suffix: str) -> str:
    return path("/v1/connectors/{connector_id}", connector_id=connector_id) + suffix


def _install(connector_id: str, workspace_id: str, options: CallOptions) -> RequestOptions:
    require(workspace_id=workspace_id)
    body = {"workspace_id": workspace_id}
    return post(_connector_path(connector_id, "/install"), body).with_call_options(options)


def _configs(configs: Sequence[UserConfigInput]) -> List[Any]:
    if isinstance(configs, (str, Mapping, UserConfig)):
        raise TypeError("configs must be a list of UserConfig (or dicts)")
    items = [to_json(UserConfig.model_validate(c) if isinstance(c, Mapping) else c) for c in configs]
    if not items:
        raise ValueError("configs must hold at least one config")
    for item in items:
        require(key=item.get("key"))
        if not item.get("enums"):
            raise ValueError(f"config {item['key']!r} needs at least one enum (label and value)")
        for choice in item["enums"]:
            require(label=choice.get("label"), value=choice.get("value"))
    return items


def _bind(
    connector_id: str, configs: Sequence[UserConfigInput], user_id: Optional[str], options: CallOptions
) -> RequestOptions:
    body = {"configs": _configs(configs), "user_id": user_id}
    return post(_connector_path(connector_id, "/user_configs"), body).with_call_options(options)


def _review(
    bot_id: str,
    connector_id: str,
    audit_status: Optional[int],
    reason: Optional[str],
    options: CallOptions,
) -> RequestOptions:
    status = None if audit_status is None else int(audit_status)
    if status is not None and status not in (1, 2, 3):
        raise ValueError("audit_status must be 1 (pending), 2 (approved) or 3 (rejected)")
    if status == AuditStatus.REJECTED:
        require(reason=reason)
    opts = put(
        path("/v1/connectors/{connector_id}/bots/{bot_id}", connector_id=connector_id, bot_id=bot_id),
        {"audit_status": status, "reason": reason},
    )
    return opts.with_call_options(options)


class Connectors(SyncAPIResource):
    """Channels: install one in a workspace; devices and bot reviews hang below."""

    @cached_property
    def user_configs(self) -> ConnectorUserConfigs:
        return ConnectorUserConfigs(self._client)

    @cached_property
    def bots(self) -> ConnectorBots:
        return ConnectorBots(self._client)

    def install(
        self, *, connector_id: str, workspace_id: str, **options: Unpack[CallOptions]
    ) -> InstallConnectorResp:
        """Add the channel `connector_id` to a workspace's publish targets."""
        opts = _install(connector_id, workspace_id, options)
        return self._client.request(opts, model(InstallConnectorResp))


class ConnectorUserConfigs(SyncAPIResource):
    def create(
        self,
        *,
        connector_id: str,
        configs: Sequence[UserConfigInput],
        user_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> BindConnectorUserConfigResp:
        """Bind devices (`UserConfig(key="device_id", enums=[...])`) to a custom channel."""
        opts = _bind(connector_id, configs, user_id, options)
        return self._client.request(opts, model(BindConnectorUserConfigResp))


class ConnectorBots(SyncAPIResource):
    def update(
        self,
        *,
        bot_id: str,
        connector_id: str,
        audit_status: Optional[int] = None,
        reason: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateConnectorBotResp:
        """Report the channel's review (`AuditStatus`); a rejection needs a `reason`."""
        opts = _review(bot_id, connector_id, audit_status, reason, options)
        return self._client.request(opts, model(UpdateConnectorBotResp))


class AsyncConnectors(AsyncAPIResource):
    @cached_property
    def user_configs(self) -> AsyncConnectorUserConfigs:
        return AsyncConnectorUserConfigs(self._client)

    @cached_property
    def bots(self) -> AsyncConnectorBots:
        return AsyncConnectorBots(self._client)

    async def install(
        self, *, connector_id: str, workspace_id: str, **options: Unpack[CallOptions]
    ) -> InstallConnectorResp:
        opts = _install(connector_id, workspace_id, options)
        return await self._client.request(opts, model(InstallConnectorResp))


class AsyncConnectorUserConfigs(AsyncAPIResource):
    async def create(
        self,
        *,
        connector_id: str,
        configs: Sequence[UserConfigInput],
        user_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> BindConnectorUserConfigResp:
        opts = _bind(connector_id, configs, user_id, options)
        return await self._client.request(opts, model(BindConnectorUserConfigResp))


class AsyncConnectorBots(AsyncAPIResource):
    async def update(
        self,
        *,
        bot_id: str,
        connector_id: str,
        audit_status: Optional[int] = None,
        reason: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateConnectorBotResp:
        opts = _review(bot_id, connector_id, audit_status, reason, options)
        return await self._client.request(opts, model(UpdateConnectorBotResp))
