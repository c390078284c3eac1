"""Running workflow definitions straight on an in-memory EmulatorState (no HTTP).

The tests are coroutines: the kit does its store work in a thread, as the emulator's routes do (the
suite's loop guard refuses store calls on an event loop's thread)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

from cozekit.emulator.core.base import Account
from cozekit.emulator.seed import USER_ID, USER_NAME, WORKSPACE_ID
from cozekit.emulator.state import EmulatorState
from cozekit.emulator.workflows.engine.context import Outcome
from cozekit.emulator.workflows.engine.service import STREAM, RunRequest

ACCOUNT = Account(USER_ID, USER_NAME)
Event = Tuple[str, Dict[str, Any]]
T = TypeVar("T")


def off_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(*args, **kwargs)` in another thread, waited for (blocking store work from a test coroutine)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def start(**inputs: Any) -> Dict[str, Any]:
    return {"id": "start", "type": "start", "inputs": inputs}


def end(**outputs: Any) -> Dict[str, Any]:
    return {"id": "end", "type": "end", "outputs": outputs}


@dataclasses.dataclass
class Result:
    outcome: Outcome
    events: List[Event]
    run: Dict[str, Any]

    def texts(self, node_id: str) -> str:
        return "".join(d["content"] for e, d in self.events if e == "Message" and d["node_id"] == node_id)


class Kit:
    def __init__(self) -> None:
        self.state = off_loop(EmulatorState)

    def load(self, *nodes: Dict[str, Any], edges: Optional[List[Any]] = None, **extra: Any) -> str:
        raw: Dict[str, Any] = {"name": extra.pop("name", "wf"), "nodes": list(nodes), **extra}
        if edges is not None:
            raw["edges"] = edges
        return str(off_loop(self.state.workflows.load, ACCOUNT, WORKSPACE_ID, raw)["workflow_id"])

    async def run(self, workflow_id: str, parameters: Any = None, mode: int = STREAM) -> Result:
        runner = self.state.workflow_runner
        doc = await asyncio.to_thread(runner.create, ACCOUNT, RunRequest(workflow_id, parameters), mode)
        events: List[Event] = []
        outcome = await runner.execute(ACCOUNT, doc, None, lambda n, d: events.append((n, d)))
        return Result(outcome, events, doc)

    async def resume(self, workflow_id: str, event_id: str, answer: str, interrupt_type: int = 2) -> Result:
        runner = self.state.workflow_runner
        doc = await asyncio.to_thread(runner.prepare_resume, ACCOUNT, workflow_id, event_id, interrupt_type)
        events: List[Event] = []
        outcome = await runner.execute(ACCOUNT, doc, answer, lambda n, d: events.append((n, d)))
        return Result(outcome, events, doc)
