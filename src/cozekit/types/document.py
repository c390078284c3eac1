"""Knowledge-base documents: what is uploaded (`DocumentBase` and its builders), how it is chunked, and
the `Document` Coze returns. Names follow the official `cozepy` SDK."""

from __future__ import annotations

import base64
import os
from typing import Any, Optional, Union

from pydantic import BeforeValidator, PrivateAttr
from typing_extensions import Annotated

from .._models import CozeModel
from ._shared import OpenIntEnum, parse_timestamp

__all__ = [
    "DeleteDocumentRes",
    "Document",
    "DocumentBase",
    "DocumentCaptionType",
    "DocumentChunkStrategy",
    "DocumentChunkType",
    "DocumentFormatType",
    "DocumentSourceInfo",
    "DocumentSourceType",
    "DocumentStatus",
    "DocumentUpdateRule",
    "DocumentUpdateType",
    "LocalDocumentFile",
    "UpdateDocumentRes",
]

MIN_CHUNK_TOKENS = 100
MAX_CHUNK_TOKENS = 2000
MIN_UPDATE_INTERVAL_HOURS = 24


def _str_id(value: Any) -> Any:
    """Ids are strings; accept the bare numbers some answers and doc examples carry."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _int_or_zero(value: Any) -> Any:
    return 0 if value is None or value == "" else value


def _time_or_zero(value: Any) -> Any:
    return 0 if value is None or value == "" else parse_timestamp(value)


IdStr = Annotated[str, BeforeValidator(_str_id)]
"""A string id that also validates from a number."""
Count = Annotated[int, BeforeValidator(_int_or_zero)]
"""An int that may arrive as a numeric string (`Agw-Js-Conv: str`) or null (then 0)."""
Time = Annotated[int, BeforeValidator(_time_or_zero)]
"""Unix seconds from an int or a numeric string; null becomes 0."""


class DocumentFormatType(OpenIntEnum):
    """What a knowledge base (or a document in it) holds."""

    DOCUMENT = 0
    SPREADSHEET = 1
    """Tables; Coze's API cannot create these knowledge bases or upload to them."""
    IMAGE = 2


class DocumentSourceType(OpenIntEnum):
    """How a document was uploaded (`source_info.document_source`, `Document.source_type`)."""

    LOCAL_FILE = 0
    ONLINE_WEB = 1
    CUSTOM = 2
    THIRD_PARTY = 3
    FRONT_CRAWL = 4
    UPLOAD_FILE_ID = 5
    NOTION = 101
    GOOGLE_DRIVE = 102
    FEISHU_WEB = 103
    LARK_WEB = 104


class DocumentStatus(OpenIntEnum):
    """Processing status: 0 processing, 1 done, 9 failed (re-upload)."""

    PROCESSING = 0
    COMPLETED = 1
    FAILED = 9

    @property
    def is_terminal(self) -> bool:
        """True once the document will not change by itself (completed or failed)."""
        return self in (DocumentStatus.COMPLETED, DocumentStatus.FAILED)


class DocumentUpdateType(OpenIntEnum):
    """Whether a web-page document is refetched automatically."""

    NO_AUTO_UPDATE = 0
    AUTO_UPDATE = 1


class DocumentChunkType(OpenIntEnum):
    AUTO = 0
    """Coze's preset segmentation and cleaning."""
    CUSTOM = 1
    """`separator`, `max_tokens` and the cleaning flags apply."""


class DocumentCaptionType(OpenIntEnum):
    """How images in an image knowledge base get their captions."""

    AUTO = 0
    MANUAL = 1
    """Set each caption with `coze.datasets.images.update`."""


class DocumentChunkStrategy(CozeModel):
    """How documents are split into chunks (text) or captioned (images)."""

    chunk_type: Optional[DocumentChunkType] = None
    separator: Optional[str] = None
    max_tokens: Optional[int] = None
    """Largest chunk, 100-2000 (custom chunking only)."""
    remove_extra_spaces: Optional[bool] = None
    remove_urls_emails: Optional[bool] = None
    caption_type: Optional[DocumentCaptionType] = None
    """Image knowledge bases; required on the first upload into an empty one."""

    @staticmethod
    def build_auto() -> DocumentChunkStrategy:
        """Coze's automatic segmentation."""
        return DocumentChunkStrategy(chunk_type=DocumentChunkType.AUTO)

    @staticmethod
    def build_custom(
        max_tokens: int, separator: str, remove_extra_spaces: bool = False, remove_urls_emails: bool = False
    ) -> DocumentChunkStrategy:
        """Split at `separator` into chunks of at most `max_tokens` (100-2000).

        >>> DocumentChunkStrategy.build_custom(800, "\\n\\n").max_tokens
        800
        """
        strategy = DocumentChunkStrategy(
            chunk_type=DocumentChunkType.CUSTOM,
            separator=separator,
            max_tokens=max_tokens,
            remove_extra_spaces=remove_extra_spaces,
            remove_urls_emails=remove_urls_emails,
        )
        strategy.check()
        return strategy

    @staticmethod
    def build_image(caption_type: int = DocumentCaptionType.AUTO) -> DocumentChunkStrategy:
        """For image knowledge bases: automatic (0) or manual (1) captions."""
        return DocumentChunkStrategy(caption_type=DocumentCaptionType(caption_type))

    def check(self) -> None:
        """Raise `ValueError` for what Coze would reject (custom chunking needs separator and max_tokens)."""
        if self.chunk_type == DocumentChunkType.CUSTOM:
            if not self.separator:
                raise ValueError("custom chunking needs a non-empty separator")
            if self.max_tokens is None:
                raise ValueError("custom chunking needs max_tokens (100-2000)")
        if self.max_tokens is not None and not MIN_CHUNK_TOKENS <= self.max_tokens <= MAX_CHUNK_TOKENS:
            raise ValueError(
                f"max_tokens must be between {MIN_CHUNK_TOKENS} and {MAX_CHUNK_TOKENS}, got {self.max_tokens}"
            )


class DocumentUpdateRule(CozeModel):
    """Whether (and every how many hours, at least 24) a web-page document is refetched."""

    update_type: DocumentUpdateType
    update_interval: int

    @staticmethod
    def build_no_auto_update() -> DocumentUpdateRule:
        return DocumentUpdateRule(
            update_type=DocumentUpdateType.NO_AUTO_UPDATE, update_interval=MIN_UPDATE_INTERVAL_HOURS
        )

    @staticmethod
    def build_auto_update(interval: int) -> DocumentUpdateRule:
        """Refetch every `interval` hours (at least 24)."""
        rule = DocumentUpdateRule(update_type=DocumentUpdateType.AUTO_UPDATE, update_interval=interval)
        rule.check()
        return rule

    def check(self) -> None:
        if self.update_type == DocumentUpdateType.AUTO_UPDATE and self.update_interval < 24:
            raise ValueError(f"update_interval is in hours, at least 24; got {self.update_interval}")


class LocalDocumentFile:
    """A local file (path or bytes) whose base64 is streamed into the request when it is sent.

    A path is only stat-ed here; it is read in chunks while uploading (and again on a retry).
    """

    __slots__ = ("data", "path", "size")

    def __init__(self, source: Union[str, os.PathLike[str], bytes]) -> None:
        self.path: Optional[str] = None
        self.data: Optional[bytes] = None
        if isinstance(source, (bytes, bytearray, memoryview)):
            self.data = bytes(source)
            self.size = len(self.data)
        elif isinstance(source, (str, os.PathLike)):
            path = os.fspath(source)
            if not os.path.isfile(path):
                raise FileNotFoundError(f"no such file to upload: {path}")
            self.path = path
            self.size = os.path.getsize(path)
        else:
            raise TypeError(f"a local file is a path or bytes, got {type(source).__name__}")

    @property
    def base64_size(self) -> int:
        """Length of the file's base64 text (what goes on the wire)."""
        return 4 * ((self.size + 2) // 3)

    def read_base64(self) -> str:
        """The whole file as base64 (holds it in memory; the SDK itself streams instead)."""
        if self.data is not None:
            return base64.b64encode(self.data).decode("ascii")
        assert self.path is not None
        with open(self.path, "rb") as f:
            return base64.b64encode(f.read()).decode("ascii")

    def __repr__(self) -> str:
        where = self.path if self.path is not None else "<bytes>"
        return f"LocalDocumentFile({where!r}, size={self.size})"


class DocumentSourceInfo(CozeModel):
    """Where a document comes from: a local file (base64), a web page, or an uploaded file id."""

    file_base64: Optional[str] = None
    file_type: Optional[str] = None
    """The local file's extension: pdf, txt, doc, docx."""
    web_url: Optional[str] = None
    source_file_id: Optional[IdStr] = None
    """A file id from `coze.files.upload` (image knowledge bases)."""
    document_source: Optional[DocumentSourceType] = None

    _local_file: Optional[LocalDocumentFile] = PrivateAttr(default=None)

    @property
    def local_file(self) -> Optional[LocalDocumentFile]:
        """The file streamed as `file_base64` when sent (built by `DocumentBase.build_local_file`)."""
        return self._local_file

    @staticmethod
    def build_local_file(content: Union[str, bytes], file_type: str = "txt") -> DocumentSourceInfo:
        """A local file given as its content (text is encoded as UTF-8), base64-encoded now.

        To stream a file from disk instead, use `DocumentBase.build_local_file(path)`.
        """
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        return DocumentSourceInfo(file_base64=base64.b64encode(data).decode("ascii"), file_type=file_type)

    @staticmethod
    def build_web_page(url: str) -> DocumentSourceInfo:
        return DocumentSourceInfo(web_url=url, document_source=DocumentSourceType.ONLINE_WEB)

    @staticmethod
    def build_file_id(file_id: str) -> DocumentSourceInfo:
        return DocumentSourceInfo(source_file_id=file_id, document_source=DocumentSourceType.UPLOAD_FILE_ID)


class DocumentBase(CozeModel):
    """One document to upload with `coze.datasets.documents.create`."""

    name: str
    source_info: DocumentSourceInfo
    update_rule: Optional[DocumentUpdateRule] = None
    """Web pages only: automatic refetching."""
    caption: Optional[str] = None
    """Image knowledge bases: the image's caption."""

    @staticmethod
    def build_local_file(
        file: Union[str, os.PathLike[str], bytes], name: Optional[str] = None, file_type: Optional[str] = None
    ) -> DocumentBase:
        """A local file (a path, or bytes) for a text knowledge base, streamed as base64 when sent.

        `name` defaults to the file name and `file_type` to its extension.

        >>> DocumentBase.build_local_file(b"hello", name="a.txt").source_info.file_type
        'txt'
        """
        local = LocalDocumentFile(file)
        if name is None:
            if local.path is None:
                raise ValueError("pass name= (e.g. 'notes.txt') for a file given as bytes")
            name = os.path.basename(local.path)
        if not name.strip():
            raise ValueError("a document name must not be empty")
        if file_type is None:
            file_type = os.path.splitext(name)[1].lstrip(".").lower()
            if not file_type and local.path is not None:
                file_type = os.path.splitext(local.path)[1].lstrip(".").lower()
        if not file_type:
            raise ValueError(f"cannot tell the file type of {name!r}: pass file_type= (pdf, txt, doc, docx)")
        info = DocumentSourceInfo(file_type=file_type.lstrip(".").lower())
        info._local_file = local
        return DocumentBase(name=name, source_info=info)

    @staticmethod
    def build_web_page(url: str, name: Optional[str] = None, interval: Optional[int] = None) -> DocumentBase:
        """An online page for a text knowledge base; refetched every `interval` hours (>= 24) if given."""
        if not url.strip():
            raise ValueError("url must not be empty")
        rule = DocumentUpdateRule.build_auto_update(interval) if interval is not None else None
        return DocumentBase(
            name=name or url, source_info=DocumentSourceInfo.build_web_page(url), update_rule=rule
        )

    @staticmethod
    def build_image(file_id: str, name: Optional[str] = None, caption: Optional[str] = None) -> DocumentBase:
        """An image uploaded with `coze.files.upload`, for an image knowledge base."""
        if not str(file_id).strip():
            raise ValueError("file_id must not be empty")
        return DocumentBase(
            name=name or str(file_id), source_info=DocumentSourceInfo.build_file_id(file_id), caption=caption
        )


class Document(CozeModel):
    """A document in a knowledge base, as Coze reports it."""

    document_id: IdStr
    name: str = ""
    char_count: Count = 0
    chunk_strategy: Optional[DocumentChunkStrategy] = None
    format_type: DocumentFormatType = DocumentFormatType.DOCUMENT
    hit_count: Count = 0
    size: Count = 0
    """Bytes."""
    slice_count: Count = 0
    source_type: Optional[DocumentSourceType] = None
    """How it was uploaded (real answers may carry null)."""
    status: DocumentStatus = DocumentStatus.PROCESSING
    type: str = ""
    """The file extension, e.g. pdf."""
    update_interval: Count = 0
    update_type: Optional[DocumentUpdateType] = None
    create_time: Time = 0
    update_time: Time = 0
    tos_uri: Optional[str] = None


class UpdateDocumentRes(CozeModel):
    document_info: Optional[Document] = None
    """Deprecated by Coze; present on some answers only."""


class DeleteDocumentRes(CozeModel):
    pass
