"""Id lists for document endpoints: ids (strings or numbers) or `Document`s, checked before any I/O."""

from __future__ import annotations

from typing import Any, List, Mapping, Optional

from ...types.document import Document

__all__ = ["id_list"]


def id_list(name: str, values: Any, limit: Optional[int] = None) -> List[str]:
    """`values` as a list of non-empty string ids (at most `limit`)."""
    if isinstance(values, (str, bytes, Mapping, Document)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a list of ids, got {type(values).__name__}")
    ids: List[str] = []
    for value in values:
        if isinstance(value, Document):
            value = value.document_id
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
            raise ValueError(f"{name} must hold non-empty ids, got {value!r}")
        ids.append(str(value))
    if not ids:
        raise ValueError(f"{name} must not be empty")
    if limit is not None and len(ids) > limit:
        raise ValueError(f"at most {limit} {name} per request, got {len(ids)}")
    return ids
