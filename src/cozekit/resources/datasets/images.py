"""`coze.datasets.images`: the images of an image knowledge base, and their captions."""

from __future__ import annotations

from typing import Optional

from typing_extensions import Unpack

from ..._parsing import model
from ..._paths import path, require
from ..._request import CallOptions, RequestOptions, get, put
from ..._resource import AsyncAPIResource, SyncAPIResource
from ...pagination import AsyncPager, NumberPaging, SyncPager
from ...types.dataset import Photo, UpdateImageRes
from .._validate import check_page_size

__all__ = ["AsyncDatasetImages", "DatasetImages"]

_IMAGE = "/v1/datasets/{dataset_id}/images"


def _update(dataset_id: str, document_id: str, caption: str, options: CallOptions) -> RequestOptions:
    if not isinstance(caption, str):
        raise TypeError(f"caption must be a string, got {type(caption).__name__}")
    url = path(_IMAGE + "/{document_id}", dataset_id=dataset_id, document_id=document_id)
    return put(url, {"caption": caption}).with_call_options(options)


def _list(
    dataset_id: str,
    keyword: Optional[str],
    has_caption: Optional[bool],
    page_num: int,
    page_size: int,
    options: CallOptions,
) -> NumberPaging[Photo]:
    require(dataset_id=dataset_id)
    check_page_size(page_size, 299)
    url = path(_IMAGE, dataset_id=dataset_id)

    def request(num: int, size: int) -> RequestOptions:
        params = {"page_num": num, "page_size": size, "keyword": keyword, "has_caption": has_caption}
        return get(url, params).with_call_options(options)

    return NumberPaging(Photo, "photo_infos", request, page_num=page_num, page_size=page_size)


class DatasetImages(SyncAPIResource):
    def update(
        self, *, dataset_id: str, document_id: str, caption: str, **options: Unpack[CallOptions]
    ) -> UpdateImageRes:
        """Set an image's caption (needed for knowledge bases with manual captions)."""
        opts = _update(dataset_id, document_id, caption, options)
        return self._client.request(opts, model(UpdateImageRes))

    def list(
        self,
        *,
        dataset_id: str,
        keyword: Optional[str] = None,
        has_caption: Optional[bool] = None,
        page_num: int = 1,
        page_size: int = 10,
        **options: Unpack[CallOptions],
    ) -> SyncPager[Photo]:
        """The images, optionally filtered by a caption keyword or by whether they have a caption."""
        paging = _list(dataset_id, keyword, has_caption, page_num, page_size, options)
        return SyncPager(self._client, paging)


class AsyncDatasetImages(AsyncAPIResource):
    async def update(
        self, *, dataset_id: str, document_id: str, caption: str, **options: Unpack[CallOptions]
    ) -> UpdateImageRes:
        opts = _update(dataset_id, document_id, caption, options)
        return await self._client.request(opts, model(UpdateImageRes))

    def list(
        self,
        *,
        dataset_id: str,
        keyword: Optional[str] = None,
        has_caption: Optional[bool] = None,
        page_num: int = 1,
        page_size: int = 10,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[Photo]:
        paging = _list(dataset_id, keyword, has_caption, page_num, page_size, options)
        return AsyncPager(self._client, paging)
