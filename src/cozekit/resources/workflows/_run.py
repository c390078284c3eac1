"""Run a workflow to completion over the stream, answering each interrupt through a callback.

`completion_flow` is one flow (see `_flow.py`) run by the client's own runner: stream the run, record its
events (`InterruptLoop`: raise on `Error`, remember the interrupt, count resumes), ask `on_interrupt` for
the answer and stream the resume, until a stream ends without an interrupt.

>>> done = coze.workflows.runs.stream_until_done(
...     workflow_id=WF, parameters={"city": "?"}, on_interrupt=lambda ev: input(ev.interrupt.node_title))
>>> done.output, done.debug_url
"""

from __future__ import annotations

from functools import partial
from typing import Any, Awaitable, Callable, Mapping, Optional, Union

from ..._exceptions import CozeError
from ..._flow import Consume, Flow, Invoke
from ..._request import CallOptions, RequestOptions
from ...types.workflow_event import WorkflowCompletion, WorkflowEvent, WorkflowEventType
from ._build import ResumeData, decode_workflow_event, resume, run

__all__ = ["EventHandler", "InterruptHandler", "InterruptLoop", "completion_flow", "until_done"]

InterruptHandler = Callable[[WorkflowEvent], Union[ResumeData, Awaitable[ResumeData]]]
"""Gets the `Interrupt` event, returns the answer (`resume_data`): text or a mapping. The async client
also accepts a coroutine function."""
EventHandler = Callable[[WorkflowEvent], Any]
"""Sees every event as it arrives (PINGs included); may be a coroutine function with the async client."""


class InterruptLoop:
    """The state of one run-to-completion."""

    def __init__(self, workflow_id: str, max_resumes: int, options: CallOptions) -> None:
        if max_resumes < 0:
            raise ValueError("max_resumes must be >= 0")
        self._workflow_id = workflow_id
        self._max_resumes = max_resumes
        self._options = options
        self.result = WorkflowCompletion()
        self.pending: Optional[WorkflowEvent] = None
        """The last interrupt of the stream being read."""

    def take(self, event: WorkflowEvent) -> None:
        """Record one event, remembering an interrupt to answer. An `Error` event raises its typed error
        (`NotFoundError` for 4200...)."""
        if event.event == WorkflowEventType.PING:
            return
        self.result.events.append(event)
        if event.event == WorkflowEventType.DONE:
            self.result.debug_url = event.debug_url
        elif event.error is not None:
            raise event.error.to_exception(event.logid)
        elif event.interrupt is not None:
            self.pending = event

    def resume(self, interrupt: WorkflowEvent, answer: Any) -> RequestOptions:
        """The streamed resume request answering `interrupt`."""
        if self.result.resumes >= self._max_resumes:
            raise CozeError(f"the workflow was still interrupted after {self._max_resumes} resumes")
        if not isinstance(answer, (str, Mapping)):
            raise TypeError(f"on_interrupt must return a string or a mapping, got {type(answer).__name__}")
        assert interrupt.interrupt is not None
        data = interrupt.interrupt.interrupt_data
        self.result.resumes += 1
        return resume(
            workflow_id=self._workflow_id,
            event_id=data.event_id,
            resume_data=answer,
            interrupt_type=int(data.type),
            stream=True,
            options=self._options,
        )


def completion_flow(
    start: RequestOptions,
    loop: InterruptLoop,
    on_interrupt: InterruptHandler,
    on_event: Optional[EventHandler],
) -> Flow[WorkflowCompletion]:
    opts = start
    while True:
        loop.pending = None
        yield Consume(opts, decode_workflow_event, on_event, loop.take)
        interrupt = loop.pending
        if interrupt is None:
            return loop.result
        answer = yield Invoke(partial(on_interrupt, interrupt))
        opts = loop.resume(interrupt, answer)


def until_done(
    *,
    on_interrupt: InterruptHandler,
    on_event: Optional[EventHandler],
    max_resumes: int,
    options: CallOptions,
    **run_arguments: Any,
) -> Flow[WorkflowCompletion]:
    """`stream_until_done`: the streamed run (`run_arguments` as `run` takes them), then a resume for each
    interrupt (arguments checked now)."""
    start = run(stream=True, options=options, **run_arguments)
    loop = InterruptLoop(run_arguments["workflow_id"], max_resumes, options)
    return completion_flow(start, loop, on_interrupt, on_event)
