"""Every knowledge operation through cozekit (sync and async) against the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import httpx
import pytest

from cozekit import CozeAPIError, DocumentProcessingError
from cozekit.emulator import ThreadedEmulator
from cozekit.types.dataset import DocumentProgress
from cozekit.types.document import DocumentBase, DocumentChunkStrategy, DocumentStatus, DocumentUpdateRule
from sync_or_async import Client, collect, run

from .conftest import POLL
from .kb_files import make_docx, make_pdf, make_png

WS = ThreadedEmulator.workspace_id


async def new_dataset(client: Client, name: str = "Handbook", format_type: int = 0) -> str:
    created = await run(client.datasets.create(name=name, space_id=WS, format_type=format_type))
    return str(created.dataset_id)


async def test_dataset_crud(client: Client) -> None:
    text_id = await new_dataset(client, "Product FAQ")
    image_id = await new_dataset(client, "Photos", 2)
    await run(client.datasets.update(dataset_id=text_id, name="Product FAQ v2", description="answers"))
    everything = await collect(client.datasets.list(space_id=WS, page_size=1))
    assert [d.dataset_id for d in everything] == [image_id, text_id]  # newest first, one per page
    found = await collect(client.datasets.list(space_id=WS, name="faq"))
    assert [(d.name, d.description, d.format_type) for d in found] == [("Product FAQ v2", "answers", 0)]
    images = await collect(client.datasets.list(space_id=WS, format_type=2))
    assert [d.dataset_id for d in images] == [image_id]
    await run(client.datasets.delete(dataset_id=text_id))
    assert [d.dataset_id for d in await collect(client.datasets.list(space_id=WS))] == [image_id]
    with pytest.raises(CozeAPIError) as err:
        await run(client.datasets.update(dataset_id=text_id, name="gone"))
    assert err.value.code == 4200


async def test_documents_lifecycle_with_progress(client: Client) -> None:
    ds = await new_dataset(client)
    strategy = DocumentChunkStrategy.build_custom(100, "\n\n")
    body = "\n\n".join(f"Paragraph {i} talks about topic number {i} at some length." for i in range(6))
    docs = await run(
        client.datasets.documents.create(
            dataset_id=ds,
            document_bases=[DocumentBase.build_local_file(body.encode(), name="notes.txt")],
            chunk_strategy=strategy,
        )
    )
    assert [(d.name, d.status, d.type, d.size) for d in docs] == [
        ("notes.txt", DocumentStatus.PROCESSING, "txt", len(body))
    ]
    seen: List[List[DocumentProgress]] = []
    final = await run(
        client.datasets.wait_for_processing(dataset_id=ds, document_ids=docs, on_progress=seen.append, **POLL)
    )
    assert [(p.status, p.progress, p.document_name) for p in final] == [
        (DocumentStatus.COMPLETED, 100, "notes.txt")
    ]
    assert seen and seen[-1][0].progress == 100
    listed = await collect(client.datasets.documents.list(dataset_id=ds))
    assert [(d.document_id, d.slice_count, d.char_count) for d in listed] == [
        (docs[0].document_id, 6, sum(len(p) for p in body.split("\n\n")))
    ]
    assert listed[0].chunk_strategy is not None and listed[0].chunk_strategy.separator == "\n\n"
    [progress] = await run(client.datasets.process(dataset_id=ds, document_ids=docs))
    assert httpx.get(progress.url).content == body.encode()
    rule = DocumentUpdateRule.build_auto_update(24)
    with pytest.raises(CozeAPIError):  # a refresh rule is for web pages
        await run(client.datasets.documents.update(document_id=docs[0].document_id, update_rule=rule))
    updated = await run(
        client.datasets.documents.update(document_id=docs[0].document_id, document_name="n.txt")
    )
    assert updated.document_info is not None and updated.document_info.name == "n.txt"
    await run(client.datasets.documents.delete(document_ids=docs))
    assert await collect(client.datasets.documents.list(dataset_id=ds)) == []
    [dataset] = await collect(client.datasets.list(space_id=WS))
    assert (dataset.doc_count, dataset.slice_count) == (0, 0)


async def test_progress_while_processing_is_held(client: Client, emu: ThreadedEmulator) -> None:
    ds = await new_dataset(client)
    emu.control.configure_ingestion(hold=True)
    docs = await run(
        client.datasets.documents.create(
            dataset_id=ds, document_bases=[DocumentBase.build_local_file(b"held text", name="h.txt")]
        )
    )
    [progress] = await run(client.datasets.process(dataset_id=ds, document_ids=docs))
    assert (progress.status, progress.progress, progress.document_id) == (
        DocumentStatus.PROCESSING,
        0,
        docs[0].document_id,
    )
    [dataset] = await collect(client.datasets.list(space_id=WS))
    assert dataset.processing_file_list == ["h.txt"]
    emu.control.configure_ingestion(hold=False)
    [done] = await run(client.datasets.wait_for_processing(dataset_id=ds, document_ids=docs, **POLL))
    assert (done.status, done.progress) == (DocumentStatus.COMPLETED, 100)


async def test_progress_only_climbs(client: Client, emu: ThreadedEmulator) -> None:
    ds = await new_dataset(client)
    emu.control.configure_ingestion(hold=True, step_delay_ms=10)
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(30))
    docs = await run(
        client.datasets.documents.create(
            dataset_id=ds, document_bases=[DocumentBase.build_local_file(text.encode(), name="long.txt")]
        )
    )
    values: List[int] = []

    def on_progress(progress: List[DocumentProgress]) -> None:
        values.append(progress[0].progress)
        if len(values) == 1:  # the first poll saw the held document: let it go
            emu.control.configure_ingestion(hold=False)

    await run(
        client.datasets.wait_for_processing(dataset_id=ds, document_ids=docs, on_progress=on_progress, **POLL)
    )
    assert values[0] == 0 and values[-1] == 100
    assert values == sorted(values)


async def test_pdf_docx_markdown_and_csv(client: Client, tmp_path: Path) -> None:
    ds = await new_dataset(client)
    pdf = tmp_path / "guide.pdf"
    pdf.write_bytes(make_pdf(["The warranty lasts two years"]))
    bases = [
        DocumentBase.build_local_file(str(pdf)),
        DocumentBase.build_local_file(make_docx(["Support is open on Sundays"]), name="support.docx"),
        DocumentBase.build_local_file(b"# Title\n\nMarkdown text", name="readme.md"),
        DocumentBase.build_local_file(b"city,zip\nParis,75001\n", name="zips.csv"),
    ]
    docs = await run(client.datasets.documents.create(dataset_id=ds, document_bases=bases))
    await run(client.datasets.wait_for_processing(dataset_id=ds, document_ids=docs, **POLL))
    listed = {d.name: d for d in await collect(client.datasets.documents.list(dataset_id=ds))}
    assert {name: (d.type, d.char_count) for name, d in listed.items()} == {
        "guide.pdf": ("pdf", len("The warranty lasts two years")),
        "support.docx": ("docx", len("Support is open on Sundays")),
        "readme.md": ("md", len("# Title\nMarkdown text")),
        "zips.csv": ("csv", len("city: Paris; zip: 75001")),
    }


async def test_a_broken_file_fails_with_a_description(client: Client) -> None:
    ds = await new_dataset(client)
    docs = await run(
        client.datasets.documents.create(
            dataset_id=ds, document_bases=[DocumentBase.build_local_file(b"%PDF-broken", name="bad.pdf")]
        )
    )
    with pytest.raises(DocumentProcessingError) as err:
        await run(client.datasets.wait_for_processing(dataset_id=ds, document_ids=docs, **POLL))
    assert err.value.document_name == "bad.pdf" and "PDF cannot be read" in err.value.status_descript
    [dataset] = await collect(client.datasets.list(space_id=WS))
    assert dataset.failed_file_list == ["bad.pdf"]


async def test_web_pages_come_from_the_control_plane(client: Client, emu: ThreadedEmulator) -> None:
    emu.control.register_web_page(
        "https://shop.example/returns", "<h1>Returns</h1><p>Free within 30 days.</p>"
    )
    ds = await new_dataset(client)
    rule = DocumentUpdateRule.build_auto_update(48)
    page = DocumentBase(
        **{**DocumentBase.build_web_page("https://shop.example/returns").model_dump(), "update_rule": rule}
    )
    docs = await run(client.datasets.documents.create(dataset_id=ds, document_bases=[page]))
    [done] = await run(client.datasets.wait_for_processing(dataset_id=ds, document_ids=docs, **POLL))
    assert (done.url, done.update_type, done.update_interval) == ("https://shop.example/returns", 1, 48)
    [listed] = await collect(client.datasets.documents.list(dataset_id=ds))
    assert (listed.source_type, listed.char_count) == (1, len("Returns\nFree within 30 days."))
    unknown = await run(
        client.datasets.documents.create(
            dataset_id=ds, document_bases=[DocumentBase.build_web_page("https://nowhere.example")]
        )
    )
    with pytest.raises(DocumentProcessingError, match="never uses the network"):
        await run(client.datasets.wait_for_processing(dataset_id=ds, document_ids=unknown, **POLL))


async def test_images_and_captions(client: Client, tmp_path: Path) -> None:
    ds = await new_dataset(client, "Pets", 2)
    (tmp_path / "cat.png").write_bytes(make_png(6, 4))
    (tmp_path / "dog.png").write_bytes(make_png(2, 2))
    cat = await run(client.files.upload(file=str(tmp_path / "cat.png")))
    dog = await run(client.files.upload(file=str(tmp_path / "dog.png")))
    docs = await run(
        client.datasets.documents.create(
            dataset_id=ds,
            format_type=2,
            document_bases=[
                DocumentBase.build_image(cat.id, name="cat.png"),
                DocumentBase.build_image(dog.id, name="dog.png", caption="a happy dog"),
            ],
        )
    )
    await run(client.datasets.wait_for_processing(dataset_id=ds, document_ids=docs, **POLL))
    photos = await collect(client.datasets.images.list(dataset_id=ds))
    assert [(p.name, p.caption, p.type, p.size) for p in photos] == [
        ("cat.png", "A 6x4 PNG image: cat", "png", cat.bytes),
        ("dog.png", "a happy dog", "png", dog.bytes),
    ]
    await run(
        client.datasets.images.update(dataset_id=ds, document_id=docs[0].document_id, caption="a grumpy cat")
    )
    grumpy = await collect(client.datasets.images.list(dataset_id=ds, keyword="grumpy"))
    assert [p.document_id for p in grumpy] == [docs[0].document_id]
    assert await collect(client.datasets.images.list(dataset_id=ds, has_caption=False)) == []
    assert httpx.get(photos[0].url).content == (tmp_path / "cat.png").read_bytes()


async def test_server_side_errors(client: Client) -> None:
    ds = await new_dataset(client)
    with pytest.raises(CozeAPIError) as wrong_kind:
        await run(
            client.datasets.documents.create(
                dataset_id=ds, format_type=2, document_bases=[DocumentBase.build_image("123", name="x")]
            )
        )
    assert wrong_kind.value.code == 4000
    with pytest.raises(CozeAPIError) as missing:
        await run(client.datasets.process(dataset_id=ds, document_ids=["42"]))
    assert missing.value.code == 4200
    with pytest.raises(CozeAPIError) as unsupported:
        await run(
            client.datasets.documents.create(
                dataset_id=ds, document_bases=[DocumentBase.build_local_file(b"x", name="a.exe")]
            )
        )
    assert unsupported.value.code == 4000 and "not supported" in unsupported.value.msg


def _doc(name: str) -> Any:
    return {"name": name, "source_info": {"file_base64": "aGk=", "file_type": "txt"}}


def test_limits_and_agw_js_conv_over_raw_http(raw: Any) -> None:
    ds = raw.post("/v1/datasets", json={"name": "Raw", "space_id": WS, "format_type": 0}).json()["data"][
        "dataset_id"
    ]
    create = "/open_api/knowledge/document/create"
    eleven = {"dataset_id": ds, "document_bases": [_doc(str(i)) for i in range(11)], "chunk_strategy": {}}
    too_many = raw.post(create, json=eleven, headers={"Agw-Js-Conv": "str"}).json()
    assert (too_many["code"], "at most 10" in too_many["msg"]) == (4000, True)
    one = {"dataset_id": int(ds), "document_bases": [_doc("a.txt")], "chunk_strategy": {"chunk_type": 0}}
    as_strings = raw.post(create, json=one, headers={"Agw-Js-Conv": "str"}).json()
    assert isinstance(as_strings["document_infos"][0]["document_id"], str)
    as_numbers = raw.post(create, json=one).json()
    assert isinstance(as_numbers["document_infos"][0]["document_id"], int)
    listed = raw.post(
        "/open_api/knowledge/document/list", json={"dataset_id": ds, "page": 0, "size": 10}
    ).json()
    assert listed["total"] == 2 and all(isinstance(d["document_id"], int) for d in listed["document_infos"])
    bad_size = {**one, "chunk_strategy": {"chunk_type": 1, "separator": "#", "max_tokens": 5}}
    assert raw.post(create, json=bad_size).json()["code"] == 4000
    hundred_one = {"document_ids": [str(i) for i in range(101)]}
    assert "at most 100" in raw.post("/open_api/knowledge/document/delete", json=hundred_one).json()["msg"]
    configured = raw.patch("/_emulator/config", json={"max_body_bytes": 2000}).json()
    assert configured["code"] == 0
    big = {**one, "document_bases": [{**_doc("big.txt"), "source_info": {"file_base64": "eA==" * 1000}}]}
    too_big = raw.post(create, json=big)
    assert (too_big.status_code, too_big.json()["code"]) == (413, 4000)
    long_name = raw.post("/v1/datasets", json={"name": "n" * 101, "space_id": WS, "format_type": 0}).json()
    assert long_name["code"] == 4000
