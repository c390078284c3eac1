"""Small building blocks shared by the type modules: lenient timestamps and open integer enums."""

from __future__ import annotations

import enum
from typing import Any, Dict, Optional

from pydantic import BeforeValidator
from typing_extensions import Annotated

__all__ = ["OpenIntEnum", "OptionalTimestamp", "Timestamp", "parse_timestamp"]


def parse_timestamp(value: Any) -> Any:
    """Turn a Unix timestamp sent as an int, a numeric string or an integral float into an int.

    Coze sends most timestamps as ints but several endpoints send numeric strings (`"1718592898"`).
    Booleans are refused; anything else is passed through so pydantic reports it with the field's name.

    >>> parse_timestamp("1718592898"), parse_timestamp(1718592898), parse_timestamp(1.7e9)
    (1718592898, 1718592898, 1700000000)
    """
    if isinstance(value, bool):
        raise ValueError("a timestamp must be a number of seconds, not a boolean")
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
        try:
            number = float(text)
        except ValueError:
            return value
        return int(number) if number.is_integer() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _parse_optional_timestamp(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_timestamp(value)


Timestamp = Annotated[int, BeforeValidator(parse_timestamp)]
"""Unix seconds; validates from an int or a numeric string, always holds an int."""

OptionalTimestamp = Annotated[Optional[int], BeforeValidator(_parse_optional_timestamp)]
"""Like `Timestamp`, but `None` or an empty string (an unset time) become `None`."""


class OpenIntEnum(int, enum.Enum):
    """An int enum that accepts values it does not know (the int counterpart of `OpenEnum`).

    >>> class Mode(OpenIntEnum):
    ...     A = 0
    >>> Mode(7) == 7, Mode(7).is_known
    (True, False)
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
            if value in cls._value2member_map_:
                return cls._value2member_map_[value]
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        pseudo = _pseudo_int_members.setdefault(cls, {})
        member = pseudo.get(value)
        if member is None:
            member = int.__new__(cls, value)
            member._name_ = f"UNKNOWN_{value}".replace("-", "MINUS_")
            member._value_ = value
            pseudo[value] = member
        return member

    def __str__(self) -> str:
        return str(self.value)  # as `IntEnum` (and cozepy's int fields): `2`, not `Class.MEMBER`

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    @property
    def is_known(self) -> bool:
        """False for values the server sent that this SDK version does not know."""
        return self._name_ in type(self).__members__


_pseudo_int_members: Dict[type, Dict[int, Any]] = {}
