"""Runs one workflow definition: walks the nodes in order, follows active edges, records each node,
and ends in `Done`, `Interrupted` or `Failed`. State is plain JSON so an interrupted run can be
saved and resumed later."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

from ...core.offload import OFFLOAD
from ..canvas.adapter import CanvasDefinition, run_canvas
from .context import (
    NODE_FAILED,
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
from .walk import Step, walk

MAX_DEPTH = 5
"""How deep sub-workflows nest."""


def _edge_key(edge: Any) -> List[str]:
    return [edge[0], edge[1]]


async def run(ctx: RunContext, answer: Optional[str] = None) -> Outcome:
    """Run (or, with `answer`, resume) until an end node, an interrupt or a failure."""
    if isinstance(ctx.definition, CanvasDefinition):  # a Coze canvas runs in the canvas package
        return await run_canvas(ctx, answer)
    st = ctx.state
    definition = ctx.definition

    def reachable(node: Node) -> bool:
        return node.type == "start" or any(_edge_key(e) in st.active for e in definition.incoming(node.id))

    async def step(node: Node, given: Optional[str]) -> Step:
        delay = node.get("delay_ms")
        if delay:
            await asyncio.sleep(float(delay) / 1000)
        fail = node.get("fail")
        if fail:
            raise NodeFailure(int(fail.get("code", NODE_FAILED)), str(fail.get("message", "node failed")))
        output = await EXECUTORS[node.type](ctx, node, given)
        shown = as_text(output)
        if node.type == "message":
            shown = output["output"]
        elif node.type == "end":
            shown = st.result
        port = output.get("branch") if node.type == "condition" else None
        edges = [_edge_key(e) for e in definition.outgoing(node.id) if port is None or e[2] == port]
        return Step(output, shown, edges, end=node.type == "end")

    async def failed(node: Node, exc: Exception) -> Optional[Failed]:
        if not isinstance(exc, NodeFailure):
            return None
        await ctx.save()
        return Failed(exc.code, f"node {node.title} ({node.id}) failed: {exc.msg}")

    return await walk(
        st,
        definition.nodes,
        execute_id=ctx.execute_id,
        new_id=ctx.services.new_id,
        save=ctx.save,
        reachable=reachable,
        step=step,
        failed=failed,
        answer=answer,
    )


async def sub_workflow(ctx: RunContext, node: Node, answer: Optional[str]) -> Any:
    """Run a published workflow inside this one. A question inside it interrupts this run; the child's
    state waits in this node's record (`child`) until the resume answers it."""
    if ctx.depth >= MAX_DEPTH:
        raise node_failure(f"sub-workflows nest deeper than {MAX_DEPTH}")
    version = node.get("workflow_version")
    definition = await OFFLOAD.run(  # the published workflow: a store read
        ctx.services.sub_definition, str(node.get("workflow_id")), str(version) if version else None
    )
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
        raise Interrupt.passed_on(outcome)
    end_id = next(
        n for n in reversed(child.finished) if definition.by_id[n].type == "end" and n in child.outputs
    )
    return child.outputs[end_id]


EXECUTORS: Dict[str, Executor] = {**NODE_EXECUTORS, "workflow": sub_workflow}
