"""Workflows: run results, interrupts, run history, node output, and the catalogue (info, list, versions).

Stream events live in `workflow_event.py`. Usage is `ChatUsage` (the same three counts).
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from pydantic import BeforeValidator, Field, field_validator
from typing_extensions import Annotated

from .._models import CozeModel, OpenEnum
from ._shared import OpenIntEnum, OptionalTimestamp
from .chat import ChatUsage

__all__ = [
    "WorkflowBasic",
    "WorkflowExecuteStatus",
    "WorkflowInfo",
    "WorkflowInput",
    "WorkflowInterruptData",
    "WorkflowInterruptType",
    "WorkflowMode",
    "WorkflowNodeExecuteHistory",
    "WorkflowOutput",
    "WorkflowParameter",
    "WorkflowRunHistory",
    "WorkflowRunHistoryNodeExecuteStatus",
    "WorkflowRunMode",
    "WorkflowRunResult",
    "WorkflowTerminatePlan",
    "WorkflowUsage",
    "WorkflowUserInfo",
    "WorkflowVersionInfo",
]

WorkflowUsage = ChatUsage
"""Token usage of a run: `input_count`, `output_count`, `token_count`."""


def parse_json_text(text: Optional[str]) -> Any:
    """The JSON value of `text`, or None when it is empty or not JSON (Coze's outputs are usually JSON)."""
    if not text:
        return None
    try:
        return json.loads(text)
    except (json.JSONDecodeError, TypeError):
        return None


def _text(value: Any) -> Any:
    """Strings stay; a JSON value sent where Coze documents a JSON-encoded string is encoded back."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


JsonText = Annotated[Optional[str], BeforeValidator(_text)]


class WorkflowMode(OpenEnum):
    WORKFLOW = "workflow"
    CHATFLOW = "chatflow"


class WorkflowExecuteStatus(OpenEnum):
    """A run's status in its history: `Running`, then `Success` or `Fail`."""

    SUCCESS = "Success"
    RUNNING = "Running"
    FAIL = "Fail"


class WorkflowRunMode(OpenIntEnum):
    SYNCHRONOUS = 0
    STREAMING = 1
    ASYNCHRONOUS = 2


class WorkflowInterruptType(OpenIntEnum):
    """Why a run paused; send it back as `interrupt_type` when resuming."""

    QUESTION = 2
    """A question node asks the user something."""
    INPUT = 5
    """An input node waits for values."""
    LOCAL_PLUGIN = 6
    """A local (端) plugin must run on the client."""
    OAUTH_PLUGIN = 7
    """An OAuth plugin waits for the user's authorisation."""


class WorkflowTerminatePlan(OpenEnum):
    RETURN_VARIABLES = "return_variables"
    USE_ANSWER_CONTENT = "use_answer_content"


class WorkflowParameter(CozeModel):
    """The declaration of one input or output parameter."""

    type: Optional[str] = None
    required: Optional[bool] = None
    description: Optional[str] = None
    default_value: Optional[str] = None
    items: Optional[WorkflowParameter] = None
    """Element type of an `array`."""
    properties: Optional[Dict[str, WorkflowParameter]] = None
    """Fields of an `object`."""


class WorkflowInterruptData(CozeModel):
    """A pause waiting for the caller: resume with `event_id` and `type` (as `interrupt_type`)."""

    event_id: str
    type: WorkflowInterruptType
    data: JsonText = ""
    """Control content, a JSON-encoded string (often `{"content_type", "content"}`) or empty."""
    required_parameters: Optional[Dict[str, WorkflowParameter]] = None

    @property
    def parsed_data(self) -> Any:
        """`data` decoded as JSON, or None."""
        return parse_json_text(self.data)


class WorkflowRunResult(CozeModel):
    """The answer of `runs.create` and of the non-streamed `runs.resume`.

    `data` is the raw output text (usually JSON, e.g. `{"output": ...}`); `parsed_data` decodes it.
    An async run (`is_async=True`) has no `data` but an `execute_id` to look up in run history.
    """

    debug_url: Optional[str] = ""
    data: JsonText = ""
    execute_id: Optional[str] = ""
    usage: Optional[ChatUsage] = None
    interrupt_data: Optional[WorkflowInterruptData] = None
    """Set when the run paused on a question/input node: answer it with `runs.resume(stream=False)`."""

    @property
    def parsed_data(self) -> Any:
        """`data` decoded as JSON, or None when it is empty or not JSON."""
        return parse_json_text(self.data)


class WorkflowRunHistoryNodeExecuteStatus(CozeModel):
    node_id: str = ""
    is_finish: bool = False
    update_time: OptionalTimestamp = None
    node_execute_uuid: str = ""
    """Pass it to `run_histories.execute_nodes.retrieve` to read this node's full output."""
    loop_index: Optional[int] = None
    batch_index: Optional[int] = None
    sub_execute_id: Optional[str] = None


class WorkflowRunHistory(CozeModel):
    """One run as the run history records it (poll it after an async run)."""

    execute_id: str
    execute_status: WorkflowExecuteStatus
    bot_id: str = "0"
    connector_id: str = ""
    connector_uid: str = ""
    run_mode: Optional[WorkflowRunMode] = None
    run_logid: str = Field("", alias="logid")
    """The run's own log id (`logid` on the wire; `.logid` returns it too, as cozepy's field does)."""
    create_time: OptionalTimestamp = None
    update_time: OptionalTimestamp = None
    output: JsonText = ""
    """`{"Output": <end node>, "<output node>": ...}` as a JSON string (may be non-JSON text)."""
    error_code: int = 0
    """0 on success (Coze sends `""`)."""
    error_message: Optional[str] = ""
    debug_url: Optional[str] = ""
    node_execute_status: Optional[Dict[str, WorkflowRunHistoryNodeExecuteStatus]] = None
    usage: Optional[ChatUsage] = None
    is_output_trimmed: bool = False
    interrupt_data: Optional[WorkflowInterruptData] = None

    @field_validator("error_code", mode="before")
    @classmethod
    def _code(cls, value: Any) -> Any:
        if value is None or value == "":
            return 0
        return value

    @property
    def logid(self) -> str:
        """The run's log id when the history has one, else the lookup response's `x-tt-logid`."""
        return self.run_logid or super().logid

    @property
    def parsed_output(self) -> Any:
        """`output` decoded as JSON, or None."""
        return parse_json_text(self.output)


class WorkflowNodeExecuteHistory(CozeModel):
    """One node's output (output nodes only; kept 24 hours)."""

    is_finish: bool = False
    node_output: Optional[str] = None


class WorkflowUserInfo(CozeModel):
    id: str = ""
    name: str = ""


class WorkflowBasic(CozeModel):
    """A workflow as the list and info endpoints describe it."""

    workflow_id: str
    workflow_name: str = ""
    description: str = ""
    icon_url: str = ""
    app_id: str = "0"
    """`"0"` when the workflow belongs to no app."""
    created_at: OptionalTimestamp = None
    updated_at: OptionalTimestamp = None
    creator: Optional[WorkflowUserInfo] = None


class WorkflowInput(CozeModel):
    parameters: Dict[str, WorkflowParameter] = {}


class WorkflowOutput(CozeModel):
    parameters: Dict[str, WorkflowParameter] = {}
    terminate_plan: Optional[WorkflowTerminatePlan] = None
    content: Optional[str] = None
    """The answer template when `terminate_plan` is `use_answer_content`."""


class WorkflowInfo(CozeModel):
    """`workflows.retrieve`: the workflow, and its input/output when asked for."""

    workflow_detail: WorkflowBasic
    input: Optional[WorkflowInput] = None
    output: Optional[WorkflowOutput] = None


class WorkflowVersionInfo(CozeModel):
    workflow_id: str = ""
    version: str
    description: str = ""
    created_at: OptionalTimestamp = None
    updated_at: OptionalTimestamp = None
    creator: Optional[WorkflowUserInfo] = None
    input: Optional[WorkflowInput] = None
    output: Optional[WorkflowOutput] = None
