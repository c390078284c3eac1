"""Knowledge-base models parse the documented samples and the known discrepancies (doc pages
create_knowledge_files, list_dataset: ids as numbers, sizes as text)."""

from __future__ import annotations

import pytest

from cozekit import (
    Dataset,
    DatasetStatus,
    Document,
    DocumentChunkStrategy,
    DocumentFormatType,
    DocumentProgress,
    DocumentSourceInfo,
    DocumentSourceType,
    DocumentStatus,
    DocumentUpdateRule,
    Photo,
)

LIST_DATASET_SAMPLE = {
    "hit_count": 0,
    "doc_count": 0,
    "status": 1,
    "can_edit": True,
    "space_id": "731121948439879",
    "failed_file_list": [],
    "processing_file_id_list": [],
    "description": "openapi",
    "chunk_strategy": {},
    "create_time": 1733817948,
    "name": "openapi_img3",
    "format_type": 2,
    "project_id": "",
    "all_file_size": "0",
    "creator_id": "217526895615",
    "file_list": [],
    "dataset_id": "744668935865830",
    "bot_used_count": 0,
}

CREATE_DOCUMENT_SAMPLE = {
    "name": "Coze.pdf",
    "size": 14164,
    "type": "pdf",
    "status": 1,
    "tos_uri": "FileBizType.BIZ_BOT_DATASET/847077809337655_1727579972975689529_0ytrdq.docx",
    "hit_count": 0,
    "char_count": 4,
    "create_time": 1719907964,
    "document_id": "738694205603010",
    "format_type": 2,
    "slice_count": 1,
    "source_type": None,
    "update_time": 1719907969,
    "update_type": None,
    "chunk_strategy": {"chunk_type": 1, "max_tokens": 800, "separator": "\n\n"},
    "update_interval": 0,
}


def test_dataset_sample_with_string_all_file_size() -> None:
    ds = Dataset.model_validate(LIST_DATASET_SAMPLE)
    assert ds.all_file_size == 0 and ds.status == DatasetStatus.ENABLED
    assert ds.format_type == DocumentFormatType.IMAGE and ds.chunk_strategy == DocumentChunkStrategy()


def test_document_sample_with_nulls() -> None:
    doc = Document.model_validate(CREATE_DOCUMENT_SAMPLE)
    assert doc.source_type is None and doc.update_type is None and doc.status.is_terminal
    assert doc.chunk_strategy is not None and doc.chunk_strategy.max_tokens == 800


def test_numbers_rendered_as_strings_by_agw_js_conv() -> None:
    doc = Document.model_validate(
        {
            "document_id": 738694205603010123,
            "size": "14164",
            "char_count": "4",
            "create_time": "1719907964",
            "status": "0",
        }
    )
    assert (doc.document_id, doc.size, doc.char_count, doc.create_time) == (
        "738694205603010123",
        14164,
        4,
        1719907964,
    )
    assert doc.status == DocumentStatus.PROCESSING and not doc.status.is_terminal


def test_unknown_codes_stay_open() -> None:
    doc = Document.model_validate({"document_id": "1", "status": 7, "source_type": 104, "format_type": 5})
    assert doc.status == 7 and not doc.status.is_known
    assert doc.source_type == DocumentSourceType.LARK_WEB and doc.format_type == 5
    assert Dataset.model_validate({"dataset_id": "1", "status": 4}).status == 4


def test_progress_and_photo_samples() -> None:
    progress = DocumentProgress.model_validate(
        {
            "progress": 100,
            "status": 1,
            "type": "jpg",
            "update_type": 0,
            "document_id": "744667080521909",
            "size": 171340,
        }
    )
    assert progress.status == DocumentStatus.COMPLETED and progress.status_descript == ""
    photo = Photo.model_validate(
        {"document_id": 744667080521911, "status": 1, "source_type": 5, "caption": "小猫"}
    )
    assert photo.document_id == "744667080521911" and photo.source_type == DocumentSourceType.UPLOAD_FILE_ID


@pytest.mark.parametrize(
    ("built", "wire"),
    [
        (DocumentChunkStrategy.build_auto(), {"chunk_type": 0}),
        (
            DocumentChunkStrategy.build_custom(100, "#", remove_urls_emails=True),
            {
                "chunk_type": 1,
                "separator": "#",
                "max_tokens": 100,
                "remove_extra_spaces": False,
                "remove_urls_emails": True,
            },
        ),
        (DocumentChunkStrategy.build_image(1), {"caption_type": 1}),
        (DocumentUpdateRule.build_no_auto_update(), {"update_type": 0, "update_interval": 24}),
        (DocumentUpdateRule.build_auto_update(24), {"update_type": 1, "update_interval": 24}),
        (DocumentSourceInfo.build_web_page("https://a.b"), {"web_url": "https://a.b", "document_source": 1}),
        (DocumentSourceInfo.build_file_id("123"), {"source_file_id": "123", "document_source": 5}),
    ],
)
def test_builders_produce_the_documented_wire_shape(built: DocumentChunkStrategy, wire: dict) -> None:  # type: ignore[type-arg]
    assert built.model_dump(mode="json", exclude_none=True) == wire


def test_source_file_id_accepts_a_bare_number() -> None:
    assert (
        DocumentSourceInfo.model_validate({"source_file_id": 744667846938145}).source_file_id
        == "744667846938145"
    )
