"""Knowledge bases (datasets), document processing progress and the images of image knowledge bases.
Names follow the official `cozepy` SDK."""

from __future__ import annotations

from typing import List, Optional

from pydantic import Field

from .._models import CozeModel
from ._shared import OpenIntEnum
from .document import (
    Count,
    DocumentChunkStrategy,
    DocumentFormatType,
    DocumentSourceType,
    DocumentStatus,
    DocumentUpdateType,
    IdStr,
    Time,
)

__all__ = [
    "CreateDatasetResp",
    "Dataset",
    "DatasetStatus",
    "DeleteDatasetRes",
    "DocumentProgress",
    "Photo",
    "PhotoStatus",
    "UpdateDatasetRes",
    "UpdateImageRes",
]


class DatasetStatus(OpenIntEnum):
    ENABLED = 1
    DISABLED = 3


class CreateDatasetResp(CozeModel):
    dataset_id: IdStr


class Dataset(CozeModel):
    """A knowledge base."""

    dataset_id: IdStr
    name: str = ""
    description: str = ""
    space_id: IdStr = ""
    status: DatasetStatus = DatasetStatus.ENABLED
    format_type: DocumentFormatType = DocumentFormatType.DOCUMENT
    can_edit: bool = False
    """Whether the caller owns it."""
    icon_uri: str = ""
    icon_url: str = ""
    avatar_url: str = ""
    """The creator's avatar."""
    creator_id: IdStr = ""
    creator_name: str = ""
    create_time: Time = 0
    update_time: Time = 0
    doc_count: Count = 0
    slice_count: Count = 0
    hit_count: Count = 0
    all_file_size: Count = 0
    """Bytes stored (real answers send it as a string, e.g. "0")."""
    bot_used_count: Count = 0
    file_list: List[str] = Field(default_factory=list)
    failed_file_list: List[str] = Field(default_factory=list)
    processing_file_list: List[str] = Field(default_factory=list)
    processing_file_id_list: List[IdStr] = Field(default_factory=list)
    chunk_strategy: Optional[DocumentChunkStrategy] = None
    project_id: Optional[str] = None


class UpdateDatasetRes(CozeModel):
    pass


class DeleteDatasetRes(CozeModel):
    pass


class DocumentProgress(CozeModel):
    """Where the processing of one uploaded document stands (`coze.datasets.process`)."""

    document_id: IdStr = ""
    document_name: str = ""
    url: str = ""
    size: Count = 0
    type: str = ""
    status: DocumentStatus = DocumentStatus.PROCESSING
    progress: Count = 0
    """Percent, 0-100."""
    update_type: Optional[DocumentUpdateType] = None
    update_interval: Count = 0
    remaining_time: Count = 0
    """Estimated seconds left."""
    status_descript: str = ""
    """Why processing failed (failed documents only)."""


class PhotoStatus(OpenIntEnum):
    IN_PROCESSING = 0
    COMPLETED = 1
    PROCESSING_FAILED = 9


class Photo(CozeModel):
    """An image in an image knowledge base."""

    document_id: IdStr
    url: str = ""
    name: str = ""
    size: Count = 0
    type: str = ""
    status: PhotoStatus = PhotoStatus.IN_PROCESSING
    caption: str = ""
    creator_id: IdStr = ""
    source_type: Optional[DocumentSourceType] = None
    create_time: Time = 0
    update_time: Time = 0


class UpdateImageRes(CozeModel):
    pass
