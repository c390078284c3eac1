"""The official `cozepy` client, unchanged, against the emulator's knowledge bases."""

from __future__ import annotations

import asyncio
import time
from typing import Any, List

from cozepy import (
    AsyncCoze,
    AsyncTokenAuth,
    Coze,
    DocumentBase,
    DocumentChunkStrategy,
    DocumentFormatType,
    DocumentSourceInfo,
    DocumentStatus,
    TokenAuth,
)

from cozekit.emulator import ThreadedEmulator

TEXT = "Opening hours: nine to five.\n\nReturns: within thirty days."


def _done(progress: List[Any]) -> bool:
    return all(p.status == DocumentStatus.COMPLETED for p in progress)


def test_create_upload_follow_progress_and_list(emu: ThreadedEmulator) -> None:
    coze = Coze(auth=TokenAuth(emu.token), base_url=emu.base_url)
    created = coze.datasets.create(
        name="cozepy kb", space_id=emu.workspace_id, format_type=DocumentFormatType.DOCUMENT
    )
    emu.control.configure_ingestion(hold=True)
    docs = coze.datasets.documents.create(
        dataset_id=created.dataset_id,
        document_bases=[DocumentBase(name="faq.txt", source_info=DocumentSourceInfo.build_local_file(TEXT))],
        chunk_strategy=DocumentChunkStrategy.build_custom(100, "\n\n"),
    )
    assert [(d.name, d.status) for d in docs] == [("faq.txt", DocumentStatus.PROCESSING)]
    ids = [d.document_id for d in docs]
    first = coze.datasets.process(dataset_id=created.dataset_id, document_ids=ids)
    assert [(p.status, p.progress) for p in first] == [(DocumentStatus.PROCESSING, 0)]
    emu.control.configure_ingestion(hold=False)
    deadline = time.monotonic() + 20  # hang guard only
    progress = first
    while not _done(progress) and time.monotonic() < deadline:
        time.sleep(0.01)
        progress = coze.datasets.process(dataset_id=created.dataset_id, document_ids=ids)
    assert [(p.document_name, p.status, p.progress) for p in progress] == [
        ("faq.txt", DocumentStatus.COMPLETED, 100)
    ]
    listed = list(coze.datasets.documents.list(dataset_id=created.dataset_id))
    assert [(d.document_id, d.slice_count, d.status) for d in listed] == [
        (ids[0], 1, DocumentStatus.COMPLETED)
    ]
    datasets = list(coze.datasets.list(space_id=emu.workspace_id))
    assert [(d.name, d.doc_count, d.file_list) for d in datasets] == [("cozepy kb", 1, ["faq.txt"])]


def test_async_client_and_cleanup(emu: ThreadedEmulator) -> None:
    async def main() -> None:
        coze = AsyncCoze(auth=AsyncTokenAuth(emu.token), base_url=emu.base_url)
        created = await coze.datasets.create(
            name="async kb", space_id=emu.workspace_id, format_type=DocumentFormatType.DOCUMENT
        )
        docs = await coze.datasets.documents.create(
            dataset_id=created.dataset_id,
            document_bases=[
                DocumentBase(name="a.txt", source_info=DocumentSourceInfo.build_local_file("hello"))
            ],
        )
        await coze.datasets.documents.update(document_id=docs[0].document_id, document_name="b.txt")
        listed = [d async for d in await coze.datasets.documents.list(dataset_id=created.dataset_id)]
        assert [d.name for d in listed] == ["b.txt"]
        await coze.datasets.documents.delete(document_ids=[docs[0].document_id])
        await coze.datasets.delete(dataset_id=created.dataset_id)
        assert [d async for d in await coze.datasets.list(space_id=emu.workspace_id)] == []

    asyncio.run(main())
