"""`coze.workflows.runs`: run (sync, async, streamed), resume, run history and node output."""

from __future__ import annotations

from functools import cached_property
from typing import Awaitable, Mapping, Optional, Union

from typing_extensions import Literal, Unpack, overload

from ..._parsing import model
from ..._request import CallOptions
from ..._resource import AsyncAPIResource, SyncAPIResource
from ..._stream_call import AsyncStreamCall
from ..._streaming import Stream
from ...types.workflow import WorkflowNodeExecuteHistory, WorkflowRunHistory, WorkflowRunResult
from ...types.workflow_event import WorkflowCompletion, WorkflowStreamEvent
from .._body import arguments
from ._build import (
    Parameters,
    ResumeData,
    decode_workflow_event,
    history,
    node_output,
    one_history,
    resume,
    run,
)
from ._run import EventHandler, InterruptHandler, until_done

__all__ = [
    "AsyncWorkflowExecuteNodes",
    "AsyncWorkflowRunHistories",
    "AsyncWorkflowRuns",
    "WorkflowExecuteNodes",
    "WorkflowRunHistories",
    "WorkflowRuns",
]

_RUN = model(WorkflowRunResult)


class WorkflowRuns(SyncAPIResource):
    """Run published workflows.

    Stream events: `Message` (node output), `Interrupt` (answer with `resume`), `Error`, `Done`, `PING`.
    An `Error` event is yielded like any other (cozepy yields it too, and then reads on to the end of
    the body) and ends the stream; call `event.raise_for_error()` to raise it as a typed error
    (`NotFoundError` for 4200...), or use `stream_until_done`, which raises it. A body that ends before
    `Done`, `Error` or `Interrupt` raises `IncompleteStreamError` naming the last event.
    """

    @cached_property
    def run_histories(self) -> WorkflowRunHistories:
        return WorkflowRunHistories(self._client)

    def create(
        self,
        *,
        workflow_id: str,
        parameters: Optional[Parameters] = None,
        bot_id: Optional[str] = None,
        app_id: Optional[str] = None,
        is_async: bool = False,
        ext: Optional[Mapping[str, str]] = None,
        workflow_version: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> WorkflowRunResult:
        """Run a workflow and wait for its output (`data`, JSON text; `parsed_data`). With
        `is_async=True` it returns at once with an `execute_id` for `run_histories.retrieve`
        (paid plans; others answer 6003)."""
        return self._client.request(run(stream=False, **arguments(locals())), _RUN)

    def stream(
        self,
        *,
        workflow_id: str,
        parameters: Optional[Parameters] = None,
        bot_id: Optional[str] = None,
        app_id: Optional[str] = None,
        ext: Optional[Mapping[str, str]] = None,
        workflow_version: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> Stream[WorkflowStreamEvent]:
        """Run a workflow and stream its events; the stream ends after `Done`, `Error` or `Interrupt`."""
        return self._client.stream(run(stream=True, **arguments(locals())), decode_workflow_event)

    @overload
    def resume(
        self,
        *,
        workflow_id: str,
        event_id: str,
        resume_data: ResumeData,
        interrupt_type: int,
        stream: Literal[True] = True,
        **options: Unpack[CallOptions],
    ) -> Stream[WorkflowStreamEvent]: ...

    @overload
    def resume(
        self,
        *,
        workflow_id: str,
        event_id: str,
        resume_data: ResumeData,
        interrupt_type: int,
        stream: Literal[False],
        **options: Unpack[CallOptions],
    ) -> WorkflowRunResult: ...

    def resume(
        self,
        *,
        workflow_id: str,
        event_id: str,
        resume_data: ResumeData,
        interrupt_type: int,
        stream: bool = True,
        **options: Unpack[CallOptions],
    ) -> Union[Stream[WorkflowStreamEvent], WorkflowRunResult]:
        """Answer an interrupt. Streamed (default, as cozepy) after `stream`; `stream=False` after
        `create` (`/v1/workflows/resume`; async if the run was). A mapping `resume_data` is sent as JSON."""
        opts = resume(**arguments(locals()))
        if stream:
            return self._client.stream(opts, decode_workflow_event)
        return self._client.request(opts, _RUN)

    def stream_until_done(
        self,
        *,
        workflow_id: str,
        on_interrupt: InterruptHandler,
        parameters: Optional[Parameters] = None,
        bot_id: Optional[str] = None,
        app_id: Optional[str] = None,
        ext: Optional[Mapping[str, str]] = None,
        workflow_version: Optional[str] = None,
        connector_id: Optional[str] = None,
        on_event: Optional[EventHandler] = None,
        max_resumes: int = 20,
        **options: Unpack[CallOptions],
    ) -> WorkflowCompletion:
        """Stream a run, answer each `Interrupt` with `on_interrupt(event)` and resume, until `Done`.

        `on_event(event)` sees every event live. An `Error` event raises its typed error; more than
        `max_resumes` interrupts raise `CozeError`.
        """
        return self._client.run_flow(until_done(**arguments(locals())))


class WorkflowRunHistories(SyncAPIResource):
    @cached_property
    def execute_nodes(self) -> WorkflowExecuteNodes:
        return WorkflowExecuteNodes(self._client)

    def retrieve(
        self, *, workflow_id: str, execute_id: str, **options: Unpack[CallOptions]
    ) -> WorkflowRunHistory:
        """A run's status, output, usage and per-node status (poll it after an async run)."""
        return self._client.request(history(workflow_id, execute_id, options), one_history)


class WorkflowExecuteNodes(SyncAPIResource):
    def retrieve(
        self, *, workflow_id: str, execute_id: str, node_execute_uuid: str, **options: Unpack[CallOptions]
    ) -> WorkflowNodeExecuteHistory:
        """One output node's full output (`node_execute_uuid` from `node_execute_status`)."""
        opts = node_output(workflow_id, execute_id, node_execute_uuid, options)
        return self._client.request(opts, model(WorkflowNodeExecuteHistory))


class AsyncWorkflowRuns(AsyncAPIResource):
    """The async twin of `WorkflowRuns`."""

    @cached_property
    def run_histories(self) -> AsyncWorkflowRunHistories:
        return AsyncWorkflowRunHistories(self._client)

    async def create(
        self,
        *,
        workflow_id: str,
        parameters: Optional[Parameters] = None,
        bot_id: Optional[str] = None,
        app_id: Optional[str] = None,
        is_async: bool = False,
        ext: Optional[Mapping[str, str]] = None,
        workflow_version: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> WorkflowRunResult:
        return await self._client.request(run(stream=False, **arguments(locals())), _RUN)

    def stream(
        self,
        *,
        workflow_id: str,
        parameters: Optional[Parameters] = None,
        bot_id: Optional[str] = None,
        app_id: Optional[str] = None,
        ext: Optional[Mapping[str, str]] = None,
        workflow_version: Optional[str] = None,
        connector_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> AsyncStreamCall[WorkflowStreamEvent]:
        """`await` it for the open `AsyncStream`, or `async for event in coze.workflows.runs.stream(...)`."""
        opts = run(stream=True, **arguments(locals()))
        return AsyncStreamCall(self._client, opts, decode_workflow_event)

    @overload
    def resume(
        self,
        *,
        workflow_id: str,
        event_id: str,
        resume_data: ResumeData,
        interrupt_type: int,
        stream: Literal[True] = True,
        **options: Unpack[CallOptions],
    ) -> AsyncStreamCall[WorkflowStreamEvent]: ...

    @overload
    def resume(
        self,
        *,
        workflow_id: str,
        event_id: str,
        resume_data: ResumeData,
        interrupt_type: int,
        stream: Literal[False],
        **options: Unpack[CallOptions],
    ) -> Awaitable[WorkflowRunResult]: ...

    def resume(
        self,
        *,
        workflow_id: str,
        event_id: str,
        resume_data: ResumeData,
        interrupt_type: int,
        stream: bool = True,
        **options: Unpack[CallOptions],
    ) -> Union[AsyncStreamCall[WorkflowStreamEvent], Awaitable[WorkflowRunResult]]:
        """Streamed: `await` it for the `AsyncStream` or `async for` over it; else `await` the result."""
        opts = resume(**arguments(locals()))
        if stream:
            return AsyncStreamCall(self._client, opts, decode_workflow_event)
        return self._client.request(opts, _RUN)

    async def stream_until_done(
        self,
        *,
        workflow_id: str,
        on_interrupt: InterruptHandler,
        parameters: Optional[Parameters] = None,
        bot_id: Optional[str] = None,
        app_id: Optional[str] = None,
        ext: Optional[Mapping[str, str]] = None,
        workflow_version: Optional[str] = None,
        connector_id: Optional[str] = None,
        on_event: Optional[EventHandler] = None,
        max_resumes: int = 20,
        **options: Unpack[CallOptions],
    ) -> WorkflowCompletion:
        """As `WorkflowRuns.stream_until_done`; the callbacks may also be coroutine functions."""
        return await self._client.run_flow(until_done(**arguments(locals())))


class AsyncWorkflowRunHistories(AsyncAPIResource):
    @cached_property
    def execute_nodes(self) -> AsyncWorkflowExecuteNodes:
        return AsyncWorkflowExecuteNodes(self._client)

    async def retrieve(
        self, *, workflow_id: str, execute_id: str, **options: Unpack[CallOptions]
    ) -> WorkflowRunHistory:
        return await self._client.request(history(workflow_id, execute_id, options), one_history)


class AsyncWorkflowExecuteNodes(AsyncAPIResource):
    async def retrieve(
        self, *, workflow_id: str, execute_id: str, node_execute_uuid: str, **options: Unpack[CallOptions]
    ) -> WorkflowNodeExecuteHistory:
        opts = node_output(workflow_id, execute_id, node_execute_uuid, options)
        return await self._client.request(opts, model(WorkflowNodeExecuteHistory))
