"""Pure request builders and the stream decoder for workflow runs (shared by resources and `lib/`)."""

from __future__ import annotations

import enum
import json
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from pydantic import BaseModel

from ..._envelope import BODY
from ..._exceptions import APIResponseValidationError
from ..._models import ResponseInfo
from ..._paths import path, require
from ..._request import CallOptions, RequestOptions, get, post
from ..._streaming import ServerSentEvent
from ..._validation import read_model
from ...types.workflow import WorkflowRunHistory
from ...types.workflow_event import WorkflowStreamEvent, parse_workflow_event

__all__ = [
    "Parameters",
    "ResumeData",
    "decode_workflow_event",
    "parameters_to_wire",
    "resume",
    "run",
]

Parameters = Union[Mapping[str, Any], str]
"""Start-node inputs: a mapping, or the same object as JSON text. Always sent as a JSON object."""
ResumeData = Union[str, Mapping[str, Any]]
"""The answer to an interrupt: text, or a mapping (e.g. `{"file_id": ...}`) sent JSON-encoded."""


def decode_workflow_event(
    sse: ServerSentEvent, info: ResponseInfo
) -> Tuple[Optional[WorkflowStreamEvent], bool]:
    """Every event is yielded, `Error` included (as cozepy does: it does not raise, call
    `event.raise_for_error()`); Done, Error and Interrupt end the stream. An `id:` that is not a number
    (in ASCII digits) is taken as absent."""
    event_id = sse.id if sse.id is None or sse.id.isascii() else None
    event = parse_workflow_event(sse.event, sse.data, event_id, info)
    return event, event.event.is_terminal


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def parameters_to_wire(parameters: Optional[Parameters]) -> Optional[Dict[str, Any]]:
    """The JSON object to send as `parameters` (Coze's SDKs and examples send an object, not text)."""
    if parameters is None:
        return None
    if isinstance(parameters, str):
        try:
            value = json.loads(parameters)
        except json.JSONDecodeError as exc:
            raise ValueError("parameters given as text must be a JSON object") from exc
        if not isinstance(value, dict):
            raise ValueError("parameters given as text must be a JSON object")
        return value
    if not isinstance(parameters, Mapping):
        raise TypeError(f"parameters must be a mapping, got {type(parameters).__name__}")
    return {str(k): _plain(v) for k, v in parameters.items()}


def _check_owner(bot_id: Optional[str], app_id: Optional[str]) -> None:
    if bot_id and app_id:
        raise ValueError("pass bot_id or app_id, not both (Coze answers 4000)")


def run(
    *,
    workflow_id: str,
    parameters: Optional[Parameters],
    bot_id: Optional[str],
    app_id: Optional[str],
    ext: Optional[Mapping[str, str]],
    workflow_version: Optional[str],
    connector_id: Optional[str],
    stream: bool,
    options: CallOptions,
    is_async: bool = False,
) -> RequestOptions:
    """`/v1/workflow/run` (envelope BODY: `data` is text beside `execute_id`, `debug_url`...) or
    `/v1/workflow/stream_run`."""
    require(workflow_id=workflow_id)
    _check_owner(bot_id, app_id)
    if stream and is_async:
        raise ValueError("a streamed run cannot be async")
    body: Dict[str, Any] = {
        "workflow_id": workflow_id,
        "parameters": parameters_to_wire(parameters),
        "bot_id": bot_id,
        "app_id": app_id,
        "ext": dict(ext) if ext is not None else None,
        "workflow_version": workflow_version,
        "connector_id": connector_id,
    }
    if stream:
        return post("/v1/workflow/stream_run", body, stream=True).with_call_options(options)
    body["is_async"] = is_async
    return post("/v1/workflow/run", body, envelope=BODY).with_call_options(options)


def _resume_data(resume_data: ResumeData) -> str:
    if isinstance(resume_data, str):
        return resume_data
    if isinstance(resume_data, Mapping):
        return json.dumps(_plain(resume_data), ensure_ascii=False)
    raise TypeError(f"resume_data must be a string or a mapping, got {type(resume_data).__name__}")


def resume(
    *,
    workflow_id: str,
    event_id: str,
    resume_data: ResumeData,
    interrupt_type: int,
    stream: bool,
    options: CallOptions,
) -> RequestOptions:
    """`/v1/workflow/stream_resume` (SSE) or `/v1/workflows/resume` (plural; envelope BODY)."""
    require(workflow_id=workflow_id, event_id=event_id)
    if isinstance(interrupt_type, bool) or not isinstance(interrupt_type, int):
        raise TypeError("interrupt_type must be the int from the interrupt (2, 5, 6, 7...)")
    body = {
        "workflow_id": workflow_id,
        "event_id": event_id,
        "resume_data": _resume_data(resume_data),
        "interrupt_type": int(interrupt_type),
    }
    if stream:
        return post("/v1/workflow/stream_resume", body, stream=True).with_call_options(options)
    return post("/v1/workflows/resume", body, envelope=BODY).with_call_options(options)


_HISTORY = "/v1/workflows/{workflow_id}/run_histories/{execute_id}"


def history(workflow_id: str, execute_id: str, options: CallOptions) -> RequestOptions:
    return get(path(_HISTORY, workflow_id=workflow_id, execute_id=execute_id)).with_call_options(options)


def node_output(
    workflow_id: str, execute_id: str, node_execute_uuid: str, options: CallOptions
) -> RequestOptions:
    template = _HISTORY + "/execute_nodes/{node_execute_uuid}"
    url = path(template, workflow_id=workflow_id, execute_id=execute_id, node_execute_uuid=node_execute_uuid)
    return get(url).with_call_options(options)


def one_history(payload: Any, info: ResponseInfo) -> WorkflowRunHistory:
    """Run history's `data` is an array holding exactly one record."""
    items = payload if isinstance(payload, list) else [payload] if isinstance(payload, Mapping) else []
    if not items:
        raise APIResponseValidationError(
            "run history answered no record", body=payload, logid=info.logid, status_code=info.status_code
        )
    record = read_model(WorkflowRunHistory, items[0], info)
    record._attach(info)
    return record
