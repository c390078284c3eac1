"""Safe path building: every path parameter is checked and percent-encoded, and required values are
present, before any I/O."""

from __future__ import annotations

from typing import Any, Union
from urllib.parse import quote

__all__ = ["path", "require"]


def _segment(name: str, value: Union[str, int]) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"{name} must be a string id, got {type(value).__name__}")
    text = str(value)
    if not text.strip():
        raise ValueError(f"{name} must be a non-empty id")
    if text in (".", ".."):
        raise ValueError(f"{name} must not be a dot segment: {text!r}")
    return quote(text, safe="")


def path(template: str, **params: Union[str, int]) -> str:
    """Fill `template`'s `{name}` slots, encoding each value as one path segment.

    >>> path("/v1/conversations/{conversation_id}/clear", conversation_id="12/3")
    '/v1/conversations/12%2F3/clear'
    """
    return template.format(**{name: _segment(name, value) for name, value in params.items()})


def require(**values: Any) -> None:
    """Each value must be present and, when a string, not blank (checked before any I/O)."""
    for name, value in values.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError(f"{name} must be a non-empty value")
