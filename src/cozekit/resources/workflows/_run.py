"""Run a workflow to completion over the stream, answering each interrupt through a callback.

The bookkeeping (record events, raise on `Error`, build the resume request, count resumes) is one
`InterruptLoop`; the sync and async drivers only open streams and call the callbacks.

>>> done = coze.workflows.runs.stream_until_done(
...     workflow_id=WF, parameters={"city": "?"}, on_interrupt=lambda ev: input(ev.interrupt.node_title))
>>> done.output, done.debug_url
"""

from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable, Mapping, Optional, Union

from ..._base_client import AsyncAPIClient, SyncAPIClient
from ..._exceptions import CozeError
from ..._request import CallOptions, RequestOptions
from ...types.workflow_event import WorkflowCompletion, WorkflowEvent, WorkflowEventType
from ._build import ResumeData, decode_workflow_event, resume

__all__ = ["EventHandler", "InterruptHandler", "InterruptLoop", "run_async", "run_sync"]

InterruptHandler = Callable[[WorkflowEvent], Union[ResumeData, Awaitable[ResumeData]]]
"""Gets the `Interrupt` event, returns the answer (`resume_data`): text or a mapping. The async client
also accepts a coroutine function."""
EventHandler = Callable[[WorkflowEvent], Any]
"""Sees every event as it arrives (PINGs included); may be a coroutine function with the async client."""


class InterruptLoop:
    """The state of one run-to-completion, shared by the sync and async drivers."""

    def __init__(self, workflow_id: str, max_resumes: int, options: CallOptions) -> None:
        if max_resumes < 0:
            raise ValueError("max_resumes must be >= 0")
        self._workflow_id = workflow_id
        self._max_resumes = max_resumes
        self._options = options
        self.result = WorkflowCompletion()

    def take(self, event: WorkflowEvent) -> Optional[WorkflowEvent]:
        """Record one event; return it if it is an interrupt to answer. An `Error` event raises its
        typed error (`NotFoundError` for 4200...)."""
        if event.event == WorkflowEventType.PING:
            return None
        self.result.events.append(event)
        if event.event == WorkflowEventType.DONE:
            self.result.debug_url = event.debug_url
        elif event.error is not None:
            raise event.error.to_exception(event.logid)
        elif event.interrupt is not None:
            return event
        return None

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


def run_sync(
    client: SyncAPIClient,
    start: RequestOptions,
    loop: InterruptLoop,
    on_interrupt: InterruptHandler,
    on_event: Optional[EventHandler],
) -> WorkflowCompletion:
    opts: Optional[RequestOptions] = start
    while opts is not None:
        pending: Optional[WorkflowEvent] = None
        with client.stream(opts, decode_workflow_event) as events:
            for event in events:
                if on_event is not None:
                    on_event(event)
                pending = loop.take(event) or pending
        opts = None
        if pending is not None:
            answer = on_interrupt(pending)
            if inspect.isawaitable(answer):
                if inspect.iscoroutine(answer):
                    answer.close()  # never awaited: close it rather than leak a warning
                raise TypeError("on_interrupt returned an awaitable: use AsyncCoze for async callbacks")
            opts = loop.resume(pending, answer)
    return loop.result


async def run_async(
    client: AsyncAPIClient,
    start: RequestOptions,
    loop: InterruptLoop,
    on_interrupt: InterruptHandler,
    on_event: Optional[EventHandler],
) -> WorkflowCompletion:
    opts: Optional[RequestOptions] = start
    while opts is not None:
        pending: Optional[WorkflowEvent] = None
        async with await client.stream(opts, decode_workflow_event) as events:
            async for event in events:
                if on_event is not None:
                    seen = on_event(event)
                    if inspect.isawaitable(seen):
                        await seen
                pending = loop.take(event) or pending
        opts = None
        if pending is not None:
            answer = on_interrupt(pending)
            if inspect.isawaitable(answer):
                answer = await answer
            opts = loop.resume(pending, answer)
    return loop.result
