"""`coze.workspaces`: the workspaces (spaces) the token can see."""

from __future__ import annotations

from typing import Optional

from typing_extensions import Unpack

from .._request import CallOptions, RequestOptions, get
from .._resource import AsyncAPIResource, SyncAPIResource
from ..pagination import AsyncPager, NumberPaging, SyncPager
from ..types.workspace import Workspace

__all__ = ["AsyncWorkspaces", "Workspaces"]


def _list(
    page_num: int,
    page_size: int,
    enterprise_id: Optional[str],
    user_id: Optional[str],
    coze_account_id: Optional[str],
    options: CallOptions,
) -> NumberPaging[Workspace]:
    if not 1 <= page_size <= 50:
        raise ValueError("page_size must be between 1 and 50")

    def request(num: int, size: int) -> RequestOptions:
        params = {
            "page_num": num,
            "page_size": size,
            "enterprise_id": enterprise_id,
            "user_id": user_id,
            "coze_account_id": coze_account_id,
        }
        return get("/v1/workspaces", params).with_call_options(options)

    return NumberPaging(Workspace, "workspaces", request, page_num=page_num, page_size=page_size)


class Workspaces(SyncAPIResource):
    def list(
        self,
        *,
        page_num: int = 1,
        page_size: int = 20,
        enterprise_id: Optional[str] = None,
        user_id: Optional[str] = None,
        coze_account_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> SyncPager[Workspace]:
        """Every workspace the token can see; iterate for all pages."""
        paging = _list(page_num, page_size, enterprise_id, user_id, coze_account_id, options)
        return SyncPager(self._client, paging)


class AsyncWorkspaces(AsyncAPIResource):
    def list(
        self,
        *,
        page_num: int = 1,
        page_size: int = 20,
        enterprise_id: Optional[str] = None,
        user_id: Optional[str] = None,
        coze_account_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[Workspace]:
        paging = _list(page_num, page_size, enterprise_id, user_id, coze_account_id, options)
        return AsyncPager(self._client, paging)
