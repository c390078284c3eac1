"""A restricted expression language for code and condition nodes.

Expressions are parsed with `ast` and only a whitelist is evaluated: literals, names, arithmetic,
comparisons, boolean operators, `a if c else b`, subscripts and slices, list/tuple/dict literals, and
calls of the functions in `FUNCTIONS`. No attribute access, no comprehensions, no lambdas, no other
calls: nothing can reach Python objects beyond the values the workflow passed in.
"""

from __future__ import annotations

import ast
import json
import math
import operator
from typing import Any, Callable, Dict, Mapping

from ...core.arith import ARITHMETIC

MAX_TEXT = 1_000_000
MAX_EXPONENT = 1000
MAX_BITS = 100_000
MAX_ARGS = 10_000_000
MAX_SOURCE = 10_000


class ExpressionError(Exception):
    """A rejected or failing expression; the message says why."""


def size(value: Any, limit: int = MAX_TEXT) -> int:
    """Characters and items in a value, nested ones included (shared ones each time they appear);
    counting stops just past `limit`."""
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, (list, tuple)):
            total += len(item) + 1
            stack.extend(item)
        elif isinstance(item, dict):
            total += len(item) + 1
            stack.extend(item.keys())
            stack.extend(item.values())
        else:
            total += 1
    return total


def _range(*args: Any) -> list[int]:
    r = range(*(int(a) for a in args))
    if len(r) > 10_000:
        raise ExpressionError("range() is limited to 10000 items")
    return list(r)


def _split(text: str, sep: Any = None) -> list[str]:
    return str(text).split(sep)


FUNCTIONS: Dict[str, Callable[..., Any]] = {
    "len": len,
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "abs": abs,
    "min": min,
    "max": max,
    "sum": sum,
    "round": round,
    "sorted": sorted,
    "list": list,
    "range": _range,
    "upper": lambda s: str(s).upper(),
    "lower": lambda s: str(s).lower(),
    "strip": lambda s: str(s).strip(),
    "split": _split,
    "join": lambda sep, items: str(sep).join(str(i) for i in items),
    "replace": lambda s, old, new: str(s).replace(str(old), str(new)),
    "startswith": lambda s, p: str(s).startswith(str(p)),
    "endswith": lambda s, p: str(s).endswith(str(p)),
    "keys": lambda d: list(d.keys()),
    "values": lambda d: list(d.values()),
    "get": lambda d, k, default=None: d.get(k, default) if isinstance(d, dict) else default,
    "json_dumps": lambda v: json.dumps(v, ensure_ascii=False),
    "json_loads": json.loads,
    "floor": math.floor,
    "ceil": math.ceil,
}

_BINOPS = ARITHMETIC
_CMPOPS: Dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_UNARY: Dict[type, Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Not: operator.not_,
}
_ALLOWED = (
    ast.Expression,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.Compare,
    ast.IfExp,
    ast.Subscript,
    ast.Slice,
    ast.List,
    ast.Tuple,
    ast.Dict,
    ast.Call,
    *_BINOPS,
    *_CMPOPS,
    *_UNARY,
)


def parse(source: str) -> ast.Expression:
    """Parse and check an expression; raises ExpressionError for anything outside the whitelist."""
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError("an expression must be non-empty text")
    if len(source) > MAX_SOURCE:
        raise ExpressionError(f"an expression is limited to {MAX_SOURCE} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error in {source!r}: {exc.msg}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise ExpressionError(f"{type(node).__name__} is not allowed in {source!r}")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise ExpressionError(f"only these functions may be called: {', '.join(sorted(FUNCTIONS))}")
            if node.keywords:
                raise ExpressionError("keyword arguments are not allowed")
        if isinstance(node, ast.Name) and node.id.startswith("__"):
            raise ExpressionError(f"name {node.id!r} is not allowed")
    return tree


def evaluate(source: str, names: Mapping[str, Any]) -> Any:
    """Evaluate `source` with `names` as its variables."""
    tree = parse(source)
    try:
        return _Eval(names).visit(tree.body)
    except ExpressionError:
        raise
    except RecursionError:
        raise ExpressionError("expression nests too deeply") from None
    except Exception as exc:  # the expression's own failure: 1/0, "a" + 1, x[99]...
        raise ExpressionError(f"{type(exc).__name__}: {exc}") from None


class _Eval:
    def __init__(self, names: Mapping[str, Any]) -> None:
        self.names = names

    def visit(self, node: ast.AST) -> Any:
        method = getattr(self, "_" + type(node).__name__)
        return method(node)

    def _Constant(self, node: ast.Constant) -> Any:
        return node.value

    def _Name(self, node: ast.Name) -> Any:
        if node.id in self.names:
            return self.names[node.id]
        if node.id in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[node.id]
        raise ExpressionError(f"name {node.id!r} is not defined")

    def _BinOp(self, node: ast.BinOp) -> Any:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Pow) and isinstance(right, (int, float)):
            if abs(right) > MAX_EXPONENT:
                raise ExpressionError(f"exponent larger than {MAX_EXPONENT}")
            if isinstance(left, int) and left.bit_length() * abs(right) > MAX_BITS:
                raise ExpressionError("result too large")
        if isinstance(node.op, ast.Mult):
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and size(seq) * n > MAX_TEXT:
                    raise ExpressionError("result too large")
        result = _BINOPS[type(node.op)](left, right)
        if isinstance(result, (str, list)) and len(result) > MAX_TEXT:
            raise ExpressionError("result too large")
        return result

    def _UnaryOp(self, node: ast.UnaryOp) -> Any:
        return _UNARY[type(node.op)](self.visit(node.operand))

    def _BoolOp(self, node: ast.BoolOp) -> Any:
        value: Any = None
        for item in node.values:
            value = self.visit(item)
            if isinstance(node.op, ast.And) and not value:
                return value
            if isinstance(node.op, ast.Or) and value:
                return value
        return value

    def _Compare(self, node: ast.Compare) -> Any:
        left = self.visit(node.left)
        for op, comp in zip(node.ops, node.comparators):
            right = self.visit(comp)
            if not _CMPOPS[type(op)](left, right):
                return False
            left = right
        return True

    def _IfExp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def _Subscript(self, node: ast.Subscript) -> Any:
        return self.visit(node.value)[self.visit(node.slice)]

    def _Slice(self, node: ast.Slice) -> Any:
        parts = (node.lower, node.upper, node.step)
        return slice(*(None if p is None else self.visit(p) for p in parts))

    def _List(self, node: ast.List) -> Any:
        return [self.visit(e) for e in node.elts]

    def _Tuple(self, node: ast.Tuple) -> Any:
        return [self.visit(e) for e in node.elts]

    def _Dict(self, node: ast.Dict) -> Any:
        if any(k is None for k in node.keys):
            raise ExpressionError("** in dict literals is not allowed")
        return {self.visit(k): self.visit(v) for k, v in zip(node.keys, node.values) if k is not None}

    def _Call(self, node: ast.Call) -> Any:
        assert isinstance(node.func, ast.Name)
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise ExpressionError("*args is not allowed")
        args = [self.visit(a) for a in node.args]
        if size(args, MAX_ARGS) > MAX_ARGS:  # str(), join(), json_dumps()... of something huge
            raise ExpressionError("arguments too large")
        return FUNCTIONS[node.func.id](*args)
