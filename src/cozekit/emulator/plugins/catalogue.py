"""The emulator's fixed plugin store: categories and paid plugins whose tools run locally.

Ids are fixed so docs and tests can name them. Every tool is deterministic (see `backend.py`).
"""

from __future__ import annotations

from typing import Any, Dict, List

CALCULATOR_ID = "7000000000000000201"
ECHO_ID = "7000000000000000202"
TEXT_STATS_ID = "7000000000000000203"
LISTED_AT = 1735689600
"""2025-01-01 UTC, for every listing."""

CATEGORIES: List[Dict[str, str]] = [
    {"id": "7000000000000000101", "name": "Utilities"},
    {"id": "7000000000000000102", "name": "Text"},
    {"id": "7000000000000000103", "name": "Smart hardware"},
]


def _text_input(name: str, description: str) -> Dict[str, Any]:
    return {
        "type": "object",
        "required": [name],
        "properties": {name: {"type": "string", "description": description}},
    }


PLUGINS: List[Dict[str, Any]] = [
    {
        "plugin_id": CALCULATOR_ID,
        "name": "Calculator",
        "name_for_model": "calculator",
        "description": "Evaluates arithmetic expressions.",
        "category": CATEGORIES[0],
        "is_official": True,
        "heat": 1500,
        "listed_at": LISTED_AT,
        "tools": [
            {
                "tool_id": "7000000000000000211",
                "name": "calculate",
                "description": "Evaluate + - * / // % ** and parentheses over numbers.",
                "inputSchema": _text_input("expression", "An arithmetic expression, e.g. (2 + 3) * 4"),
                "outputSchema": {"type": "object", "properties": {"value": {"type": "number"}}},
            }
        ],
    },
    {
        "plugin_id": ECHO_ID,
        "name": "Echo",
        "name_for_model": "echo",
        "description": "Says back what it is given, or reverses it.",
        "category": CATEGORIES[0],
        "is_official": False,
        "heat": 300,
        "listed_at": LISTED_AT + 86400,
        "tools": [
            {
                "tool_id": "7000000000000000221",
                "name": "echo",
                "description": "Return the text unchanged.",
                "inputSchema": _text_input("text", "Any text"),
                "outputSchema": {"type": "object", "properties": {"text": {"type": "string"}}},
            },
            {
                "tool_id": "7000000000000000222",
                "name": "reverse",
                "description": "Return the text reversed.",
                "inputSchema": _text_input("text", "Any text"),
                "outputSchema": {"type": "object", "properties": {"text": {"type": "string"}}},
            },
        ],
    },
    {
        "plugin_id": TEXT_STATS_ID,
        "name": "Text Stats",
        "name_for_model": "text_stats",
        "description": "Counts the words and characters of a text.",
        "category": CATEGORIES[1],
        "is_official": True,
        "heat": 800,
        "listed_at": LISTED_AT + 2 * 86400,
        "tools": [
            {
                "tool_id": "7000000000000000231",
                "name": "word_count",
                "description": "Count words (split on white space) and characters.",
                "inputSchema": _text_input("text", "The text to count"),
                "outputSchema": {
                    "type": "object",
                    "properties": {"words": {"type": "integer"}, "characters": {"type": "integer"}},
                },
            }
        ],
    },
]
