"""What a workflow run is made of: its state (plain JSON, so an interrupted run can be saved and resumed),
the context nodes run in, what nodes need from the emulator, and the outcomes a run ends in."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any, Awaitable, Callable, Dict, List, Optional, Protocol, Union

from ...core.errors import CozeErrors
from ...core.llm import Model, split
from .definition import Definition

NODE_FAILED = CozeErrors.WORKFLOW_NODE_FAILED.code
"""The code of a failing node."""


Emit = Callable[[str, Dict[str, Any]], Optional[Awaitable[None]]]
"""Where a run's events go (name, data). A host that stores something for an event (a chatflow's answer
message once its node's text is complete) returns an awaitable, doing that store work in a thread; the
run awaits it before it goes on, as if the write had been made in the call."""


class NodeFailure(Exception):
    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


QUESTION = 2
"""The interrupt type of a question node."""
INPUT = 5
"""The interrupt type of an input node."""


class Interrupt(Exception):
    """Raised by a node that waits for the caller (both engines): a question (type 2) or an input (5)."""

    def __init__(self, type: int, data: str, title: str = "", extra: Optional[Dict[str, Any]] = None) -> None:
        super().__init__("interrupt")
        self.type = type
        self.data = data
        self.extra = extra or {}
        """More interrupt_data fields (an input node's `required_parameters`)."""
        self.title = title
        """The asking node's title when it is not the raising node (a question inside a sub-workflow)."""
        self.progress: Optional[Dict[str, Any]] = None
        """Where a canvas loop or batch body stopped (set by the canvas engine's `run_body`)."""

    @classmethod
    def question(cls, node_id: str, text: str, options: List[str]) -> Interrupt:
        """A question node's interrupt: the question as a message, with its options if it has any."""
        content: Any = text if not options else {"question": text, "options": [{"name": o} for o in options]}
        msg = {
            "type": "question",
            "content_type": "option" if options else "text",
            "content": content,
            "id": node_id,
        }
        return cls(QUESTION, json.dumps({"messages": [msg]}, ensure_ascii=False))

    @classmethod
    def input(cls, content: str, problem: str, required: Dict[str, Any]) -> Interrupt:
        """An input node's interrupt: its prompt, what was wrong with the last answer, the fields asked."""
        data = {"content": content, "error": problem}
        return cls(INPUT, json.dumps(data, ensure_ascii=False), extra={"required_parameters": required})

    @classmethod
    def passed_on(cls, outcome: Interrupted) -> Interrupt:
        """A sub-workflow's interrupt, raised again by the node that ran the sub-workflow."""
        data = outcome.interrupt_data
        extra = {k: v for k, v in data.items() if k not in ("event_id", "type", "data")}
        return cls(int(data["type"]), str(data["data"]), outcome.node_title, extra)


@dataclasses.dataclass
class Done:
    output: str


@dataclasses.dataclass
class Interrupted:
    interrupt_data: Dict[str, Any]
    node_title: str


@dataclasses.dataclass
class Failed:
    code: int
    msg: str
    node_id: str = ""
    node_title: str = ""
    """The failing node, when a canvas run names it."""


Outcome = Union[Done, Interrupted, Failed]


class Services(Protocol):
    """What nodes need from the emulator."""

    chunk_size: int
    chunk_delay: float

    def new_id(self) -> str: ...

    def model_for(self, workflow_id: str, node_id: str) -> Model: ...

    def sub_definition(self, workflow_id: str, version: Optional[str]) -> Definition: ...

    def recall(self, dataset_ids: List[str], query: str, top_k: int, strategy: int) -> List[Dict[str, Any]]:
        """Knowledge slices for `query` from the account's knowledge bases, best first."""
        ...

    def call_plugin(self, plugin_id: str, tool_name: str, arguments: Dict[str, Any]) -> Any:
        """A plugin tool's result; raises NodeFailure for an unknown plugin or tool, or bad arguments."""
        ...

    def user_variables(self) -> Dict[str, str]:
        """The run's user's variables (`/v1/variables` values) for the run's bot, app or workflow."""
        ...

    def set_user_variable(self, name: str, value: str) -> None: ...

    def system_variables(self) -> Dict[str, Any]:
        """Read-only variables of the run (`sys_uuid`: the run's user)."""
        ...

    def write_knowledge(
        self, dataset_id: str, file_name: str, file_type: str, data: bytes, strategy: Dict[str, Any]
    ) -> Dict[str, Any]:
        """A new document of a knowledge base: `{"document_id", ...}`; raises NodeFailure."""
        ...

    def delete_knowledge(self, dataset_id: str, document_id: str) -> bool: ...

    def database(self, op: str, database_id: str, args: Dict[str, Any]) -> Any:
        """A database table's operation (canvas database nodes): `table`, `insert`, `query`, `update`,
        `delete`, `sql`."""
        ...

    def conversation(self, op: str, args: Dict[str, Any]) -> Any:
        """Named conversations of the run's app and user (canvas conversation and message nodes)."""
        ...


@dataclasses.dataclass
class RunState:
    """Everything a run has done so far (JSON-serialisable)."""

    outputs: Dict[str, Any] = dataclasses.field(default_factory=dict)
    finished: List[str] = dataclasses.field(default_factory=list)
    active: List[List[str]] = dataclasses.field(default_factory=list)
    nodes: Dict[str, Dict[str, Any]] = dataclasses.field(default_factory=dict)
    usage: Dict[str, int] = dataclasses.field(
        default_factory=lambda: {"input_count": 0, "output_count": 0, "token_count": 0}
    )
    messages: Dict[str, str] = dataclasses.field(default_factory=dict)
    """Output-node texts by node title (the run history's output shows them)."""
    pending: Optional[Dict[str, Any]] = None
    """The interrupt waiting for an answer: node_id, event_id, type."""
    result: str = ""
    variables: Dict[str, Any] = dataclasses.field(default_factory=dict)
    """App variables as this run sees them (canvas runs: assignments last for the run)."""

    def add_usage(self, input_count: int, output_count: int) -> None:
        self.usage["input_count"] += input_count
        self.usage["output_count"] += output_count
        self.usage["token_count"] = self.usage["input_count"] + self.usage["output_count"]

    def to_json(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, doc: Dict[str, Any]) -> RunState:
        return cls(**doc)


async def no_save() -> None:
    """A run that records nothing (a sub-workflow: its parent records the state holding it)."""


@dataclasses.dataclass
class RunContext:
    services: Services
    workflow_id: str
    execute_id: str
    definition: Definition
    state: RunState
    emit: Emit
    save: Callable[[], Awaitable[None]] = no_save
    """Records the run's state (the store write runs in the thread pool)."""
    history: List[Dict[str, str]] = dataclasses.field(default_factory=list)
    """Earlier conversation turns (chatflows), for LLM nodes."""
    depth: int = 0


class Chunking(Protocol):
    """How an engine's host streams text (`Services` and the canvas `Host` both are)."""

    chunk_size: int
    chunk_delay: float

    def new_id(self) -> str: ...


async def emit_message(
    emit: Emit,
    host: Chunking,
    nodes: Dict[str, Dict[str, Any]],
    node_id: str,
    node_title: str,
    text: str,
    stream: bool,
    usage: Optional[Dict[str, int]] = None,
) -> None:
    """`Message` events for one node's text (both engines): chunks numbered from "0", the last one
    finished and, for the End node's answer, carrying what the run cost, as recordings show. `nodes`:
    the run's node records (the node's `uuid` names its events)."""
    uuid = nodes.get(node_id, {}).get("uuid") or host.new_id()
    chunk_delay = host.chunk_delay
    chunks = split(text, host.chunk_size) if stream else [text]
    for i, chunk in enumerate(chunks):
        if stream and chunk_delay:
            await asyncio.sleep(chunk_delay)
        last = i == len(chunks) - 1
        data: Dict[str, Any] = {
            "content": chunk,
            "content_type": "text",
            "node_title": node_title,
            "node_seq_id": str(i),
            "node_is_finish": last,
            "node_id": node_id,
            "node_execute_uuid": uuid,
        }
        if last and usage is not None:
            data["usage"] = dict(usage)
            data["cost"] = "0.00"
            data["token"] = int(usage.get("token_count", 0))
        stored = emit("Message", data)
        if stored is not None:  # the host's store work for this event
            await stored
        await asyncio.sleep(0)
