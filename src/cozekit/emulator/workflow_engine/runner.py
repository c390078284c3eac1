"""Runs one workflow definition: walks the nodes in order, follows active edges, records each node,
and ends in `Done`, `Interrupted` or `Failed`. State is plain JSON so an interrupted run can be
saved and resumed later."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any, Callable, Dict, List, Optional, Protocol, Union

from ..llm import Model
from .definition import Definition, Node

NODE_FAILED = 720701013
"""The code of a failing node (Coze's workflow execution error seen in the wild)."""


class NodeFailure(Exception):
    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code = code
        self.msg = msg


class Interrupt(Exception):
    """Raised by a node that waits for the caller (question node: type 2)."""

    def __init__(self, type: int, data: str, title: str = "", extra: Optional[Dict[str, Any]] = None) -> None:
        super().__init__("interrupt")
        self.type = type
        self.data = data
        self.extra = extra or {}
        """More interrupt_data fields (an input node's `required_parameters`)."""
        self.title = title
        """The asking node's title when it is not the raising node (a question inside a sub-workflow)."""


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


Outcome = Union[Done, Interrupted, Failed]


class Services(Protocol):
    """What nodes need from the emulator."""

    chunk_size: int
    chunk_delay: float

    def new_id(self) -> str: ...

    def model_for(self, workflow_id: str, node_id: str) -> Model: ...

    def sub_definition(self, workflow_id: str, version: Optional[str]) -> Definition: ...


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

    def add_usage(self, input_count: int, output_count: int) -> None:
        self.usage["input_count"] += input_count
        self.usage["output_count"] += output_count
        self.usage["token_count"] = self.usage["input_count"] + self.usage["output_count"]

    def to_json(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, doc: Dict[str, Any]) -> RunState:
        return cls(**doc)


@dataclasses.dataclass
class RunContext:
    services: Services
    workflow_id: str
    execute_id: str
    definition: Definition
    state: RunState
    emit: Callable[[str, Dict[str, Any]], None]
    save: Callable[[], None] = lambda: None
    history: List[Dict[str, str]] = dataclasses.field(default_factory=list)
    """Earlier conversation turns (chatflows), for LLM nodes."""
    depth: int = 0


def _edge_key(edge: Any) -> List[str]:
    return [edge[0], edge[1]]


async def run(ctx: RunContext, answer: Optional[str] = None) -> Outcome:
    """Run (or, with `answer`, resume) until an end node, an interrupt or a failure."""
    from .nodes import EXECUTORS

    if hasattr(ctx.definition, "canvas"):  # a Coze canvas runs in the canvas package
        from ..workflows.canvas.adapter import run_canvas

        return await run_canvas(ctx, answer)
    st = ctx.state
    for node in ctx.definition.nodes:
        if node.id in st.finished:
            continue
        incoming = ctx.definition.incoming(node.id)
        if node.type != "start" and not any(_edge_key(e) in st.active for e in incoming):
            st.finished.append(node.id)  # on a branch not taken
            continue
        rec = st.nodes.get(node.id)
        if rec is None:
            rec = {"node_id": node.id, "title": node.title, "uuid": ctx.services.new_id(), "is_finish": False}
            st.nodes[node.id] = rec
        rec["update_time"] = int(time.time())
        ctx.save()
        resuming = st.pending is not None and st.pending["node_id"] == node.id
        given, answer = (answer, None) if resuming else (None, answer)
        st.pending = None
        try:
            delay = node.get("delay_ms")
            if delay:
                await asyncio.sleep(float(delay) / 1000)
            fail = node.get("fail")
            if fail:
                raise NodeFailure(int(fail.get("code", NODE_FAILED)), str(fail.get("message", "node failed")))
            output = await EXECUTORS[node.type](ctx, node, given)
        except Interrupt as intr:
            event_id = f"{ctx.execute_id}/{ctx.services.new_id()}"
            st.pending = {"node_id": node.id, "event_id": event_id, "type": intr.type}
            ctx.save()
            data = {"event_id": event_id, "type": intr.type, "data": intr.data, **intr.extra}
            return Interrupted(data, intr.title or node.title)
        except NodeFailure as exc:
            ctx.save()
            return Failed(exc.code, f"node {node.title} ({node.id}) failed: {exc.msg}")
        _finish(ctx, node, output)
        if node.type == "end":
            return Done(st.result)
    return Failed(NODE_FAILED, "the run reached no end node")


def _finish(ctx: RunContext, node: Node, output: Any) -> None:
    from .refs import as_text

    st = ctx.state
    st.outputs[node.id] = output
    rec = st.nodes[node.id]
    rec.update(is_finish=True, update_time=int(time.time()), output=as_text(output))
    if node.type == "message":
        rec["output"] = output["output"]
    elif node.type == "end":
        rec["output"] = st.result
    port = output.get("branch") if node.type == "condition" else None
    for edge in ctx.definition.outgoing(node.id):
        if port is None or edge[2] == port:
            st.active.append(_edge_key(edge))
    st.finished.append(node.id)
    ctx.save()
