"""Start-node parameters: defaults, required ones and types (Coze answers 4000 when they are wrong)."""

from __future__ import annotations

import contextlib
import json
from typing import Any, Dict, Mapping

from .definition import Definition

EMPTY: Dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": int,
    "boolean": bool,
    "object": dict,
    "array": list,
}


class ParameterError(ValueError):
    """Parameters that do not match the start node's declarations."""


def _coerce(name: str, kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "string":
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
    elif kind in ("integer", "number"):
        if isinstance(value, bool):
            pass
        elif isinstance(value, int) or (kind == "number" and isinstance(value, float)):
            return value
        elif isinstance(value, float) and value.is_integer():
            return int(value)
        elif isinstance(value, str):
            try:
                return int(value) if kind == "integer" else float(value)
            except ValueError:
                pass
    elif kind in ("object", "array"):
        wanted = dict if kind == "object" else list
        if isinstance(value, str):
            with contextlib.suppress(json.JSONDecodeError):
                value = json.loads(value)
        if isinstance(value, wanted):
            return value
    raise ParameterError(f"parameter {name!r} must be of type {kind}, got {json.dumps(value)[:80]}")


def check_parameters(definition: Definition, parameters: Mapping[str, Any]) -> Dict[str, Any]:
    """The start node's values: declared parameters checked and coerced, defaults filled in, others kept."""
    return check_values(definition.inputs(), parameters, definition.fill_empty_parameters)


def check_values(
    decls: Mapping[str, Dict[str, Any]], parameters: Mapping[str, Any], fill_empty: bool = True
) -> Dict[str, Any]:
    """Values for declarations (`{type, required, default}`): checked, coerced, defaults filled in;
    with `fill_empty`, a missing optional parameter gets its type's empty value (else stays missing)."""
    values = dict(parameters)
    for name, decl in decls.items():
        if values.get(name) is None and decl.get("default") is not None:
            values[name] = decl["default"]
        if values.get(name) is None:
            if decl["required"]:
                raise ParameterError(f"missing required parameter {name!r}")
            if fill_empty:
                values[name] = EMPTY[decl["type"]]()
            continue
        values[name] = _coerce(name, decl["type"], values[name])
    return values
