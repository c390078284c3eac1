"""Coze workflow canvases (the JSON Coze's editor saves), checked on load and run node by node.

`load` parses and validates a canvas; `execute` runs it with a `Run` (state, host, the node table
`EXECUTORS`, event sink).
Nothing here speaks HTTP: the emulator's workflow service adapts runs to its routes.
"""

from __future__ import annotations

from typing import Any

from ..engine.context import Done, Failed, Interrupted, Outcome, RunState
from .engine import NODE_FAILED, Host, NodeError, Run, execute
from .model import Canvas, CanvasError, looks_like_canvas, parse
from .nodes import EXECUTORS
from .validate import SUPPORTED, validate

__all__ = [
    "EXECUTORS",
    "NODE_FAILED",
    "SUPPORTED",
    "Canvas",
    "CanvasError",
    "Done",
    "Failed",
    "Host",
    "Interrupted",
    "NodeError",
    "Outcome",
    "Run",
    "RunState",
    "execute",
    "load",
    "looks_like_canvas",
]


def load(raw: Any, strict_types: bool = True) -> Canvas:
    """A checked canvas from an object or JSON text; raises CanvasError naming the node and problem.
    With `strict_types=False`, type mismatches between references are left to run time, as in Coze
    Studio."""
    canvas = parse(raw)
    canvas.strict_types = strict_types
    validate(canvas)
    return canvas
