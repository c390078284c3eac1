"""`coze.datasets.documents`: upload (local files streamed as base64, web pages, uploaded images), rename,
list and delete the documents of a knowledge base. Every call sends `Agw-Js-Conv: str`."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence, Union, cast

from typing_extensions import Unpack

from ..._envelope import BODY, Envelope
from ..._models import ListResponse, ResponseInfo
from ..._parsing import model, models
from ..._paths import require
from ..._request import CallOptions, RequestOptions, post
from ..._resource import AsyncAPIResource, SyncAPIResource
from ..._validation import read_model
from ...pagination import AsyncPager, NumberPaging, SyncPager
from ...types.document import (
    DeleteDocumentRes,
    Document,
    DocumentBase,
    DocumentCaptionType,
    DocumentChunkStrategy,
    DocumentFormatType,
    DocumentUpdateRule,
    UpdateDocumentRes,
)
from .._body import to_json
from .._json_stream import StreamedJSON
from ._ids import id_list

__all__ = [
    "AGW_JS_CONV",
    "MAX_BODY_BYTES",
    "MAX_CREATE",
    "MAX_DELETE",
    "AsyncDatasetDocuments",
    "DatasetDocuments",
    "DocumentInput",
]

AGW_JS_CONV = {"Agw-Js-Conv": "str"}
"""Asks Coze's gateway to render int64 numbers as strings; documented on the four document endpoints."""
MAX_CREATE = 10
MAX_DELETE = 100
MAX_BODY_BYTES = 15 * 1024 * 1024
"""Coze's request body limit outside workflows."""

DocumentInput = Union[DocumentBase, Mapping[str, Any]]
_CREATE_PATH = "/open_api/knowledge/document/create"


def _method(base: DocumentInput) -> str:
    """How a document is uploaded: local, web or file_id."""
    if isinstance(base, DocumentBase):
        info: Any = base.source_info.model_dump(exclude_none=True)
        if base.source_info.local_file is not None:
            info["file_base64"] = ""
    else:
        info = base.get("source_info")
    if not isinstance(info, Mapping):
        raise ValueError("each document needs a source_info")
    for key, method in (("file_base64", "local"), ("web_url", "web"), ("source_file_id", "file_id")):
        if key in info:
            return method
    raise ValueError(
        "a source_info needs file_base64, web_url or source_file_id (use the DocumentBase builders)"
    )


def _check_bases(bases: Sequence[DocumentInput], kind: DocumentFormatType) -> None:
    if not 1 <= len(bases) <= MAX_CREATE:
        raise ValueError(f"upload 1 to {MAX_CREATE} documents per call, got {len(bases)}")
    methods = {_method(b) for b in bases}
    if len(methods) > 1:
        raise ValueError(
            f"one upload method per call (local file, web page or file id), got {sorted(methods)}"
        )
    allowed = {"file_id"} if kind == DocumentFormatType.IMAGE else {"local", "web"}
    if not methods <= allowed:
        what = "uploaded image file ids" if kind == DocumentFormatType.IMAGE else "local files or web pages"
        raise ValueError(f"a format_type {int(kind)} knowledge base takes {what}")
    for base in bases:
        if isinstance(base, DocumentBase):
            require(name=base.name)
            if base.update_rule is not None:
                base.update_rule.check()


def _default_strategy(kind: DocumentFormatType) -> DocumentChunkStrategy:
    if kind == DocumentFormatType.IMAGE:
        return DocumentChunkStrategy(caption_type=DocumentCaptionType.AUTO)
    return DocumentChunkStrategy.build_auto()


def _create(
    dataset_id: str,
    document_bases: Sequence[DocumentInput],
    chunk_strategy: Optional[DocumentChunkStrategy],
    format_type: int,
    options: CallOptions,
) -> RequestOptions:
    require(dataset_id=dataset_id)
    if isinstance(document_bases, (DocumentBase, Mapping, str, bytes)):
        raise TypeError("document_bases must be a list of DocumentBase")
    bases = list(document_bases)
    kind = DocumentFormatType(format_type)
    if kind not in (DocumentFormatType.DOCUMENT, DocumentFormatType.IMAGE):
        raise ValueError(f"format_type must be 0 (text) or 2 (image), got {int(kind)}")
    _check_bases(bases, kind)
    strategy = chunk_strategy if chunk_strategy is not None else _default_strategy(kind)
    strategy.check()
    rest: Dict[str, Any] = dict(options)
    extra_body = rest.pop("extra_body", None) or {}
    stream = StreamedJSON()
    body = {
        "dataset_id": dataset_id,
        "document_bases": [_wire_base(b, stream) for b in bases],
        "chunk_strategy": to_json(strategy),
        "format_type": int(kind),
        **extra_body,
    }
    envelope = Envelope.at("document_infos")
    factory, length = stream.render(body)
    if length > MAX_BODY_BYTES:
        raise ValueError(
            f"the request would be {length} bytes (files travel as base64); Coze accepts at most "
            f"{MAX_BODY_BYTES} (15 MB): upload fewer or smaller files per call"
        )
    headers = {**AGW_JS_CONV, "Content-Type": "application/json", "Content-Length": str(length)}
    opts = RequestOptions("POST", _CREATE_PATH, content=factory, headers=headers, envelope=envelope)
    return opts.with_call_options(cast(CallOptions, rest))


def _wire_base(base: DocumentInput, stream: StreamedJSON) -> Any:
    wire = to_json(base)
    if isinstance(base, DocumentBase) and base.source_info.local_file is not None:
        wire["source_info"]["file_base64"] = stream.placeholder(base.source_info.local_file)
    return wire


def _update(
    document_id: str,
    document_name: Optional[str],
    update_rule: Optional[DocumentUpdateRule],
    options: CallOptions,
) -> RequestOptions:
    require(document_id=document_id)
    if document_name is not None:
        require(document_name=document_name)
    if update_rule is not None:
        update_rule.check()
    body = {"document_id": document_id, "document_name": document_name, "update_rule": to_json(update_rule)}
    return post(
        "/open_api/knowledge/document/update",
        body,
        headers=AGW_JS_CONV,
        envelope=BODY,
        idempotent=True,
    ).with_call_options(options)


def _parse_update(payload: Any, info: ResponseInfo) -> UpdateDocumentRes:
    document = payload.get("document_info") if isinstance(payload, Mapping) else None
    result = read_model(UpdateDocumentRes, {"document_info": document}, info)
    result._attach(info)
    if result.document_info is not None:
        result.document_info._attach(info)
    return result


def _delete(document_ids: Sequence[Union[str, Document]], options: CallOptions) -> RequestOptions:
    ids = id_list("document_ids", document_ids, limit=MAX_DELETE)
    return post(
        "/open_api/knowledge/document/delete", {"document_ids": ids}, headers=AGW_JS_CONV
    ).with_call_options(options)


def _list(dataset_id: str, page_num: int, page_size: int, options: CallOptions) -> NumberPaging[Document]:
    require(dataset_id=dataset_id)

    def request(num: int, size: int) -> RequestOptions:
        body = {"dataset_id": dataset_id, "page": num, "size": size}
        return post(
            "/open_api/knowledge/document/list", body, headers=AGW_JS_CONV, envelope=BODY, idempotent=True
        ).with_call_options(options)

    return NumberPaging(Document, "document_infos", request, page_num=page_num, page_size=page_size)


class DatasetDocuments(SyncAPIResource):
    def create(
        self,
        *,
        dataset_id: str,
        document_bases: Sequence[DocumentInput],
        chunk_strategy: Optional[DocumentChunkStrategy] = None,
        format_type: int = DocumentFormatType.DOCUMENT,
        **options: Unpack[CallOptions],
    ) -> ListResponse[Document]:
        """Upload 1-10 documents, all the same way: local files or web pages (text knowledge bases), or
        uploaded image file ids (`format_type=2`). Local files are streamed from disk as base64.

        `chunk_strategy` defaults to automatic chunking (automatic captions for images).

        >>> coze.datasets.documents.create(
        ...     dataset_id=ds, document_bases=[DocumentBase.build_local_file("guide.pdf")]
        ... )
        """
        opts = _create(dataset_id, document_bases, chunk_strategy, format_type, options)
        return self._client.request(opts, models(Document))

    def update(
        self,
        *,
        document_id: str,
        document_name: Optional[str] = None,
        update_rule: Optional[DocumentUpdateRule] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateDocumentRes:
        """Rename a document, or change a web page's refetch rule."""
        opts = _update(document_id, document_name, update_rule, options)
        return self._client.request(opts, _parse_update)

    def delete(
        self, *, document_ids: Sequence[Union[str, Document]], **options: Unpack[CallOptions]
    ) -> DeleteDocumentRes:
        """Delete up to 100 documents."""
        return self._client.request(_delete(document_ids, options), model(DeleteDocumentRes))

    def list(
        self,
        *,
        dataset_id: str,
        page_num: int = 1,
        page_size: int = 10,
        **options: Unpack[CallOptions],
    ) -> SyncPager[Document]:
        """The knowledge base's documents (sent as `page`/`size`)."""
        return SyncPager(self._client, _list(dataset_id, page_num, page_size, options))


class AsyncDatasetDocuments(AsyncAPIResource):
    async def create(
        self,
        *,
        dataset_id: str,
        document_bases: Sequence[DocumentInput],
        chunk_strategy: Optional[DocumentChunkStrategy] = None,
        format_type: int = DocumentFormatType.DOCUMENT,
        **options: Unpack[CallOptions],
    ) -> ListResponse[Document]:
        opts = _create(dataset_id, document_bases, chunk_strategy, format_type, options)
        return await self._client.request(opts, models(Document))

    async def update(
        self,
        *,
        document_id: str,
        document_name: Optional[str] = None,
        update_rule: Optional[DocumentUpdateRule] = None,
        **options: Unpack[CallOptions],
    ) -> UpdateDocumentRes:
        opts = _update(document_id, document_name, update_rule, options)
        return await self._client.request(opts, _parse_update)

    async def delete(
        self, *, document_ids: Sequence[Union[str, Document]], **options: Unpack[CallOptions]
    ) -> DeleteDocumentRes:
        return await self._client.request(_delete(document_ids, options), model(DeleteDocumentRes))

    def list(
        self,
        *,
        dataset_id: str,
        page_num: int = 1,
        page_size: int = 10,
        **options: Unpack[CallOptions],
    ) -> AsyncPager[Document]:
        return AsyncPager(self._client, _list(dataset_id, page_num, page_size, options))
