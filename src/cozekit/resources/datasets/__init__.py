"""`coze.datasets`: knowledge bases, their documents (`.documents`) and images (`.images`)."""

from __future__ import annotations

from functools import cached_property
from typing import Optional, Sequence

from typing_extensions import Unpack

from ..._models import ListResponse
from ..._parsing import model, models
from ..._paths import path, require
from ..._request import CallOptions, RequestOptions, delete, get, post, put
from ..._resource import AsyncAPIResource, SyncAPIResource
from ...pagination import AsyncPager, NumberPaging, SyncPager
from ...types.dataset import CreateDatasetResp, Dataset, DeleteDatasetRes, DocumentProgress, UpdateDatasetRes
from ...types.document import DocumentFormatType
from .._validate import check_page_size
from ._process import DocumentRef, ProgressCallback, process_request, wait_flow
from .documents import AsyncDatasetDocuments, DatasetDocuments
from .images import AsyncDatasetImages, DatasetImages

__all__ = ["AsyncDatasets", "Datasets", "process_request"]

MAX_NAME_LENGTH = 100
_CREATABLE = (DocumentFormatType.DOCUMENT, DocumentFormatType.IMAGE)


def _check_name(name: str) -> None:
    require(name=name)
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"a knowledge base name has at most {MAX_NAME_LENGTH} characters, got {len(name)}")


def _create(
    name: str,
    space_id: str,
    format_type: int,
    description: Optional[str],
    icon_file_id: Optional[str],
    options: CallOptions,
) -> RequestOptions:
    _check_name(name)
    require(space_id=space_id)
    kind = DocumentFormatType(format_type)
    if kind not in _CREATABLE:
        raise ValueError(
            f"format_type must be 0 (text) or 2 (image); got {int(kind)} (tables are not supported)"
        )
    body = {
        "name": name,
        "space_id": space_id,
        "format_type": int(kind),
        "description": description,
        "file_id": icon_file_id,
    }
    return post("/v1/datasets", body).with_call_options(options)


def _list(
    space_id: str,
    name: Optional[str],
    format_type: Optional[int],
    page_num: int,
    page_size: int,
    options: CallOptions,
) -> NumberPaging[Dataset]:
    require(space_id=space_id)
    check_page_size(page_size, 300)
    kind = None if format_type is None else int(DocumentFormatType(format_type))

    def request(num: int, size: int) -> RequestOptions:
        params = {"space_id": space_id, "name": name, "format_type": kind, "page_num": num, "page_size": size}
        return get("/v1/datasets", params).with_call_options(options)

    return NumberPaging(Dataset, "dataset_list", request, page_num=page_num, page_size=page_size)


def _dataset_path(dataset_id: str, suffix: str = "") -> str:
    return path("/v1/datasets/{dataset_id}", dataset_id=dataset_id) + suffix


def _update(
    dataset_id: str,
    name: str,
    description: Optional[str],
    icon_file_id: Optional[str],
    options: CallOptions,
) -> RequestOptions:
    _check_name(name)
    body = {"name": name, "description": description, "file_id": icon_file_id}
    return put(_dataset_path(dataset_id), body).with_call_options(options)


def _delete(dataset_id: str, options: CallOptions) -> RequestOptions:
    return delete(_dataset_path(dataset_id)).with_call_options(options)


class Datasets(SyncAPIResource):
    """Knowledge bases: text (format_type 0) or image (2)."""

    @cached_property
    def documents(self) -> DatasetDocuments:
        return DatasetDocuments(self._client)

    @cached_property
    def images(self) -> DatasetImages:
        return DatasetImages(self._client)

    def create(
        self,
        *,
        name: str,
        space_id: str,
        format_type: int,
        description: Optional[str] = None,
        icon_file_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> CreateDatasetResp:
        """Create a knowledge base (name at most 100 characters); `icon_file_id` from `coze.files.upload`."""
        opts = _create(name, space_id, format_type, description, icon_file_id, options)
        return self._client.request(opts, model(CreateDatasetResp))

    def list(
        self,
        *,
        space_id: str,
        name: Optional[str] = None,
        format_type: Optional[int] = None,
        page_num: int = 1,
        page_size: int = 10,
        **options: Unpack[CallOptions],
    ) -> SyncPager[Dataset]:
        """The workspace's knowledge bases (`name` matches fuzzily)."""
        paging = _list(space_id, name, format_type, page_num, page_size, options)
        return SyncPager(self._client, paging)

    def update(
        self,
        *,
        dataset_id: str,
        name: str,
        description: Optional[str] = None,
        icon_file_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateDatasetRes:
        """Replace name, description and icon (the ones not passed are reset by Coze)."""
        opts = _update(dataset_id, name, description, icon_file_id, options)
        return self._client.request(opts, model(UpdateDatasetRes))

    def delete(self, *, dataset_id: str, **options: Unpack[CallOptions]) -> DeleteDatasetRes:
        """Delete a knowledge base with its documents (bots using it are unbound)."""
        return self._client.request(_delete(dataset_id, options), model(DeleteDatasetRes))

    def process(
        self, *, dataset_id: str, document_ids: Sequence[DocumentRef], **options: Unpack[CallOptions]
    ) -> ListResponse[DocumentProgress]:
        """The processing progress of documents of one knowledge base."""
        opts = process_request(dataset_id, document_ids, options)
        return self._client.request(opts, models(DocumentProgress))

    def wait_for_processing(
        self,
        *,
        dataset_id: str,
        document_ids: Sequence[DocumentRef],
        on_progress: Optional[ProgressCallback] = None,
        poll_timeout: Optional[float] = 600.0,
        poll_interval: float = 1.0,
        **options: Unpack[CallOptions],
    ) -> ListResponse[DocumentProgress]:
        """Poll `process` until every document is done; returns the last progress.

        Raises `DocumentProcessingError` when one fails, and `DocumentProcessingTimeoutError` after
        `poll_timeout` seconds (None: no limit). `on_progress` gets each poll's list.

        >>> docs = coze.datasets.documents.create(dataset_id=ds, document_bases=[...])
        >>> coze.datasets.wait_for_processing(dataset_id=ds, document_ids=docs, on_progress=print)
        """
        flow = wait_flow(dataset_id, document_ids, on_progress, poll_timeout, poll_interval, options)
        return self._client.run_flow(flow)


class AsyncDatasets(AsyncAPIResource):
    @cached_property
    def documents(self) -> AsyncDatasetDocuments:
        return AsyncDatasetDocuments(self._client)

    @cached_property
    def images(self) -> AsyncDatasetImages:
        return AsyncDatasetImages(self._client)

    async def create(
        self,
        *,
        name: str,
        space_id: str,
        format_type: int,
        description: Optional[str] = None,
        icon_file_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> CreateDatasetResp:
        opts = _create(name, space_id, format_type, description, icon_file_id, options)
        return await self._client.request(opts, model(CreateDatasetResp))

    def list(
        self,
        *,
        space_id: str,
        name: Optional[str] = None,
        format_type: Optional[int] = None,
        page_num: int = 1,
        page_size: int = 10,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[Dataset]:
        paging = _list(space_id, name, format_type, page_num, page_size, options)
        return AsyncPager(self._client, paging)

    async def update(
        self,
        *,
        dataset_id: str,
        name: str,
        description: Optional[str] = None,
        icon_file_id: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateDatasetRes:
        opts = _update(dataset_id, name, description, icon_file_id, options)
        return await self._client.request(opts, model(UpdateDatasetRes))

    async def delete(self, *, dataset_id: str, **options: Unpack[CallOptions]) -> DeleteDatasetRes:
        return await self._client.request(_delete(dataset_id, options), model(DeleteDatasetRes))

    async def process(
        self, *, dataset_id: str, document_ids: Sequence[DocumentRef], **options: Unpack[CallOptions]
    ) -> ListResponse[DocumentProgress]:
        opts = process_request(dataset_id, document_ids, options)
        return await self._client.request(opts, models(DocumentProgress))

    async def wait_for_processing(
        self,
        *,
        dataset_id: str,
        document_ids: Sequence[DocumentRef],
        on_progress: Optional[ProgressCallback] = None,
        poll_timeout: Optional[float] = 600.0,
        poll_interval: float = 1.0,
        **options: Unpack[CallOptions],
    ) -> ListResponse[DocumentProgress]:
        """The async twin of `Datasets.wait_for_processing` (`on_progress` stays a plain function)."""
        flow = wait_flow(dataset_id, document_ids, on_progress, poll_timeout, poll_interval, options)
        return await self._client.run_flow(flow)
