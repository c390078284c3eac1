"""Plugins: details and tools (`coze.plugins`), and the paid-plugin store (`coze.stores`)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from pydantic import Field

from .._models import CozeModel, OpenEnum
from ._shared import OptionalTimestamp
from .document import IdStr

__all__ = [
    "CallPluginToolResp",
    "Plugin",
    "PluginTool",
    "StoreCategory",
    "StorePlugin",
    "StorePluginMetainfo",
    "StorePluginSortType",
    "StorePluginStats",
    "StorePluginUser",
]


class PluginTool(CozeModel):
    """One tool of a plugin, with the JSON schemas of its input and output."""

    name: str
    tool_id: Optional[IdStr] = None
    description: Optional[str] = None
    input_schema: Optional[Dict[str, Any]] = Field(default=None, alias="inputSchema")
    output_schema: Optional[Dict[str, Any]] = Field(default=None, alias="outputSchema")


class Plugin(CozeModel):
    """A plugin's details; `mcp_json` configures it as an MCP server (paid plugins)."""

    plugin_id: IdStr
    name: Optional[str] = None
    name_for_model: Optional[str] = None
    description: Optional[str] = None
    icon_url: Optional[str] = None
    is_call_available: Optional[bool] = None
    created_at: OptionalTimestamp = None
    updated_at: OptionalTimestamp = None
    mcp_json: Optional[str] = None
    tools: List[PluginTool] = Field(default_factory=list)


class CallPluginToolResp(CozeModel):
    """What the tool returned, shaped by the tool's output schema."""

    result: Any = None


class StorePluginSortType(OpenEnum):
    HEAT = "heat"
    """Most popular first."""
    NEWEST = "newest"
    """Most recently listed first."""
    RELATIVE = "relative"
    """Most relevant first (searches with a keyword)."""


class StoreCategory(CozeModel):
    """A store category (for `stores.plugins.list(category_ids=...)`)."""

    id: IdStr
    name: Optional[str] = None


class StorePluginUser(CozeModel):
    """The plugin's developer."""

    user_id: Optional[IdStr] = None
    nick_name: Optional[str] = None
    user_name: Optional[str] = None
    avatar_url: Optional[str] = None


class StorePluginMetainfo(CozeModel):
    """A store listing; `entity_id` is the plugin id for `plugins.retrieve`."""

    entity_id: IdStr
    product_id: Optional[IdStr] = None
    name: Optional[str] = None
    description: Optional[str] = None
    icon_url: Optional[str] = None
    category: Optional[StoreCategory] = None
    listed_at: OptionalTimestamp = None
    paid_type: Optional[str] = None
    entity_type: Optional[str] = None
    entity_version: Optional[str] = None
    is_official: Optional[bool] = None
    user_info: Optional[StorePluginUser] = None


class StorePluginStats(CozeModel):
    """How much a store plugin is used."""

    heat: Optional[int] = None
    call_count: Optional[int] = None
    description: Optional[str] = None
    success_rate: Optional[float] = None
    bots_use_count: Optional[int] = None
    favorite_count: Optional[int] = None
    is_call_available: Optional[bool] = None
    total_tools_count: Optional[int] = None
    avg_exec_duration_ms: Optional[float] = None
    associated_bots_use_count: Optional[int] = None


class StorePlugin(CozeModel):
    """A paid plugin in the store."""

    metainfo: StorePluginMetainfo
    plugin_info: Optional[StorePluginStats] = None
