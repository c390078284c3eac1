"""Sentinels and aliases shared by the request pipeline and resources."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Union

import httpx
from typing_extensions import Literal, final

__all__ = ["NOT_GIVEN", "Body", "Headers", "NotGiven", "Query", "Timeout"]


@final
class NotGiven:
    """Marks an argument the caller did not pass (distinct from an explicit `None`)."""

    _instance: Optional[NotGiven] = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

Headers = Mapping[str, str]
Query = Mapping[str, Any]
Body = Dict[str, Any]
Timeout = Union[float, httpx.Timeout, None]


def is_given(value: Any) -> bool:
    return not isinstance(value, NotGiven)


def drop_unset(mapping: Mapping[str, Any]) -> Dict[str, Any]:
    """A copy of `mapping` without the entries that are `None` or NOT_GIVEN."""
    return {k: v for k, v in mapping.items() if v is not None and not isinstance(v, NotGiven)}
