"""`coze.folders`: the folders of a workspace's project area."""

from __future__ import annotations

from typing import Optional, Union

from typing_extensions import Unpack

from .._parsing import model
from .._paths import path, require
from .._request import CallOptions, RequestOptions, get
from .._resource import AsyncAPIResource, SyncAPIResource
from ..pagination import AsyncPager, NumberPaging, SyncPager
from ..types.folder import FolderType, SimpleFolder
from ._body import to_json
from ._validate import check_page_size

__all__ = ["AsyncFolders", "Folders"]


def _list(
    workspace_id: str,
    folder_type: Union[FolderType, str],
    parent_folder_id: Optional[str],
    page_num: int,
    page_size: int,
    options: CallOptions,
) -> NumberPaging[SimpleFolder]:
    require(workspace_id=workspace_id, folder_type=folder_type)
    check_page_size(page_size, 50)

    def request(num: int, size: int) -> RequestOptions:
        params = {
            "workspace_id": workspace_id,
            "folder_type": to_json(folder_type),
            "parent_folder_id": parent_folder_id,
            "page_num": num,
            "page_size": size,
        }
        return get("/v1/folders", params).with_call_options(options)

    return NumberPaging(SimpleFolder, "items", request, page_num=page_num, page_size=page_size)


def _retrieve(folder_id: str, options: CallOptions) -> RequestOptions:
    return get(path("/v1/folders/{folder_id}", folder_id=folder_id)).with_call_options(options)


class Folders(SyncAPIResource):
    def list(
        self,
        *,
        workspace_id: str,
        folder_type: Union[FolderType, str] = FolderType.DEVELOPMENT,
        parent_folder_id: Optional[str] = None,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> SyncPager[SimpleFolder]:
        """The folders under `parent_folder_id` (default: the workspace's root)."""
        paging = _list(workspace_id, folder_type, parent_folder_id, page_num, page_size, options)
        return SyncPager(self._client, paging)

    def retrieve(self, *, folder_id: str, **options: Unpack[CallOptions]) -> SimpleFolder:
        return self._client.request(_retrieve(folder_id, options), model(SimpleFolder))


class AsyncFolders(AsyncAPIResource):
    def list(
        self,
        *,
        workspace_id: str,
        folder_type: Union[FolderType, str] = FolderType.DEVELOPMENT,
        parent_folder_id: Optional[str] = None,
        page_num: int = 1,
        page_size: int = 20,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[SimpleFolder]:
        paging = _list(workspace_id, folder_type, parent_folder_id, page_num, page_size, options)
        return AsyncPager(self._client, paging)

    async def retrieve(self, *, folder_id: str, **options: Unpack[CallOptions]) -> SimpleFolder:
        return await self._client.request(_retrieve(folder_id, options), model(SimpleFolder))
