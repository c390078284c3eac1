"""Local files travel as base64 inside the JSON body, streamed chunk by chunk from disk."""

from __future__ import annotations

import base64
import json
import os
import tracemalloc
from pathlib import Path
from typing import Any, List

import httpx
import pytest

from cozekit import AsyncCoze, Coze, DocumentBase, DocumentSourceInfo, TokenAuth
from cozekit.resources._json_stream import READ_CHUNK, StreamedJSON, base64_chunks
from cozekit.resources.datasets.documents import _create
from cozekit.types.document import LocalDocumentFile
from fake_server import BASE, FakeServer, envelope, fake_client
from sync_or_async import NO_WAIT, run

MAX_PIECE = READ_CHUNK // 3 * 4


def _write(path: Path, size: int) -> bytes:
    data = os.urandom(size)
    path.write_bytes(data)
    return data


async def test_streamed_body_is_the_whole_files_base64(mode: str, tmp_path: Path) -> None:
    data = _write(tmp_path / "guide.pdf", 3 * READ_CHUNK + 2)
    rec = FakeServer(envelope(document_infos=[{"document_id": "1"}]))
    client = fake_client(mode, rec)
    bases = [
        DocumentBase.build_local_file(tmp_path / "guide.pdf"),
        DocumentBase.build_local_file(b"\x00\x01caf\xc3\xa9", name='名字 "q".TXT'),
        DocumentBase.build_local_file(str(tmp_path / "guide.pdf"), name="again", file_type="PDF"),
    ]
    await run(client.datasets.documents.create(dataset_id="d1", document_bases=bases))
    request = rec.last
    assert int(request.headers["content-length"]) == len(request.content)
    assert "transfer-encoding" not in request.headers
    body = json.loads(request.content)
    assert body["document_bases"] == [
        {
            "name": "guide.pdf",
            "source_info": {"file_type": "pdf", "file_base64": base64.b64encode(data).decode()},
        },
        {
            "name": '名字 "q".TXT',
            "source_info": {
                "file_type": "txt",
                "file_base64": base64.b64encode(b"\x00\x01caf\xc3\xa9").decode(),
            },
        },
        {
            "name": "again",
            "source_info": {"file_type": "pdf", "file_base64": base64.b64encode(data).decode()},
        },
    ]


@pytest.mark.parametrize("size", [0, 1, 2, 3, READ_CHUNK - 1, READ_CHUNK, READ_CHUNK + 1, 5 * READ_CHUNK + 4])
def test_base64_chunks_join_to_the_standard_encoding(tmp_path: Path, size: int) -> None:
    data = _write(tmp_path / "f", size)
    for source in (LocalDocumentFile(tmp_path / "f"), LocalDocumentFile(data)):
        pieces = list(base64_chunks(source))
        assert b"".join(pieces) == base64.b64encode(data)
        assert all(len(p) <= MAX_PIECE for p in pieces)
        assert source.base64_size == len(base64.b64encode(data))


class _ChunkTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Reads the request body as the network would, one chunk at a time, recording chunk sizes."""

    def __init__(self) -> None:
        self.sizes: List[int] = []
        self.body = b""

    def _record(self, chunk: bytes) -> None:
        self.sizes.append(len(chunk))
        self.body += chunk

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for chunk in request.stream:  # type: ignore[union-attr]
            self._record(chunk)
        return envelope(document_infos=[])

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        async for chunk in request.stream:  # type: ignore[union-attr]
            self._record(chunk)
        return envelope(document_infos=[])


async def test_the_body_reaches_the_transport_in_bounded_chunks(mode: str, tmp_path: Path) -> None:
    data = _write(tmp_path / "big.txt", 1024 * 1024 + 5)
    transport = _ChunkTransport()
    client: Any
    if mode == "sync":
        client = Coze(
            TokenAuth("t"), BASE, http_client=httpx.Client(transport=transport), retry_policy=NO_WAIT
        )
    else:
        client = AsyncCoze(TokenAuth("t"), BASE, http_client=httpx.AsyncClient(transport=transport))
    base = DocumentBase.build_local_file(tmp_path / "big.txt")
    await run(client.datasets.documents.create(dataset_id="d1", document_bases=[base]))
    assert json.loads(transport.body)["document_bases"][0]["source_info"]["file_base64"] == base64.b64encode(
        data
    ).decode("ascii")
    assert len(transport.sizes) > 20
    assert max(transport.sizes) <= MAX_PIECE


def test_streaming_a_large_file_never_holds_it_in_memory(tmp_path: Path) -> None:
    size = 8 * 1024 * 1024
    _write(tmp_path / "large.pdf", size)
    opts = _create("d1", [DocumentBase.build_local_file(tmp_path / "large.pdf")], None, 0, {})
    assert callable(opts.content)
    total = 0
    tracemalloc.start()
    try:
        for chunk in opts.content():
            total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == int(opts.headers["Content-Length"]) > size * 4 // 3
    assert peak < 1024 * 1024, f"peak {peak} bytes while streaming a {size}-byte file"


async def test_a_retried_upload_reads_the_file_again(mode: str, tmp_path: Path) -> None:
    data = _write(tmp_path / "a.txt", 100_000)
    rec = FakeServer(httpx.ConnectError("reset"), envelope(document_infos=[]))
    client = fake_client(mode, rec, retry_non_idempotent=True)
    base = DocumentBase.build_local_file(tmp_path / "a.txt")
    await run(client.datasets.documents.create(dataset_id="d1", document_bases=[base]))
    assert len(rec.requests) == 2
    encoded = base64.b64encode(data).decode()
    assert [
        json.loads(r.content)["document_bases"][0]["source_info"]["file_base64"] for r in rec.requests
    ] == [
        encoded,
        encoded,
    ]


@pytest.mark.parametrize("change", [b"more", None])
def test_a_file_that_changes_size_fails_the_upload(tmp_path: Path, change: Any) -> None:
    path = tmp_path / "a.txt"
    _write(path, 1000)
    base = DocumentBase.build_local_file(path)
    if change is None:
        path.write_bytes(b"short")
    else:
        with path.open("ab") as f:
            f.write(change)
    rec = FakeServer(envelope(document_infos=[]))
    with fake_client("sync", rec) as client, pytest.raises(OSError, match="changed size"):
        client.datasets.documents.create(dataset_id="d1", document_bases=[base])  # type: ignore[union-attr]


async def test_bodies_over_15_mb_are_refused_before_io(mode: str, tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as f:
        f.truncate(12 * 1024 * 1024)
    rec = FakeServer(envelope(document_infos=[]))
    client = fake_client(mode, rec)
    with pytest.raises(ValueError, match="15 MB"):
        await run(
            client.datasets.documents.create(
                dataset_id="d", document_bases=[DocumentBase.build_local_file(path)]
            )
        )
    assert rec.requests == []


def test_placeholders_cannot_be_forged_by_names() -> None:
    stream = StreamedJSON()
    marker = stream.placeholder(LocalDocumentFile(b"abc"))
    factory, length = stream.render({"a": marker, "name": "@@cozekit-file-0000000000000000-0@@"})
    body = b"".join(factory())
    assert len(body) == length
    assert json.loads(body) == {"a": "YWJj", "name": "@@cozekit-file-0000000000000000-0@@"}


def test_cozepy_style_source_info_encodes_text_now() -> None:
    info = DocumentSourceInfo.build_local_file("测试一下哦", "txt")
    assert info.file_base64 == "5rWL6K+V5LiA5LiL5ZOm" and info.file_type == "txt" and info.local_file is None


def test_local_file_can_still_be_read_whole(tmp_path: Path) -> None:
    data = _write(tmp_path / "x.docx", 10)
    base = DocumentBase.build_local_file(tmp_path / "x.docx")
    assert base.source_info.local_file is not None
    assert base.source_info.local_file.read_base64() == base64.b64encode(data).decode()
    assert base.source_info.file_base64 is None and base.source_info.file_type == "docx"
