"""References between nodes: `{{node_id.field.sub}}` in templates and values."""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

REF = re.compile(r"\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}")


class MissingValue(Exception):
    """A reference to a node or field that has no value in this run."""


def lookup(path: str, outputs: Mapping[str, Any]) -> Any:
    """The value at `node_id.field...`; list items by number (`node.items.0`)."""
    head, *rest = path.split(".")
    if head not in outputs:
        raise MissingValue(f"{{{{{path}}}}}: node {head!r} has no output (not run, or unknown)")
    value = outputs[head]
    for part in rest:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise MissingValue(f"{{{{{path}}}}}: no field {part!r}")
    return value


def as_text(value: Any) -> str:
    """How a value shows inside text: strings as they are, anything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def render(template: str, outputs: Mapping[str, Any]) -> str:
    """Fill every `{{ref}}` of a template; an unknown reference fails."""
    return REF.sub(lambda m: as_text(lookup(m.group(1), outputs)), template)


def resolve(value: Any, outputs: Mapping[str, Any]) -> Any:
    """A node setting's value: `"{{ref}}"` alone keeps the referenced value's type, other text is
    rendered, lists and objects are resolved item by item, other values stay."""
    if isinstance(value, str):
        whole = REF.fullmatch(value.strip())
        if whole:
            return lookup(whole.group(1), outputs)
        return render(value, outputs)
    if isinstance(value, list):
        return [resolve(v, outputs) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, outputs) for k, v in value.items()}
    return value


def references(value: Any) -> list[str]:
    """Node ids a setting refers to (for load-time checks)."""
    if isinstance(value, str):
        return [m.group(1).split(".")[0] for m in REF.finditer(value)]
    if isinstance(value, list):
        return [r for v in value for r in references(v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in references(v)]
    return []
