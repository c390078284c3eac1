"""`coze.workflows.versions`: a workflow's published versions (token paging)."""

from __future__ import annotations

from typing import Optional

from typing_extensions import Unpack

from ..._paths import path
from ..._request import CallOptions, RequestOptions, get
from ..._resource import AsyncAPIResource, SyncAPIResource
from ...pagination import AsyncPager, SyncPager, TokenPaging
from ...types.workflow import WorkflowVersionInfo
from .._validate import check_page_size

__all__ = ["AsyncWorkflowVersions", "WorkflowVersions"]


def _versions(
    workflow_id: str,
    publish_status: Optional[str],
    page_size: int,
    page_token: Optional[str],
    include_input_output: Optional[bool],
    options: CallOptions,
) -> TokenPaging[WorkflowVersionInfo]:
    url = path("/v1/workflows/{workflow_id}/versions", workflow_id=workflow_id)
    check_page_size(page_size, 30)

    def request(token: str) -> RequestOptions:
        params = {
            "publish_status": publish_status,
            "page_size": page_size,
            "page_token": token or page_token or None,
            "include_input_output": include_input_output,
        }
        return get(url, params).with_call_options(options)

    return TokenPaging(WorkflowVersionInfo, "items", request)


class WorkflowVersions(SyncAPIResource):
    def list(
        self,
        *,
        workflow_id: str,
        publish_status: Optional[str] = None,
        page_size: int = 10,
        page_token: Optional[str] = None,
        include_input_output: Optional[bool] = None,
        **options: Unpack[CallOptions],
    ) -> SyncPager[WorkflowVersionInfo]:
        """A workflow's versions, newest first; `page_size` 1-30, `page_token` to start later."""
        paging = _versions(workflow_id, publish_status, page_size, page_token, include_input_output, options)
        return SyncPager(self._client, paging)


class AsyncWorkflowVersions(AsyncAPIResource):
    def list(
        self,
        *,
        workflow_id: str,
        publish_status: Optional[str] = None,
        page_size: int = 10,
        page_token: Optional[str] = None,
        include_input_output: Optional[bool] = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[WorkflowVersionInfo]:
        paging = _versions(workflow_id, publish_status, page_size, page_token, include_input_output, options)
        return AsyncPager(self._client, paging)
