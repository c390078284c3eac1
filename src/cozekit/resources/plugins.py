"""`coze.plugins`: plugin details (one, or up to 20 at once) and `tools.call` for paid plugins' tools."""

from __future__ import annotations

from functools import cached_property
from typing import Any, List, Mapping, Sequence

from typing_extensions import Unpack

from .._envelope import Envelope
from .._models import ListResponse
from .._parsing import model, models
from .._paths import path, require
from .._request import CallOptions, RequestOptions, get, post
from .._resource import AsyncAPIResource, SyncAPIResource
from ..types.plugin import CallPluginToolResp, Plugin
from ._body import to_json

__all__ = ["AsyncPluginTools", "AsyncPlugins", "PluginTools", "Plugins"]

_ITEMS = Envelope.at("data.items")


def _batch_retrieve(ids: Sequence[str], options: CallOptions) -> RequestOptions:
    if isinstance(ids, str) or not 1 <= len(ids) <= 20:
        raise ValueError("ids takes a list of 1-20 plugin ids")
    for plugin_id in ids:
        require(plugin_id=plugin_id)
        if "," in plugin_id:
            raise ValueError(f"a plugin id has no comma: {plugin_id!r}")
    return get("/v1/plugins/mget", {"ids": ",".join(ids)}, envelope=_ITEMS).with_call_options(options)


def _retrieve(plugin_id: str, options: CallOptions) -> RequestOptions:
    return get(path("/v1/plugins/{plugin_id}", plugin_id=plugin_id)).with_call_options(options)


def _call(
    plugin_id: str, tool_name: str, arguments: Mapping[str, Any], options: CallOptions
) -> RequestOptions:
    url = path("/v1/plugins/{plugin_id}/tools/call", plugin_id=plugin_id)
    require(tool_name=tool_name)
    if not isinstance(arguments, Mapping):
        raise TypeError("arguments takes a mapping of the tool's input parameters")
    return post(url, {"tool_name": tool_name, "arguments": to_json(arguments)}).with_call_options(options)


class PluginTools(SyncAPIResource):
    def call(
        self, *, plugin_id: str, tool_name: str, arguments: Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> CallPluginToolResp:
        """Run one tool of a paid plugin; `arguments` follow the tool's `input_schema`."""
        return self._client.request(
            _call(plugin_id, tool_name, arguments, options), model(CallPluginToolResp)
        )


class AsyncPluginTools(AsyncAPIResource):
    async def call(
        self, *, plugin_id: str, tool_name: str, arguments: Mapping[str, Any], **options: Unpack[CallOptions]
    ) -> CallPluginToolResp:
        opts = _call(plugin_id, tool_name, arguments, options)
        return await self._client.request(opts, model(CallPluginToolResp))


class Plugins(SyncAPIResource):
    @cached_property
    def tools(self) -> PluginTools:
        return PluginTools(self._client)

    def retrieve(self, *, plugin_id: str, **options: Unpack[CallOptions]) -> Plugin:
        """A plugin's details and tools (official, third-party or library plugins)."""
        return self._client.request(_retrieve(plugin_id, options), model(Plugin))

    def batch_retrieve(self, *, ids: List[str], **options: Unpack[CallOptions]) -> ListResponse[Plugin]:
        """The details of 1-20 plugins."""
        return self._client.request(_batch_retrieve(ids, options), models(Plugin))


class AsyncPlugins(AsyncAPIResource):
    @cached_property
    def tools(self) -> AsyncPluginTools:
        return AsyncPluginTools(self._client)

    async def retrieve(self, *, plugin_id: str, **options: Unpack[CallOptions]) -> Plugin:
        return await self._client.request(_retrieve(plugin_id, options), model(Plugin))

    async def batch_retrieve(self, *, ids: List[str], **options: Unpack[CallOptions]) -> ListResponse[Plugin]:
        return await self._client.request(_batch_retrieve(ids, options), models(Plugin))
