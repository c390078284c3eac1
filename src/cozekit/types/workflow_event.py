# pyright: reportIncompatibleVariableOverride=false
"""Workflow stream events (`/v1/workflow/stream_run`, `/v1/workflow/stream_resume`).

Each event has an `id:` (from 0), an `event:` name and JSON `data:`.

    >>> ev = parse_workflow_event("Message", '{"content":"hi","node_seq_id":"0","node_is_finish":true}', "0")
    >>> ev.event is WorkflowEventType.MESSAGE, ev.id, ev.message.content
    (True, 0, 'hi')
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Type, TypeVar, Union

from pydantic import AliasChoices, BeforeValidator, Field, ValidationError
from typing_extensions import Annotated, Literal

from .._exceptions import CozeAPIError, error_class
from .._models import CozeModel, OpenEnum, ResponseInfo
from .._validation import lenient_model, read_event_data
from .chat import ChatUsage
from .workflow import WorkflowInterruptData, parse_json_text

__all__ = [
    "WorkflowCompletion",
    "WorkflowDoneEvent",
    "WorkflowErrorEvent",
    "WorkflowEvent",
    "WorkflowEventError",
    "WorkflowEventInterrupt",
    "WorkflowEventInterruptData",
    "WorkflowEventMessage",
    "WorkflowEventType",
    "WorkflowInterruptEvent",
    "WorkflowMessageEvent",
    "WorkflowPingEvent",
    "WorkflowStreamEvent",
    "WorkflowUnknownEvent",
    "parse_workflow_event",
]

_E = TypeVar("_E", bound="WorkflowEvent")

WorkflowEventInterruptData = WorkflowInterruptData
"""cozepy's name for the interrupt payload."""


def _str_id(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


class WorkflowEventType(OpenEnum):
    """The `event:` name of a workflow stream event. Unknown names keep their own value (`.is_known`)."""

    MESSAGE = "Message"
    """Output of an output node, a question node or a streaming end node."""
    ERROR = "Error"
    """The run failed: see `WorkflowEvent.error`. The stream ends after it."""
    DONE = "Done"
    """The run finished; may carry `debug_url`. The stream ends after it."""
    INTERRUPT = "Interrupt"
    """The run paused for input: resume it with `runs.resume`. The stream ends after it."""
    PING = "PING"
    """Keep-alive; carries nothing."""
    UNKNOWN = "unknown"
    """Kept for cozepy compatibility; unknown names keep their own value instead."""

    @property
    def is_terminal(self) -> bool:
        """True for the events after which the server ends the stream (Done, Error, Interrupt)."""
        return self in _TERMINAL


_TERMINAL = frozenset({WorkflowEventType.DONE, WorkflowEventType.ERROR, WorkflowEventType.INTERRUPT})


class WorkflowEventMessage(CozeModel):
    """A piece of a node's output; the node's last piece has `node_is_finish=True`."""

    content: str = ""
    node_title: str = ""
    node_seq_id: Annotated[str, BeforeValidator(_str_id)] = ""
    """The piece's number within its node, from "0" (lets you detect lost pieces)."""
    node_is_finish: bool = False
    ext: Optional[Dict[str, Any]] = None
    usage: Optional[ChatUsage] = None
    node_id: Optional[str] = None
    node_execute_uuid: Optional[str] = None
    content_type: Optional[str] = None


class WorkflowEventInterrupt(CozeModel):
    interrupt_data: WorkflowInterruptData
    node_title: str = ""


class WorkflowEventError(CozeModel):
    """The `data` of an `Error` event."""

    error_code: int = Field(0, validation_alias=AliasChoices("error_code", "code"))
    error_message: str = Field("", validation_alias=AliasChoices("error_message", "msg", "message"))

    def to_exception(self, logid: str = "", debug_url: Optional[str] = None) -> CozeAPIError:
        """The typed error for this code (4200 → `NotFoundError`, 4000 → `BadRequestError`, ...)."""
        cls = error_class(None, self.error_code)
        body = {"error_code": self.error_code, "error_message": self.error_message}
        return cls(self.error_code, self.error_message, logid, debug_url, status_code=200, body=body)


class WorkflowEvent(CozeModel):
    """One event of a workflow stream.

    `Message` carries `message`, `Interrupt` carries `interrupt`, `Error` carries `error`, `Done` may
    carry `debug_url`, `PING` carries nothing. Unknown events keep their name in `event` and their raw
    data in `data` and `unknown` (cozepy's field).

    Each event is an instance of the subclass for its kind (`WorkflowMessageEvent`,
    `WorkflowInterruptEvent`, `WorkflowErrorEvent`, `WorkflowDoneEvent`, `WorkflowPingEvent`,
    `WorkflowUnknownEvent`; `WorkflowEvent(event=..., ...)` builds it too), and streams are typed with
    their union `WorkflowStreamEvent`, so that after `if event.event == WorkflowEventType.MESSAGE:` a type
    checker knows that `event.message` is a `WorkflowEventMessage`.
    """

    id: Optional[int] = None
    """The `id:` of the event, counting from 0 in each stream (None if the server sent none)."""
    event: WorkflowEventType
    message: Optional[WorkflowEventMessage] = None
    interrupt: Optional[WorkflowEventInterrupt] = None
    error: Optional[WorkflowEventError] = None
    debug_url: Optional[str] = None
    data: Optional[str] = None
    """The raw `data:` of an event this SDK does not know."""
    unknown: Optional[Dict[str, Any]] = None

    def __new__(cls: Type[_E], *args: Any, **values: Any) -> _E:
        # `WorkflowEvent(event=...)` builds the subclass for that event, as parsing does.
        if cls is WorkflowEvent:
            event = values.get("event")
            if isinstance(event, str):
                name = event.value if isinstance(event, WorkflowEventType) else event.strip()
                cls = _CLASSES.get(name.lower(), WorkflowUnknownEvent)  # type: ignore[assignment]
        return super().__new__(cls)

    def raise_for_error(self) -> None:
        """Raise the typed error of an `Error` event (`NotFoundError` for 4200...); no-op otherwise."""
        if self.error is not None:
            raise self.error.to_exception(self.logid)


# The subclasses narrow `event` and their payload for type checkers only: at run time every field is
# the base's.


class WorkflowMessageEvent(WorkflowEvent):
    """`Message`: a piece of a node's output."""

    if TYPE_CHECKING:
        event: Literal[WorkflowEventType.MESSAGE]
        message: WorkflowEventMessage


class WorkflowInterruptEvent(WorkflowEvent):
    """`Interrupt`: the run paused for input (resume it with `runs.resume`)."""

    if TYPE_CHECKING:
        event: Literal[WorkflowEventType.INTERRUPT]
        interrupt: WorkflowEventInterrupt


class WorkflowErrorEvent(WorkflowEvent):
    """`Error`: the run failed (`raise_for_error()` raises it typed)."""

    if TYPE_CHECKING:
        event: Literal[WorkflowEventType.ERROR]
        error: WorkflowEventError


class WorkflowDoneEvent(WorkflowEvent):
    """`Done`: the run finished (may carry `debug_url`)."""

    if TYPE_CHECKING:
        event: Literal[WorkflowEventType.DONE]


class WorkflowPingEvent(WorkflowEvent):
    """`PING`: keep-alive."""

    if TYPE_CHECKING:
        event: Literal[WorkflowEventType.PING]


class WorkflowUnknownEvent(WorkflowEvent):
    """An event this SDK does not know: `event` holds its name as sent (typed as `UNKNOWN`, so that
    comparisons with known names narrow), `data` its raw data."""

    if TYPE_CHECKING:
        event: Literal[WorkflowEventType.UNKNOWN]
        data: str
        unknown: Dict[str, Any]


WorkflowStreamEvent = Union[
    WorkflowMessageEvent,
    WorkflowInterruptEvent,
    WorkflowErrorEvent,
    WorkflowDoneEvent,
    WorkflowPingEvent,
    WorkflowUnknownEvent,
]
"""What a workflow stream yields: one of the `WorkflowEvent` subclasses, told apart by `event`."""

_Handler = Callable[[WorkflowEventType, Optional[int], str, Optional[ResponseInfo]], WorkflowStreamEvent]

_DEFAULTS: Dict[str, Any] = {name: field.default for name, field in WorkflowEvent.model_fields.items()}
_new = object.__new__
_set = object.__setattr__


def _built(
    cls: Type[_E],
    event: WorkflowEventType,
    id_: Optional[int],
    values: Dict[str, Any],
    response: Optional[ResponseInfo],
) -> _E:
    """`cls(id=id_, event=event, **values)` for values already validated, without validating again."""
    out = _new(cls)
    fields = _DEFAULTS.copy()
    fields["event"] = event
    fields["id"] = id_
    fields.update(values)
    _set(out, "__dict__", fields)
    _set(out, "__pydantic_fields_set__", {"event", "id", *values})
    _set(out, "__pydantic_extra__", {})
    _set(out, "__pydantic_private__", None if response is None else {"_response": response})
    return out


def _loads(data: str) -> Any:
    try:
        return json.loads(data) if data.strip() else None
    except (json.JSONDecodeError, TypeError):
        return None


def _validate(model: Any, event: WorkflowEventType, data: str, response: Optional[ResponseInfo]) -> Any:
    try:
        return model.__pydantic_validator__.validate_json(data)
    except ValidationError as exc:
        return read_event_data(model, event.value, data, exc, response)


def _message(
    event: WorkflowEventType, id_: Optional[int], data: str, response: Optional[ResponseInfo]
) -> WorkflowMessageEvent:
    message = _validate(WorkflowEventMessage, event, data, response)
    return _built(WorkflowMessageEvent, event, id_, {"message": message}, response)


def _interrupt(
    event: WorkflowEventType, id_: Optional[int], data: str, response: Optional[ResponseInfo]
) -> WorkflowInterruptEvent:
    interrupt = _validate(WorkflowEventInterrupt, event, data, response)
    return _built(WorkflowInterruptEvent, event, id_, {"interrupt": interrupt}, response)


def _error(
    event: WorkflowEventType, id_: Optional[int], data: str, response: Optional[ResponseInfo]
) -> WorkflowErrorEvent:
    body = _loads(data)
    error = lenient_model(WorkflowEventError, body) if isinstance(body, dict) else None
    if error is None or not isinstance(error.error_message, str) or not isinstance(error.error_code, int):
        # Not the documented {error_code, error_message}: keep the text so the error still says something.
        code = _int_or_zero(body.get("error_code", body.get("code"))) if isinstance(body, dict) else 0
        error = WorkflowEventError(error_code=code, error_message=data)
    return _built(WorkflowErrorEvent, event, id_, {"error": error}, response)


def _done(
    event: WorkflowEventType, id_: Optional[int], data: str, response: Optional[ResponseInfo]
) -> WorkflowDoneEvent:
    body = _loads(data)
    url = body.get("debug_url") if isinstance(body, dict) else None
    debug_url = url if isinstance(url, str) and url else None
    return _built(WorkflowDoneEvent, event, id_, {"debug_url": debug_url} if debug_url else {}, response)


def _ping(
    event: WorkflowEventType, id_: Optional[int], data: str, response: Optional[ResponseInfo]
) -> WorkflowPingEvent:
    return _built(WorkflowPingEvent, event, id_, {}, response)


_HANDLERS: Dict[str, _Handler] = {
    "message": _message,
    "interrupt": _interrupt,
    "error": _error,
    "done": _done,
    "ping": _ping,
}
_CANONICAL = {member.value.lower(): member for member in WorkflowEventType}
_CLASSES: Dict[str, Type[WorkflowEvent]] = {
    "message": WorkflowMessageEvent,
    "interrupt": WorkflowInterruptEvent,
    "error": WorkflowErrorEvent,
    "done": WorkflowDoneEvent,
    "ping": WorkflowPingEvent,
}


def _int_or_zero(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    return int(text) if text.lstrip("-").isdigit() else 0


def _event_id(raw: Optional[str]) -> Optional[int]:
    text = (raw or "").strip()
    return int(text) if text.isdigit() else None


def parse_workflow_event(
    event_name: str, data: str, event_id: Optional[str] = None, response: Optional[ResponseInfo] = None
) -> WorkflowStreamEvent:
    """Parse one workflow stream event from its `event:` name, `data:` text and `id:`.

    Names match case-insensitively (`Done`, `done`, `PING`, `ping`). `Error` does not raise here: see
    `WorkflowEvent.raise_for_error`. PING data may be empty, `{}` or anything. `response`, when given, is
    attached and says how strictly to read (as in `parse_chat_event`). Raises `CozeInvalidEventError` when
    a `Message` or `Interrupt` event's data is not the object it must be.
    """
    name = event_name.strip()
    key = name.lower()
    handler = _HANDLERS.get(key)
    id_ = _event_id(event_id)
    if handler is None:
        unknown = {"id": event_id, "event": name, "data": data}
        values = {"data": data, "unknown": unknown}
        return _built(WorkflowUnknownEvent, WorkflowEventType(name), id_, values, response)
    return handler(_CANONICAL[key], id_, data, response)


class WorkflowCompletion(CozeModel):
    """What `runs.stream_until_done` saw: every event (PINGs left out) across the run and its resumes."""

    events: List[WorkflowEvent] = []
    debug_url: Optional[str] = None
    """From the final `Done` event, when the server sent one."""
    resumes: int = 0
    """How many interrupts were answered."""

    @property
    def messages(self) -> List[WorkflowEventMessage]:
        return [e.message for e in self.events if e.message is not None]

    @property
    def interrupts(self) -> List[WorkflowEventInterrupt]:
        return [e.interrupt for e in self.events if e.interrupt is not None]

    @property
    def output(self) -> str:
        """The content of the last message (usually the end node's `{"output": ...}`), or ""."""
        messages = self.messages
        return messages[-1].content if messages else ""

    @property
    def parsed_output(self) -> Any:
        """`output` decoded as JSON, or None."""
        return parse_json_text(self.output)
