"""Checks shared by the enterprise and organization resources: member lists (models or dicts) and
organization texts."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Type, Union

from .._models import CozeModel
from .._paths import require
from ._body import to_json

__all__ = ["check_organization_texts", "member_list"]


def member_list(
    name: str, items: Sequence[Union[CozeModel, Mapping[str, Any]]], cls: Type[CozeModel], limit: int
) -> List[Dict[str, Any]]:
    """`items` as JSON objects: each validated as `cls`, with no blank field; 1 to `limit` of them."""
    if isinstance(items, (str, Mapping, CozeModel)):
        raise TypeError(f"{name} must be a list of {cls.__name__} (or dicts)")
    wire = [to_json(cls.model_validate(item) if isinstance(item, Mapping) else item) for item in items]
    if not 1 <= len(wire) <= limit:
        raise ValueError(f"{name} takes 1 to {limit} members per call, got {len(wire)}")
    for member in wire:
        require(**{key: member.get(key) for key in cls.model_fields})
    return wire


def check_organization_texts(name: Optional[str], description: Optional[str]) -> None:
    if name is not None and len(name) > 30:
        raise ValueError(f"an organization name has at most 30 characters, got {len(name)}")
    if description is not None and len(description) > 100:
        raise ValueError(f"an organization description has at most 100 characters, got {len(description)}")
