"""The top level of a run, for both engines: nodes in order, a node runs once an active edge reaches it,
each node is recorded in the run's state (saved after every step), and the run ends in `Done`,
`Interrupted` or `Failed`. An engine says how its nodes are ordered, reached, run and fail."""

from __future__ import annotations

import dataclasses
import time
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Protocol, TypeVar

from .context import NODE_FAILED, Done, Failed, Interrupt, Interrupted, Outcome

__all__ = ["Step", "walk"]


class _Node(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...


class _State(Protocol):
    outputs: Dict[str, Any]
    finished: List[str]
    active: List[List[str]]
    nodes: Dict[str, Dict[str, Any]]
    pending: Optional[Dict[str, Any]]
    result: str


N = TypeVar("N", bound=_Node)


@dataclasses.dataclass
class Step:
    """What one node did: its output, the output its record shows, the edges it makes active
    (`[source, target]`), and whether it ends the run."""

    output: Any
    shown: str
    edges: List[List[str]]
    end: bool = False


async def walk(
    state: _State,
    nodes: Iterable[N],
    *,
    execute_id: str,
    new_id: Callable[[], str],
    save: Callable[[], Awaitable[None]],
    reachable: Callable[[N], bool],
    step: Callable[[N, Optional[str]], Awaitable[Step]],
    failed: Callable[[N, Exception], Awaitable[Optional[Failed]]],
    answer: Optional[str] = None,
) -> Outcome:
    """Run (or, with `answer`, resume at the pending node) until an end node, an interrupt or a failure.
    `failed` turns an error of a node into the run's `Failed` (None: not the engine's, raised on)."""
    for node in nodes:
        if node.id in state.finished:
            continue
        if not reachable(node):
            state.finished.append(node.id)  # on a branch not taken
            continue
        rec = state.nodes.get(node.id)
        if rec is None:
            rec = {"node_id": node.id, "title": node.title, "uuid": new_id(), "is_finish": False}
            state.nodes[node.id] = rec
        rec["update_time"] = int(time.time())
        await save()
        resuming = state.pending is not None and state.pending["node_id"] == node.id
        given, answer = (answer, None) if resuming else (None, answer)
        state.pending = None
        try:
            done = await step(node, given)
        except Interrupt as intr:
            event_id = f"{execute_id}/{new_id()}"
            state.pending = {"node_id": node.id, "event_id": event_id, "type": intr.type}
            await save()
            data = {"event_id": event_id, "type": intr.type, "data": intr.data, **intr.extra}
            return Interrupted(data, intr.title or node.title)
        except Exception as exc:
            failure = await failed(node, exc)
            if failure is None:
                raise
            return failure
        state.outputs[node.id] = done.output
        rec.update(is_finish=True, update_time=int(time.time()), output=done.shown)
        state.active.extend(done.edges)
        state.finished.append(node.id)
        await save()
        if done.end:
            return Done(state.result)
    return Failed(NODE_FAILED, "the run reached no end node")
