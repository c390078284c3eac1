"""Python's arithmetic operators by their `ast` node, for the emulator's small expression evaluators (the
calculator plugin tool, workflow code and condition nodes): each decides which nodes it accepts."""

from __future__ import annotations

import ast
import operator
from typing import Any, Callable, Dict

__all__ = ["ARITHMETIC"]

ARITHMETIC: Dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
