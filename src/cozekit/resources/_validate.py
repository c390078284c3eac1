"""Checks of request values that Coze would reject, made before any I/O."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

__all__ = ["check_messages", "check_meta_data", "check_page_size"]


def check_meta_data(meta_data: Optional[Mapping[str, str]]) -> None:
    """Coze's limits: at most 16 pairs, keys 1-64 characters, values 1-512."""
    if meta_data is None:
        return
    if len(meta_data) > 16:
        raise ValueError(f"meta_data takes at most 16 pairs, got {len(meta_data)}")
    for key, value in meta_data.items():
        if not isinstance(key, str) or not 1 <= len(key) <= 64:
            raise ValueError(f"meta_data key {key!r} must be a string of 1-64 characters")
        if not isinstance(value, str) or not 1 <= len(value) <= 512:
            raise ValueError(f"meta_data value for {key!r} must be a string of 1-512 characters")


def check_messages(messages: Optional[Sequence[Any]], limit: int = 100) -> None:
    if messages is not None and len(messages) > limit:
        raise ValueError(f"at most {limit} messages per request, got {len(messages)}")


def check_page_size(page_size: int, largest: int) -> None:
    """A page size the endpoint accepts: 1 to `largest`."""
    if not 1 <= page_size <= largest:
        raise ValueError(f"page_size must be between 1 and {largest}")
