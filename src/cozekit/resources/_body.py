"""Turning request arguments (models or dicts) into JSON-ready values."""

from __future__ import annotations

import enum
from typing import Any, Mapping

from pydantic import BaseModel

__all__ = ["arguments", "to_json"]


def to_json(value: Any) -> Any:
    """Models become dicts without None fields, enums their value; containers are converted recursively."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {k: to_json(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def arguments(values: Mapping[str, Any], *skip: str) -> dict[str, Any]:
    """A method's arguments from its `locals()`, without `self` and the names in `skip`."""
    excluded = {"self", "__class__", *skip}
    return {k: v for k, v in values.items() if k not in excluded}
