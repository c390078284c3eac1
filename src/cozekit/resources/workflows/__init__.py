"""`coze.workflows`: the catalogue (`list`, `retrieve`), `runs`, chatflows (`chat`), `versions`,
`collaborators` and `switch_collaboration_mode`."""

from __future__ import annotations

from functools import cached_property
from typing import Optional, Union

from typing_extensions import Unpack

from ..._parsing import model
from ..._paths import path, require
from ..._request import CallOptions, RequestOptions, get
from ..._resource import AsyncAPIResource, SyncAPIResource
from ...pagination import AsyncPager, NumberPaging, SyncPager
from ...types.collaborator import CollaborationMode, SwitchCollaborationModeResp
from ...types.workflow import WorkflowBasic, WorkflowInfo
from ..collaborators import AsyncWorkflowCollaborators, WorkflowCollaborators, switch_mode
from ._build import decode_workflow_event
from .chat import AsyncWorkflowsChat, WorkflowsChat, decode_chatflow_event
from .runs import (
    AsyncWorkflowExecuteNodes,
    AsyncWorkflowRunHistories,
    AsyncWorkflowRuns,
    WorkflowExecuteNodes,
    WorkflowRunHistories,
    WorkflowRuns,
)
from .versions import AsyncWorkflowVersions, WorkflowVersions

__all__ = [
    "AsyncWorkflowExecuteNodes",
    "AsyncWorkflowRunHistories",
    "AsyncWorkflowRuns",
    "AsyncWorkflowVersions",
    "AsyncWorkflows",
    "AsyncWorkflowsChat",
    "WorkflowExecuteNodes",
    "WorkflowRunHistories",
    "WorkflowRuns",
    "WorkflowVersions",
    "Workflows",
    "WorkflowsChat",
    "decode_chatflow_event",
    "decode_workflow_event",
]

MAX_PAGE_SIZE = 30
"""Coze documents page_size 1-30 for `GET /v1/workflows`; cozepy sends 100, so larger sizes are clamped."""


def _list(
    workspace_id: str,
    workflow_mode: Optional[str],
    app_id: Optional[str],
    publish_status: Optional[str],
    page_num: int,
    page_size: int,
    options: CallOptions,
) -> NumberPaging[WorkflowBasic]:
    require(workspace_id=workspace_id)
    size = min(page_size, MAX_PAGE_SIZE)

    def request(num: int, size: int) -> RequestOptions:
        params = {
            "workspace_id": workspace_id,
            "workflow_mode": workflow_mode,
            "app_id": app_id,
            "publish_status": publish_status,
            "page_num": num,
            "page_size": size,
        }
        return get("/v1/workflows", params).with_call_options(options)

    return NumberPaging(WorkflowBasic, "items", request, page_num=page_num, page_size=size)


def _retrieve(workflow_id: str, include_input_output: Optional[bool], options: CallOptions) -> RequestOptions:
    url = path("/v1/workflows/{workflow_id}", workflow_id=workflow_id)
    return get(url, {"include_input_output": include_input_output}).with_call_options(options)


class Workflows(SyncAPIResource):
    """Workflows: list and describe them, run them (`runs`), chat with chatflows (`chat`)."""

    @cached_property
    def runs(self) -> WorkflowRuns:
        return WorkflowRuns(self._client)

    @cached_property
    def chat(self) -> WorkflowsChat:
        return WorkflowsChat(self._client)

    @cached_property
    def versions(self) -> WorkflowVersions:
        return WorkflowVersions(self._client)

    @cached_property
    def collaborators(self) -> WorkflowCollaborators:
        return WorkflowCollaborators(self._client)

    def switch_collaboration_mode(
        self,
        *,
        workflow_id: str,
        collaboration_mode: Union[CollaborationMode, str],
        **options: Unpack[CallOptions],
    ) -> SwitchCollaborationModeResp:
        """Turn multi-developer mode on (`collaboration`) or off (`single`, once no collaborator is left)."""
        opts = switch_mode("workflows", "workflow_id", workflow_id, collaboration_mode, options)
        return self._client.request(opts, model(SwitchCollaborationModeResp))

    def list(
        self,
        *,
        workspace_id: str,
        workflow_mode: Optional[str] = None,
        app_id: Optional[str] = None,
        publish_status: Optional[str] = None,
        page_num: int = 1,
        page_size: int = 30,
        **options: Unpack[CallOptions],
    ) -> SyncPager[WorkflowBasic]:
        """A workspace's workflows (`workflow_mode` `workflow`/`chatflow`; published ones by default).
        `page_size` above 30 is sent as 30."""
        paging = _list(workspace_id, workflow_mode, app_id, publish_status, page_num, page_size, options)
        return SyncPager(self._client, paging)

    def retrieve(
        self, *, workflow_id: str, include_input_output: Optional[bool] = None, **options: Unpack[CallOptions]
    ) -> WorkflowInfo:
        """A workflow's details, and its input/output declarations with `include_input_output=True`."""
        return self._client.request(
            _retrieve(workflow_id, include_input_output, options), model(WorkflowInfo)
        )


class AsyncWorkflows(AsyncAPIResource):
    """The async twin of `Workflows`."""

    @cached_property
    def runs(self) -> AsyncWorkflowRuns:
        return AsyncWorkflowRuns(self._client)

    @cached_property
    def chat(self) -> AsyncWorkflowsChat:
        return AsyncWorkflowsChat(self._client)

    @cached_property
    def versions(self) -> AsyncWorkflowVersions:
        return AsyncWorkflowVersions(self._client)

    @cached_property
    def collaborators(self) -> AsyncWorkflowCollaborators:
        return AsyncWorkflowCollaborators(self._client)

    async def switch_collaboration_mode(
        self,
        *,
        workflow_id: str,
        collaboration_mode: Union[CollaborationMode, str],
        **options: Unpack[CallOptions],
    ) -> SwitchCollaborationModeResp:
        opts = switch_mode("workflows", "workflow_id", workflow_id, collaboration_mode, options)
        return await self._client.request(opts, model(SwitchCollaborationModeResp))

    def list(
        self,
        *,
        workspace_id: str,
        workflow_mode: Optional[str] = None,
        app_id: Optional[str] = None,
        publish_status: Optional[str] = None,
        page_num: int = 1,
        page_size: int = 30,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[WorkflowBasic]:
        paging = _list(workspace_id, workflow_mode, app_id, publish_status, page_num, page_size, options)
        return AsyncPager(self._client, paging)

    async def retrieve(
        self, *, workflow_id: str, include_input_output: Optional[bool] = None, **options: Unpack[CallOptions]
    ) -> WorkflowInfo:
        return await self._client.request(
            _retrieve(workflow_id, include_input_output, options), model(WorkflowInfo)
        )
