"""Base classes for response models.

Every model the SDK returns is a `CozeModel`: pydantic v2, extra fields kept (servers add fields before SDKs
learn of them), and the HTTP response it came from reachable as `.response` (status, headers, `logid`).
Server-owned strings (statuses, event names, message types) are `OpenEnum`s: known values are members,
unknown ones still validate and compare equal to their string.
"""

from __future__ import annotations

import enum
from typing import Any, Dict, List, Optional, TypeVar

from pydantic import BaseModel, ConfigDict

from ._response import ResponseInfo

__all__ = ["CozeModel", "ListResponse", "OpenEnum", "ResponseInfo"]

_T = TypeVar("_T")


class CozeModel(BaseModel):
    """Base of every response model: extra fields allowed, the source response attached."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())

    # The source response is kept in `__pydantic_private__` by `_attach`, not declared as a `PrivateAttr`:
    # a private attribute with a default makes pydantic call back into Python for every model it builds,
    # which is most of the cost of a small model (every event of a stream is one).

    @property
    def response(self) -> Optional[ResponseInfo]:
        """The HTTP response this object was parsed from (None for objects built locally)."""
        private = self.__pydantic_private__
        return private.get("_response") if private else None

    @property
    def logid(self) -> str:
        """The `x-tt-logid` of the response this object came from, or `""`."""
        response = self.response
        return response.logid if response is not None else ""

    @property
    def invalid_fields(self) -> Dict[str, Any]:
        """Fields the server sent in a shape this SDK did not expect, by name, as sent (empty when
        everything validated). Such a field holds the value as sent, or its default when a model was
        expected; a required field that was absent is listed as None."""
        private = self.__pydantic_private__
        invalid = private.get("_invalid") if private else None
        return dict(invalid) if invalid else {}

    def _attach(self, response: Optional[ResponseInfo]) -> None:
        private = self.__pydantic_private__
        if private is not None:
            private["_response"] = response
        elif response is not None:
            object.__setattr__(self, "__pydantic_private__", {"_response": response})


class ListResponse(List[_T]):
    """A list result that still knows the response it came from (`.response`, `.logid`)."""

    def __init__(self, items: Any = (), response: Optional[ResponseInfo] = None) -> None:
        super().__init__(items)
        self.response = response

    @property
    def logid(self) -> str:
        return self.response.logid if self.response is not None else ""


class OpenEnum(str, enum.Enum):
    """A string enum that accepts values it does not know.

    >>> class Color(OpenEnum):
    ...     RED = "red"
    >>> Color("teal") == "teal"
    True
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        pseudo = _pseudo_members.setdefault(cls, {})
        member = pseudo.get(value)
        if member is None:
            member = str.__new__(cls, value)
            member._name_ = value
            member._value_ = value
            pseudo[value] = member
        return member

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_known(self) -> bool:
        """False for values the server sent that this SDK version does not know."""
        return self._name_ in type(self).__members__


_pseudo_members: Dict[type, Dict[str, Any]] = {}
