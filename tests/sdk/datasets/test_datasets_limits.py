"""What Coze would reject is refused before any I/O (the transport must never be reached)."""

from __future__ import annotations

from typing import Any, Callable, Dict

import httpx
import pytest

from cozekit import DocumentBase, DocumentChunkStrategy, DocumentUpdateRule, DocumentUpdateType
from fake_server import fake_client
from sync_or_async import run


def _no_io(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request {request.method} {request.url}")


WEB = DocumentBase.build_web_page("https://example.com")
IMAGE = DocumentBase.build_image("f1")
LOCAL = DocumentBase.build_local_file(b"hello", name="a.txt")

CASES: Dict[str, Callable[[Any], Any]] = {
    "11 documents": lambda c: c.datasets.documents.create(dataset_id="d", document_bases=[WEB] * 11),
    "no documents": lambda c: c.datasets.documents.create(dataset_id="d", document_bases=[]),
    "one document, not a list": lambda c: c.datasets.documents.create(dataset_id="d", document_bases=WEB),
    "mixed upload methods": lambda c: c.datasets.documents.create(
        dataset_id="d", document_bases=[WEB, LOCAL]
    ),
    "image into text kb": lambda c: c.datasets.documents.create(dataset_id="d", document_bases=[IMAGE]),
    "web page into image kb": lambda c: c.datasets.documents.create(
        dataset_id="d", document_bases=[WEB], format_type=2
    ),
    "table kb": lambda c: c.datasets.documents.create(dataset_id="d", document_bases=[WEB], format_type=1),
    "source without a source": lambda c: c.datasets.documents.create(
        dataset_id="d", document_bases=[{"name": "x", "source_info": {}}]
    ),
    "max_tokens 99": lambda c: c.datasets.documents.create(
        dataset_id="d",
        document_bases=[WEB],
        chunk_strategy=DocumentChunkStrategy(chunk_type=1, separator="#", max_tokens=99),
    ),
    "custom without separator": lambda c: c.datasets.documents.create(
        dataset_id="d",
        document_bases=[WEB],
        chunk_strategy=DocumentChunkStrategy(chunk_type=1, max_tokens=800),
    ),
    "update interval 23h": lambda c: c.datasets.documents.update(
        document_id="x",
        update_rule=DocumentUpdateRule(update_type=DocumentUpdateType.AUTO_UPDATE, update_interval=23),
    ),
    "empty dataset id": lambda c: c.datasets.documents.create(dataset_id=" ", document_bases=[WEB]),
    "101 deletes": lambda c: c.datasets.documents.delete(document_ids=[str(i) for i in range(101)]),
    "no deletes": lambda c: c.datasets.documents.delete(document_ids=[]),
    "delete ids as a string": lambda c: c.datasets.documents.delete(document_ids="123"),
    "blank id": lambda c: c.datasets.process(dataset_id="d", document_ids=["1", ""]),
    "name of 101 chars": lambda c: c.datasets.create(name="x" * 101, space_id="s", format_type=0),
    "table dataset": lambda c: c.datasets.create(name="kb", space_id="s", format_type=1),
    "no space": lambda c: c.datasets.create(name="kb", space_id="", format_type=0),
    "update without name": lambda c: c.datasets.update(dataset_id="d", name=""),
    "dot dataset id": lambda c: c.datasets.delete(dataset_id=".."),
    "dataset page_size 301": lambda c: c.datasets.list(space_id="s", page_size=301),
    "image page_size 300": lambda c: c.datasets.images.list(dataset_id="d", page_size=300),
    "document page 0": lambda c: c.datasets.documents.list(dataset_id="d", page_num=0),
    "caption not a string": lambda c: c.datasets.images.update(dataset_id="d", document_id="p", caption=None),
    "wait with bad interval": lambda c: c.datasets.wait_for_processing(
        dataset_id="d", document_ids=["1"], poll_interval=0
    ),
    "wait with bad ids": lambda c: c.datasets.wait_for_processing(dataset_id="d", document_ids="1"),
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_rejected_before_io(mode: str, case: str) -> None:
    client = fake_client(mode, _no_io)
    with pytest.raises((ValueError, TypeError)):
        await run(CASES[case](client))


def test_builders_reject_bad_input(tmp_path: Any) -> None:
    with pytest.raises(ValueError):
        DocumentChunkStrategy.build_custom(2001, "#")
    with pytest.raises(ValueError):
        DocumentUpdateRule.build_auto_update(12)
    with pytest.raises(FileNotFoundError):
        DocumentBase.build_local_file(tmp_path / "missing.pdf")
    with pytest.raises(ValueError, match="name="):
        DocumentBase.build_local_file(b"data")
    with pytest.raises(ValueError, match="file_type"):
        DocumentBase.build_local_file(b"data", name="README")
    with pytest.raises(TypeError):
        DocumentBase.build_local_file(123)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        DocumentBase.build_web_page(" ")
    with pytest.raises(ValueError):
        DocumentBase.build_image("")
