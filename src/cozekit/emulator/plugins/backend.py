"""Plugins (details, batch details, tool calls) and the plugin store (listings, categories).

The catalogue is fixed (`catalogue.py`); tool calls run a built-in, deterministic tool and
count towards the account's `call_tool_limit` benefit.
"""

from __future__ import annotations

import ast
import math
from typing import Any, Callable, Dict, List, Optional

from ..admin.commerce import CommerceBackend
from ..core.arith import ARITHMETIC
from ..core.base import Account, page_bounds
from ..core.errors import bad_request, not_found
from .catalogue import CATEGORIES, PLUGINS

SORTS = ("heat", "newest", "relative")


def _evaluate(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        if isinstance(node.value, bool):
            raise ValueError("only numbers are allowed")
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        value = _evaluate(node.operand)
        return value if isinstance(node.op, ast.UAdd) else -value
    if isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > 64:
            raise ValueError("exponent too large")
        return float(ARITHMETIC[type(node.op)](left, right))
    raise ValueError("only numbers, + - * / // % ** and parentheses are allowed")


def calculate(expression: str) -> Dict[str, Any]:
    if len(expression) > 200:
        raise bad_request("expression has at most 200 characters")
    try:
        value = _evaluate(ast.parse(expression, mode="eval"))
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError) as exc:
        raise bad_request(f"cannot evaluate {expression!r}: {exc}") from None
    if not math.isfinite(value):
        raise bad_request(f"{expression!r} has no finite value")
    return {"value": int(value) if value.is_integer() else value}


TOOLS: Dict[str, Callable[[str], Dict[str, Any]]] = {
    "calculate": calculate,
    "echo": lambda text: {"text": text},
    "reverse": lambda text: {"text": text[::-1]},
    "word_count": lambda text: {"words": len(text.split()), "characters": len(text)},
}


def _details(plugin: Dict[str, Any]) -> Dict[str, Any]:
    keys = ("plugin_id", "name", "name_for_model", "description", "tools")
    out = {k: plugin[k] for k in keys}
    out.update(
        icon_url="", is_call_available=True, created_at=plugin["listed_at"], updated_at=plugin["listed_at"]
    )
    return out


def _listing(plugin: Dict[str, Any]) -> Dict[str, Any]:
    pid = plugin["plugin_id"]
    meta = {
        "entity_id": pid,
        "product_id": str(int(pid) + 500),
        "name": plugin["name"],
        "description": plugin["description"],
        "icon_url": "",
        "category": plugin["category"],
        "listed_at": plugin["listed_at"],
        "paid_type": "paid",
        "entity_type": "plugin",
        "entity_version": "0",
        "is_official": plugin["is_official"],
        "user_info": {
            "user_id": "7000000000000000001",
            "nick_name": "Coze Emulator",
            "user_name": "emulator",
        },
    }
    stats = {
        "heat": plugin["heat"],
        "call_count": plugin["heat"] * 10,
        "description": plugin["description"],
        "success_rate": 1.0,
        "bots_use_count": 0,
        "favorite_count": plugin["heat"] // 10,
        "is_call_available": True,
        "total_tools_count": len(plugin["tools"]),
        "avg_exec_duration_ms": 1.0,
        "associated_bots_use_count": 0,
    }
    return {"metainfo": meta, "plugin_info": stats}


class PluginsBackend:
    def __init__(self, commerce: CommerceBackend) -> None:
        self.commerce = commerce
        self._by_id = {p["plugin_id"]: p for p in PLUGINS}

    def _plugin(self, plugin_id: str) -> Dict[str, Any]:
        plugin = self._by_id.get(plugin_id)
        if plugin is None:
            raise not_found("plugin_id", plugin_id)
        return plugin

    def retrieve(self, plugin_id: str) -> Dict[str, Any]:
        return _details(self._plugin(plugin_id))

    def batch_retrieve(self, ids: Optional[str]) -> Dict[str, Any]:
        wanted = [i.strip() for i in (ids or "").split(",") if i.strip()]
        if not 1 <= len(wanted) <= 20:
            raise bad_request("ids takes 1-20 plugin ids")
        return {"items": [_details(self._by_id[i]) for i in dict.fromkeys(wanted) if i in self._by_id]}

    def call_tool(self, account: Account, plugin_id: str, tool_name: str, arguments: Any) -> Dict[str, Any]:
        plugin = self._plugin(plugin_id)
        tool = next((t for t in plugin["tools"] if t["name"] == tool_name), None)
        if tool is None:
            raise bad_request(f"plugin {plugin_id} has no tool {tool_name!r}")
        if not isinstance(arguments, dict):
            raise bad_request("arguments must be an object")
        (param,) = tool["inputSchema"]["required"]
        if not isinstance(arguments.get(param), str):
            raise bad_request(f"arguments.{param} is required and must be a string")
        result = TOOLS[tool_name](arguments[param])
        self.commerce.count_use(account, "call_tool")
        return {"result": result}

    def list_store(
        self,
        keyword: Optional[str],
        is_official: Optional[bool],
        category_ids: Optional[str],
        sort_type: Optional[str],
        page_num: int,
        page_size: int,
    ) -> Dict[str, Any]:
        start, end = page_bounds(page_num, page_size, 100)
        sort = sort_type or "heat"
        if sort not in SORTS:
            raise bad_request(f"sort_type must be one of {', '.join(SORTS)}")
        categories = {c.strip() for c in (category_ids or "").split(",") if c.strip()}
        word = (keyword or "").lower()
        found: List[Dict[str, Any]] = [
            p
            for p in PLUGINS
            if (is_official is None or p["is_official"] == is_official)
            and (not categories or p["category"]["id"] in categories)
            and (not word or word in f"{p['name']} {p['description']}".lower())
        ]
        if sort == "newest":
            found.sort(key=lambda p: -int(p["listed_at"]))
        elif sort == "relative" and word:
            found.sort(key=lambda p: (word not in p["name"].lower(), -int(p["heat"])))
        else:
            found.sort(key=lambda p: -int(p["heat"]))
        return {"items": [_listing(p) for p in found[start:end]], "has_more": end < len(found)}

    def list_categories(self, entity_type: Optional[str], page_num: int, page_size: int) -> Dict[str, Any]:
        if entity_type != "plugin":
            raise bad_request("entity_type must be plugin")
        start, end = page_bounds(page_num, page_size, 100)
        return {"items": CATEGORIES[start:end], "has_more": end < len(CATEGORIES)}
