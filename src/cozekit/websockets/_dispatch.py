"""Pure parts of a WebSocket session, shared by the sync and async clients: frames to typed events, handler
tables, the state `wait()` reads, and event serialisation."""

from __future__ import annotations

import collections
import enum
import json
import uuid
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Type, Union

from .._exceptions import APIConnectionError, APIResponseValidationError, CozeError, CozeInvalidEventError
from .._validation import read_model
from ..types.websocket import WebsocketsErrorEvent, WebsocketsEvent, WebsocketsEventType
from ._connection import Item

__all__ = [
    "CLIENT_ERROR",
    "CLOSED",
    "ERROR",
    "RECONNECTED",
    "EventTable",
    "Router",
    "WaitState",
    "dump_event",
    "handler_table",
]

CLIENT_ERROR = WebsocketsEventType.CLIENT_ERROR.value
CLOSED = WebsocketsEventType.CLOSED.value
ERROR = WebsocketsEventType.ERROR.value
RECONNECTED = "reconnected"

EventTable = Mapping[str, Type[WebsocketsEvent]]
EventKey = Union[WebsocketsEventType, str]
Routed = Tuple[str, Any]


def key_of(event_type: EventKey) -> str:
    return event_type.value if isinstance(event_type, enum.Enum) else str(event_type)


def handler_table(on_event: Any, event_types: Iterable[str]) -> Dict[str, Callable[..., Any]]:
    """Handlers by event type, from a mapping `{event_type: callable}` or an object with `on_<event>`
    methods (`on_conversation_chat_completed` handles `conversation.chat.completed`)."""
    if on_event is None:
        return {}
    if isinstance(on_event, Mapping):
        return {key_of(k): v for k, v in on_event.items()}
    table: Dict[str, Callable[..., Any]] = {}
    for event_type in (CLIENT_ERROR, ERROR, CLOSED, RECONNECTED, *event_types):
        method = getattr(on_event, "on_" + event_type.replace(".", "_"), None)
        if callable(method):
            table[event_type] = method
    return table


class Router:
    """Turns what the connection delivers into `(event type, argument)` pairs for the handlers."""

    def __init__(self, table: EventTable, strict: bool = False) -> None:
        self._table = table
        self._strict = strict

    def route(self, item: Item) -> List[Routed]:
        kind, value = item
        if kind == "message":
            return [self._parse(value)]
        if kind == "lost":
            return [(CLIENT_ERROR, value)]
        if kind == "closed":
            return [(CLOSED, None)]
        return [(RECONNECTED, None)]

    def _parse(self, frame: Union[str, bytes]) -> Routed:
        text = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
        try:
            raw = json.loads(text)
            event_type = raw["event_type"]
            if not isinstance(event_type, str):
                raise TypeError("event_type is not a string")
        except (ValueError, KeyError, TypeError):
            return CLIENT_ERROR, CozeInvalidEventError("event_type", text)
        if not isinstance(raw, dict):
            return CLIENT_ERROR, CozeInvalidEventError("event_type", text)
        if event_type == ERROR:
            # An error is reported whatever its shape (read leniently, even when strict).
            return ERROR, read_model(WebsocketsErrorEvent, raw, strict=False).to_error()
        try:
            cls = self._table.get(event_type, WebsocketsEvent)
            return event_type, read_model(cls, raw, strict=self._strict)
        except APIResponseValidationError as exc:
            detail = raw.get("detail")
            exc.logid = str(detail.get("logid", "")) if isinstance(detail, dict) else ""
            exc.body = text
            return CLIENT_ERROR, exc


Fatal = Callable[[Any], Exception]


class WaitState:
    """What has happened on a session: events seen (counted), the first failure, the end, reconnects.
    Not thread-safe by itself: the sync client guards it with a lock, the async one runs on one loop."""

    def __init__(self, fatal: Optional[Mapping[str, Fatal]] = None) -> None:
        self.seen: collections.Counter[str] = collections.Counter()
        self.failure: Optional[BaseException] = None
        self.ended = False
        self.generation = 0
        self._fatal = fatal or {}
        self._fatal_seen: List[Tuple[str, Any]] = []

    def record(self, key: str, arg: Any) -> None:
        if key == CLOSED:
            self.ended = True
        elif key == RECONNECTED:
            self.generation += 1
        elif key not in (ERROR, CLIENT_ERROR):
            self.seen[key] += 1
            if key in self._fatal:
                self._fatal_seen.append((key, arg))

    def fail(self, exc: BaseException) -> None:
        if self.failure is None:
            self.failure = exc

    def check(self, events: Sequence[str], wait_all: bool, generation: int) -> bool:
        """True (and the events consumed) when the wait is over; raises when it never will be."""
        if self.failure is not None:
            raise self.failure
        if generation != self.generation:
            raise APIConnectionError(
                "the connection was lost and re-established while waiting; resend the turn"
            )
        hits = [e for e in events if self.seen[e] > 0]
        if hits and (not wait_all or len(hits) == len(events)):
            for e in hits:
                self.seen[e] -= 1
            return True
        for key, arg in self._fatal_seen:
            if key not in events:
                self._fatal_seen.remove((key, arg))
                self.seen[key] -= 1
                raise self._fatal[key](arg)
        if self.ended:
            raise APIConnectionError(f"the connection closed before {', '.join(events)} arrived")
        return False


def dump_event(event: WebsocketsEvent) -> str:
    """The wire form of an uplink event, with a fresh UUID when it has no `id`."""
    body = event.model_dump(mode="json", exclude_none=True, by_alias=True)
    body.setdefault("id", str(uuid.uuid4()))
    body.pop("detail", None)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def build_event(cls: Type[WebsocketsEvent], data: Any = None) -> WebsocketsEvent:
    """An uplink event from a `Data` model, a plain mapping or the event itself (None: no data)."""
    if data is None:
        return cls.model_validate({})
    if isinstance(data, cls):
        return data
    if isinstance(data, WebsocketsEvent):
        raise TypeError(f"pass the event's data, not a {type(data).__name__}")
    return cls.model_validate({"data": data})


class NotConnectedError(CozeError):
    """A send on a session that is not (or no longer) connected."""
