"""Runs one workflow definition: walks the nodes in order, follows active edges, records each node,
and ends in `Done`, `Interrupted` or `Failed`. State is plain JSON so an interrupted run can be
saved and resumed later."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List, Optional

from ..canvas.adapter import CanvasDefinition, run_canvas
from .context import (
    NODE_FAILED,
    Done,
    Failed,
    Interrupt,
    Interrupted,
    NodeFailure,
    Outcome,
    RunContext,
    RunState,
)
from .definition import Node
from .nodes import EXECUTORS as NODE_EXECUTORS
from .nodes import Executor, node_failure, resolve_refs
from .params import ParameterError, check_parameters
from .refs import as_text

MAX_DEPTH = 5
"""How deep sub-workflows nest."""


def _edge_key(edge: Any) -> List[str]:
    return [edge[0], edge[1]]


async def run(ctx: RunContext, answer: Optional[str] = None) -> Outcome:
    """Run (or, with `answer`, resume) until an end node, an interrupt or a failure."""
    if isinstance(ctx.definition, CanvasDefinition):  # a Coze canvas runs in the canvas package
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
        await ctx.save()
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
            await ctx.save()
            data = {"event_id": event_id, "type": intr.type, "data": intr.data, **intr.extra}
            return Interrupted(data, intr.title or node.title)
        except NodeFailure as exc:
            await ctx.save()
            return Failed(exc.code, f"node {node.title} ({node.id}) failed: {exc.msg}")
        await _finish(ctx, node, output)
        if node.type == "end":
            return Done(st.result)
    return Failed(NODE_FAILED, "the run reached no end node")


async def _finish(ctx: RunContext, node: Node, output: Any) -> None:
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
    await ctx.save()


async def sub_workflow(ctx: RunContext, node: Node, answer: Optional[str]) -> Any:
    """Run a published workflow inside this one. A question inside it interrupts this run; the child's
    state waits in this node's record (`child`) until the resume answers it."""
    if ctx.depth >= MAX_DEPTH:
        raise node_failure(f"sub-workflows nest deeper than {MAX_DEPTH}")
    version = node.get("workflow_version")
    definition = ctx.services.sub_definition(str(node.get("workflow_id")), str(version) if version else None)
    rec = ctx.state.nodes[node.id]
    saved = rec.pop("child", None)
    if saved is not None and answer is not None:
        child = RunState.from_json(saved)
    else:
        try:
            params = check_parameters(definition, resolve_refs(ctx, node.get("parameters") or {}))
        except ParameterError as exc:
            raise node_failure(f"sub-workflow parameters: {exc}") from None
        child = RunState(outputs={definition.start.id: params})
        answer = None
    sub = RunContext(
        ctx.services,
        str(node.get("workflow_id")),
        ctx.execute_id,
        definition,
        child,
        ctx.emit,
        depth=ctx.depth + 1,
    )
    before = dict(child.usage)
    outcome = await run(sub, answer)
    used = {k: child.usage[k] - before[k] for k in ("input_count", "output_count")}
    ctx.state.add_usage(used["input_count"], used["output_count"])
    if isinstance(outcome, Failed):
        raise NodeFailure(outcome.code, f"sub-workflow {sub.workflow_id}: {outcome.msg}")
    if isinstance(outcome, Interrupted):
        rec["child"] = child.to_json()
        data = outcome.interrupt_data
        extra = {k: v for k, v in data.items() if k not in ("event_id", "type", "data")}
        raise Interrupt(int(data["type"]), str(data["data"]), outcome.node_title, extra)
    end_id = next(
        n for n in reversed(child.finished) if definition.by_id[n].type == "end" and n in child.outputs
    )
    return child.outputs[end_id]


EXECUTORS: Dict[str, Executor] = {**NODE_EXECUTORS, "workflow": sub_workflow}
