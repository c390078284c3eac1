"""Event tables: event type → model class, for routing downlink frames."""

from __future__ import annotations

from typing import Dict, Type

from ..types.websocket import WebsocketsEvent
from ._dispatch import key_of

__all__ = ["table_of"]


def table_of(*classes: Type[WebsocketsEvent]) -> Dict[str, Type[WebsocketsEvent]]:
    return {key_of(cls.model_fields["event_type"].default): cls for cls in classes}
