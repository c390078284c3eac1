"""`coze.apps`: a workspace's low-code apps, and their `collaborators`."""

from __future__ import annotations

from functools import cached_property
from typing import Optional, Union

from typing_extensions import Unpack

from .._paths import require
from .._request import CallOptions, RequestOptions, get
from .._resource import AsyncAPIResource, SyncAPIResource
from ..pagination import AsyncPager, NumberPaging, SyncPager
from ..types.app import SimpleApp
from ..types.bot import PublishStatus
from ._body import to_json
from .collaborators import AppCollaborators, AsyncAppCollaborators

__all__ = ["Apps", "AsyncApps"]


def _list(
    workspace_id: str,
    publish_status: Union[PublishStatus, str, None],
    connector_id: Optional[str],
    page_num: int,
    page_size: int,
    options: CallOptions,
) -> NumberPaging[SimpleApp]:
    require(workspace_id=workspace_id)

    def request(num: int, size: int) -> RequestOptions:
        # The documentation names the page `page_num`; cozepy sends `page_index`: send both.
        params = {
            "workspace_id": workspace_id,
            "publish_status": to_json(publish_status),
            "connector_id": connector_id,
            "page_num": num,
            "page_index": num,
            "page_size": size,
        }
        return get("/v1/apps", params).with_call_options(options)

    return NumberPaging(SimpleApp, "items", request, page_num=page_num, page_size=page_size)


class Apps(SyncAPIResource):
    @cached_property
    def collaborators(self) -> AppCollaborators:
        return AppCollaborators(self._client)

    def list(
        self,
        *,
        workspace_id: str,
        publish_status: Union[PublishStatus, str, None] = None,
        connector_id: Optional[str] = None,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> SyncPager[SimpleApp]:
        """A workspace's apps (Coze's default: those published online to the API channel, 1024)."""
        paging = _list(workspace_id, publish_status, connector_id, page_num, page_size, options)
        return SyncPager(self._client, paging)


class AsyncApps(AsyncAPIResource):
    @cached_property
    def collaborators(self) -> AsyncAppCollaborators:
        return AsyncAppCollaborators(self._client)

    def list(
        self,
        *,
        workspace_id: str,
        publish_status: Union[PublishStatus, str, None] = None,
        connector_id: Optional[str] = None,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[SimpleApp]:
        paging = _list(workspace_id, publish_status, connector_id, page_num, page_size, options)
        return AsyncPager(self._client, paging)
