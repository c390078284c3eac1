"""The plugin store: browse categories and plugins, look one plugin up, and call one of its tools.

COZE_PLUGIN_KEYWORD picks the plugin (default "calculator"), COZE_TOOL_ARGUMENTS gives the tool's
arguments as JSON (default: an expression for the calculator).
"""

import json
import os
from typing import Any, Dict

from cozekit import Coze
from cozekit.types import StorePluginSortType

keyword = os.environ.get("COZE_PLUGIN_KEYWORD", "calculator")
arguments: Dict[str, Any] = json.loads(os.environ.get("COZE_TOOL_ARGUMENTS", '{"expression": "(2 + 3) * 4"}'))

coze = Coze()  # TokenAuth($COZE_API_TOKEN) on $COZE_API_BASE

# What the store offers: its categories, then the most popular plugins.
print("categories:", ", ".join(c.name or c.id for c in coze.stores.categories.list()))
for listing in coze.stores.plugins.list(sort_type=StorePluginSortType.HEAT, page_size=10).items:
    official = "official" if listing.metainfo.is_official else "third-party"
    print("store:", listing.metainfo.name, f"({official})")

# Search by keyword; a listing's entity_id is the plugin id.
hits = coze.stores.plugins.list(keyword=keyword, sort_type=StorePluginSortType.RELATIVE).items
if not hits:
    raise SystemExit(f"no plugin in the store matches {keyword!r}")
plugin = coze.plugins.retrieve(plugin_id=hits[0].metainfo.entity_id)
print("plugin:", plugin.name, plugin.plugin_id)
for tool in plugin.tools:
    required = (tool.input_schema or {}).get("required", [])
    print(f"  tool {tool.name}({', '.join(required)}): {tool.description}")

# Call its first tool.
tool = plugin.tools[0]
called = coze.plugins.tools.call(plugin_id=plugin.plugin_id, tool_name=tool.name, arguments=arguments)
print(f"{tool.name}({json.dumps(arguments)}) ->", json.dumps(called.result))
