"""Wire format of every knowledge-base endpoint (sync and async): method, path, query, body, the
`Agw-Js-Conv: str` header on exactly the four document endpoints, envelopes and pagers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cozekit import (
    BadRequestError,
    DocumentBase,
    DocumentChunkStrategy,
    DocumentFormatType,
    DocumentStatus,
    DocumentUpdateRule,
    DocumentUpdateType,
    PhotoStatus,
)
from fake_server import FakeServer, envelope, fake_client
from sync_or_async import collect, run

DOC = {
    "document_id": "7386942056030100001",
    "name": "Coze.pdf",
    "size": "14164",
    "type": "pdf",
    "status": 1,
    "source_type": None,
    "update_type": None,
    "create_time": 1719907964,
    "update_time": "1719907969",
    "chunk_strategy": {"chunk_type": 1, "max_tokens": 800, "separator": "\n\n"},
}


def _agw(request: Any) -> str:
    return str(request.headers.get("agw-js-conv", ""))


async def test_create_dataset(mode: str) -> None:
    rec = FakeServer(envelope({"dataset_id": "744668935865830001"}))
    client = fake_client(mode, rec)
    resp = await run(
        client.datasets.create(
            name="产品文档", space_id="731", format_type=DocumentFormatType.IMAGE, icon_file_id="f1"
        )
    )
    assert resp.dataset_id == "744668935865830001" and resp.logid == "logid-1"
    req = rec.last
    assert (req.method, req.url.path) == ("POST", "/v1/datasets")
    assert rec.body() == {"name": "产品文档", "space_id": "731", "format_type": 2, "file_id": "f1"}
    assert _agw(req) == ""


async def test_list_datasets_pages_with_total_count(mode: str) -> None:
    page1 = envelope({"total_count": 3, "dataset_list": [{"dataset_id": "1", "all_file_size": "0"}] * 2})
    page2 = envelope({"total_count": 3, "dataset_list": [{"dataset_id": 3, "status": 3}]})
    rec = FakeServer(page1, page2)
    client = fake_client(mode, rec)
    items = await collect(client.datasets.list(space_id="s1", name="kb", format_type=0, page_size=2))
    assert [d.dataset_id for d in items] == ["1", "1", "3"]
    assert items[2].status == 3 and items[0].all_file_size == 0
    assert [dict(r.url.params) for r in rec.requests] == [
        {"space_id": "s1", "name": "kb", "format_type": "0", "page_num": str(n), "page_size": "2"}
        for n in (1, 2)
    ]
    assert all(r.method == "GET" and r.url.path == "/v1/datasets" and not _agw(r) for r in rec.requests)


async def test_update_and_delete_dataset(mode: str) -> None:
    rec = FakeServer(envelope())
    client = fake_client(mode, rec)
    await run(client.datasets.update(dataset_id="d/1", name="AI", description="about AI"))
    assert (rec.last.method, rec.last.url.raw_path) == ("PUT", b"/v1/datasets/d%2F1")
    assert rec.body() == {"name": "AI", "description": "about AI"}
    res = await run(client.datasets.delete(dataset_id="d1"))
    assert (rec.last.method, rec.last.url.path, rec.last.content) == ("DELETE", "/v1/datasets/d1", b"")
    assert res.logid == "logid-1"


async def test_process_reads_data_data(mode: str) -> None:
    progress = {"document_id": 744667080521909, "status": 9, "progress": "40", "status_descript": "bad pdf"}
    rec = FakeServer(envelope({"data": [progress]}))
    client = fake_client(mode, rec)
    result = await run(client.datasets.process(dataset_id="d1", document_ids=["a", 7]))
    assert (rec.last.method, rec.last.url.path) == ("POST", "/v1/datasets/d1/process")
    assert rec.body() == {"document_ids": ["a", "7"]}
    assert result[0].document_id == "744667080521909" and result[0].status == DocumentStatus.FAILED
    assert result[0].progress == 40 and result.logid == "logid-1"


async def test_create_documents_web_pages(mode: str) -> None:
    rec = FakeServer(envelope(document_infos=[DOC]))
    client = fake_client(mode, rec)
    docs = await run(
        client.datasets.documents.create(
            dataset_id="d1",
            document_bases=[DocumentBase.build_web_page("https://example.com/a", interval=24)],
            chunk_strategy=DocumentChunkStrategy.build_custom(800, "\n\n", remove_extra_spaces=True),
        )
    )
    req = rec.last
    assert (req.method, req.url.path, _agw(req)) == ("POST", "/open_api/knowledge/document/create", "str")
    assert req.headers["content-type"] == "application/json"
    assert int(req.headers["content-length"]) == len(req.content)
    assert rec.body() == {
        "dataset_id": "d1",
        "document_bases": [
            {
                "name": "https://example.com/a",
                "source_info": {"web_url": "https://example.com/a", "document_source": 1},
                "update_rule": {"update_type": 1, "update_interval": 24},
            }
        ],
        "chunk_strategy": {
            "chunk_type": 1,
            "separator": "\n\n",
            "max_tokens": 800,
            "remove_extra_spaces": True,
            "remove_urls_emails": False,
        },
        "format_type": 0,
    }
    doc = docs[0]
    assert (doc.document_id, doc.size, doc.update_time, doc.source_type) == (
        DOC["document_id"],
        14164,
        1719907969,
        None,
    )
    assert doc.status == DocumentStatus.COMPLETED and doc.logid == "logid-1"


async def test_create_image_documents_default_to_automatic_captions(mode: str) -> None:
    rec = FakeServer(envelope(document_infos=[]))
    client = fake_client(mode, rec)
    images = [
        DocumentBase.build_image("744667846938145", name="cat", caption="a cat"),
        DocumentBase.build_image(9),
    ]
    await run(client.datasets.documents.create(dataset_id="d2", document_bases=images, format_type=2))
    body = rec.body()
    assert body["format_type"] == 2 and body["chunk_strategy"] == {"caption_type": 0}
    assert body["document_bases"] == [
        {
            "name": "cat",
            "source_info": {"source_file_id": "744667846938145", "document_source": 5},
            "caption": "a cat",
        },
        {"name": "9", "source_info": {"source_file_id": "9", "document_source": 5}},
    ]


async def test_create_documents_default_chunking_and_extra_body(mode: str) -> None:
    rec = FakeServer(envelope(document_infos=[]))
    client = fake_client(mode, rec)
    bases = [{"name": "raw", "source_info": {"file_base64": "aGk=", "file_type": "txt"}}]
    await run(client.datasets.documents.create(dataset_id="d1", document_bases=bases, extra_body={"x": 1}))
    body = rec.body()
    assert body["chunk_strategy"] == {"chunk_type": 0} and body["x"] == 1
    assert body["document_bases"] == bases


async def test_update_document(mode: str) -> None:
    rec = FakeServer(envelope(), envelope(document_info=DOC))
    client = fake_client(mode, rec)
    res = await run(
        client.datasets.documents.update(
            document_id="doc1",
            document_name="overview",
            update_rule=DocumentUpdateRule.build_no_auto_update(),
        )
    )
    req = rec.last
    assert (req.method, req.url.path, _agw(req)) == ("POST", "/open_api/knowledge/document/update", "str")
    assert rec.body() == {
        "document_id": "doc1",
        "document_name": "overview",
        "update_rule": {"update_type": 0, "update_interval": 24},
    }
    assert res.document_info is None and res.logid == "logid-1"
    res = await run(client.datasets.documents.update(document_id="doc1", document_name="x"))
    assert rec.body() == {"document_id": "doc1", "document_name": "x"}
    assert res.document_info is not None and res.document_info.document_id == DOC["document_id"]


async def test_delete_documents(mode: str) -> None:
    rec = FakeServer(envelope())
    client = fake_client(mode, rec)
    res = await run(client.datasets.documents.delete(document_ids=["1", "2"]))
    req = rec.last
    assert (req.method, req.url.path, _agw(req)) == ("POST", "/open_api/knowledge/document/delete", "str")
    assert rec.body() == {"document_ids": ["1", "2"]} and res.logid == "logid-1"


async def test_list_documents_sends_page_and_size_and_reads_top_level(mode: str) -> None:
    docs = [dict(DOC, document_id=str(i)) for i in range(3)]
    rec = FakeServer(envelope(document_infos=docs[:2], total="3"), envelope(document_infos=docs[2:], total=3))
    client = fake_client(mode, rec)
    pager = client.datasets.documents.list(dataset_id="d1", page_size=2)
    items = await collect(pager)
    assert [d.document_id for d in items] == ["0", "1", "2"]
    assert [json.loads(r.content) for r in rec.requests] == [
        {"dataset_id": "d1", "page": 1, "size": 2},
        {"dataset_id": "d1", "page": 2, "size": 2},
    ]
    assert all(_agw(r) == "str" and r.url.path == "/open_api/knowledge/document/list" for r in rec.requests)


async def test_list_documents_first_page_and_total(mode: str) -> None:
    rec = FakeServer(envelope(document_infos=[DOC], total=1))
    client = fake_client(mode, rec)
    pager = await run(client.datasets.documents.list(dataset_id="d1"))
    assert pager.total == 1 and pager.has_more is False and pager.items[0].name == "Coze.pdf"
    assert rec.body() == {"dataset_id": "d1", "page": 1, "size": 10}


async def test_list_images(mode: str) -> None:
    photo = {"document_id": "p1", "status": 1, "caption": "小猫", "source_type": 5, "create_time": 1733815232}
    rec = FakeServer(envelope({"total_count": 1, "photo_infos": [photo]}))
    client = fake_client(mode, rec)
    items = await collect(
        client.datasets.images.list(dataset_id="d2", keyword="猫", has_caption=True, page_size=5)
    )
    assert len(items) == 1 and items[0].status == PhotoStatus.COMPLETED and items[0].caption == "小猫"
    req = rec.last
    assert (req.method, req.url.path, _agw(req)) == ("GET", "/v1/datasets/d2/images", "")
    assert dict(req.url.params) == {"page_num": "1", "page_size": "5", "keyword": "猫", "has_caption": "true"}


async def test_update_image_caption(mode: str) -> None:
    rec = FakeServer(envelope())
    client = fake_client(mode, rec)
    await run(client.datasets.images.update(dataset_id="d2", document_id="p1", caption="小猫"))
    req = rec.last
    assert (req.method, req.url.path, _agw(req)) == ("PUT", "/v1/datasets/d2/images/p1", "")
    assert rec.body() == {"caption": "小猫"}


async def test_errors_are_typed(mode: str) -> None:
    client = fake_client(
        mode,
        FakeServer(envelope(code=4000, msg="Request parameter error", headers={"x-tt-logid": "logid-err"})),
    )
    with pytest.raises(BadRequestError) as info:
        await run(client.datasets.documents.delete(document_ids=["1"]))
    assert info.value.code == 4000 and info.value.logid == "logid-err"


def test_update_rule_types() -> None:
    assert DocumentUpdateRule.build_auto_update(48).update_type == DocumentUpdateType.AUTO_UPDATE
