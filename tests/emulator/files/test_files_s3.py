"""Uploaded files in an S3-compatible bucket (`--files-url s3://bucket/prefix`), end to end: the SDK (sync
and async) over real sockets against emulators whose blob store is a bucket on a moto server on loopback.

Two emulators sharing one database and one bucket (as two hosts would) see each other's files: a file
uploaded through one becomes a knowledge document through the other, whose ingestion reads its bytes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Dict, List

import httpx
import pytest
from starlette.requests import ClientDisconnect
from typer.testing import CliRunner

import cozekit.emulator.server as server
from cozekit import Coze, CozeAPIError, TokenAuth
from cozekit.cli import app as cli_app
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.app import create_app
from cozekit.emulator.core.blobs_s3 import PART
from cozekit.emulator.core.config import EmulatorConfig
from cozekit.types.document import DocumentBase
from sync_or_async import MODES, Client, collect, open_client, run

from ..child_emulator import child_emulator
from ..knowledge.kb_files import make_png
from .conftest import Bucket
from .test_blobs_s3 import open_under
from .test_upload_memory import status_kib
from .test_upload_stream import BOUNDARY, Body, ignore, part_head, stalling_receive, upload_scope

MB = 1024 * 1024
PREFIX = "coze/files/"
WS = ThreadedEmulator.workspace_id
POLL = {"poll_interval": 0.01, "poll_timeout": 20.0}


def s3_config(bucket: Bucket, **kw: Any) -> EmulatorConfig:
    return EmulatorConfig(files_url=bucket.url(PREFIX), s3_endpoint_url=bucket.endpoint, **kw)


@pytest.fixture
def emu(bucket: Bucket, tmp_path: Path) -> Iterator[ThreadedEmulator]:
    with ThreadedEmulator(s3_config(bucket), data_dir=str(tmp_path / "host-a")) as emulator:
        yield emulator


def blob_files(data_dir: Path) -> List[str]:
    """Files under a data dir's blob store: none, when the bytes live in the bucket."""
    return [str(p) for p in (data_dir / "files").rglob("*") if p.is_file()]


async def photo_documents(client: Client, file_ids: List[str]) -> List[Any]:
    """An image knowledge base holding the uploaded files, processed: each document's ingestion has read
    its file's bytes (the caption names the PNG's size)."""
    ds = await run(client.datasets.create(name="Photos", space_id=WS, format_type=2))
    bases = [DocumentBase.build_image(file_id, name=f"{file_id}.png") for file_id in file_ids]
    created = client.datasets.documents.create(dataset_id=ds.dataset_id, format_type=2, document_bases=bases)
    docs = await run(created)
    await run(client.datasets.wait_for_processing(dataset_id=ds.dataset_id, document_ids=docs, **POLL))
    return await collect(client.datasets.images.list(dataset_id=ds.dataset_id))


@pytest.mark.parametrize("mode", MODES)
async def test_uploads_and_documents_live_in_the_bucket(
    mode: str, emu: ThreadedEmulator, bucket: Bucket, tmp_path: Path
) -> None:
    png = make_png(6, 4)
    (tmp_path / "cat.png").write_bytes(png)
    big = os.urandom(9 * MB)  # over one part: a multipart upload
    (tmp_path / "big.zip").write_bytes(big)
    text = "Refunds take five days.\n" * 5000
    async with open_client(mode, emu.base_url, emu.token) as client:
        cat = await run(client.files.upload(file=str(tmp_path / "cat.png")))
        large = await run(client.files.upload(file=str(tmp_path / "big.zip")))
        assert (cat.bytes, large.bytes) == (len(png), len(big))
        got = await run(client.files.retrieve(file_id=cat.id))
        assert (got.id, got.file_name, got.bytes) == (cat.id, "cat.png", len(png))
        assert bucket.get(f"{PREFIX}file/{cat.id}") == png and bucket.get(f"{PREFIX}file/{large.id}") == big

        (photo,) = await photo_documents(client, [cat.id])
        assert photo.caption == f"A 6x4 PNG image: {cat.id}" and photo.size == len(png)
        assert httpx.get(photo.url).content == png  # the download streams from the bucket

        ds = await run(client.datasets.create(name="Handbook", space_id=WS, format_type=0))
        (doc,) = await run(
            client.datasets.documents.create(
                dataset_id=ds.dataset_id,
                document_bases=[DocumentBase.build_local_file(text.encode(), name="faq.txt")],
            )
        )
        (done,) = await run(
            client.datasets.wait_for_processing(dataset_id=ds.dataset_id, document_ids=[doc], **POLL)
        )
        assert bucket.get(f"{PREFIX}kdoc/{doc.document_id}") == text.encode()
        answer = httpx.get(done.url)
        assert answer.headers["content-type"].startswith("text/plain") and answer.content == text.encode()
        await run(client.datasets.documents.delete(document_ids=[doc.document_id]))
        assert f"{PREFIX}kdoc/{doc.document_id}" not in bucket.objects()
    assert blob_files(tmp_path / "host-a") == []  # nothing under the data dir, no spool left over
    assert bucket.multipart_uploads() == []


def test_a_chunked_upload_past_the_limit_stops_and_leaves_nothing(
    emu: ThreadedEmulator, bucket: Bucket, tmp_path: Path
) -> None:
    emu.control.configure(max_upload_bytes=MB)
    body = Body(part_head(), 8 * MB)  # no Content-Length: only the running count can stop it
    with httpx.Client(base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.token}"}) as http:
        resp = http.post(
            "/v1/files/upload",
            content=body.chunks(),
            headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
    assert resp.status_code == 413 and resp.json()["code"] == 4302
    assert bucket.objects() == [] and bucket.multipart_uploads() == []
    spool = tmp_path / "host-a" / "files" / "tmp"
    assert open_under(spool) == 0 and blob_files(tmp_path / "host-a") == []


@pytest.mark.parametrize("leaving", ["disconnect", "cancel"])
async def test_an_upload_the_client_leaves_or_that_is_canceled_leaves_nothing(
    leaving: str, bucket: Bucket, tmp_path: Path
) -> None:
    """Past its in-memory part, the spool is a file under the data dir; a client gone mid-upload, or the
    request canceled, closes it in a worker thread (the loop guard is on: on the loop, it would raise)."""
    app = await asyncio.to_thread(create_app, s3_config(bucket), data_dir=str(tmp_path / "host-a"))
    spool = tmp_path / "host-a" / "files" / "tmp"
    try:
        assert app.state.emulator.blobs.loop_guard
        body = Body(part_head(), 64 * MB)
        spilled: List[int] = []
        stalled = asyncio.Event()

        async def leave() -> Dict[str, Any]:
            spilled.append(open_under(spool))
            if leaving == "disconnect":
                return {"type": "http.disconnect"}
            stalled.set()
            await asyncio.Event().wait()
            raise AssertionError("unreachable")  # pragma: no cover

        task = asyncio.ensure_future(app(upload_scope(body), stalling_receive(body, 40, leave), ignore))
        if leaving == "cancel":
            await stalled.wait()
            task.cancel()
        with contextlib.suppress(ClientDisconnect, asyncio.CancelledError):
            await task
        assert task.done() and spilled == [1]  # the upload had spilled to disk when it was left
        assert open_under(spool) == 0 and blob_files(tmp_path / "host-a") == []
        assert bucket.objects() == [] and bucket.multipart_uploads() == []
    finally:
        await asyncio.to_thread(app.state.emulator.store.close)
        await asyncio.to_thread(app.state.emulator.blobs.close)


@pytest.mark.parametrize("mode", MODES)
async def test_reset_empties_the_prefix_and_nothing_else(
    mode: str, emu: ThreadedEmulator, bucket: Bucket, tmp_path: Path
) -> None:
    bucket.client.put_object(Bucket=bucket.name, Key="other-team/file/1", Body=b"not ours")
    (tmp_path / "a.txt").write_text("alpha")
    async with open_client(mode, emu.base_url, emu.token) as client:
        up = await run(client.files.upload(file=str(tmp_path / "a.txt")))
        assert bucket.objects(PREFIX) == [f"{PREFIX}file/{up.id}"]
        emu.reset()
        assert bucket.objects() == ["other-team/file/1"]
        with pytest.raises(CozeAPIError) as gone:
            await run(client.files.retrieve(file_id=up.id))
        assert gone.value.code == 4200
        again = await run(client.files.upload(file=str(tmp_path / "a.txt")))
    assert bucket.objects(PREFIX) == [f"{PREFIX}file/{again.id}"]


@pytest.fixture
def host_b(bucket: Bucket, tmp_path: Path) -> Iterator[str]:
    """A second emulator in its own processes (`python -m cozekit.emulator --workers 2`, as another host
    would run it) on the database and bucket of `shared_a`; yields its base URL."""
    args = ["--data-dir", str(tmp_path / "host-b")]
    args += ["--database-url", f"sqlite:///{tmp_path / 'shared.db'}"]
    args += ["--files-url", bucket.url(PREFIX), "--s3-endpoint-url", bucket.endpoint]
    env = {**os.environ, "COZEKIT_EMULATOR_OPENAI_BASE_URL": "", "COZEKIT_EMULATOR_FILES_URL": ""}
    with child_emulator(args, tmp_path / "host-b.log", env) as base:
        yield base


@pytest.fixture
def shared_a(bucket: Bucket, tmp_path: Path) -> Iterator[ThreadedEmulator]:
    config = s3_config(bucket, database_url=f"sqlite:///{tmp_path / 'shared.db'}")
    with ThreadedEmulator(config, data_dir=str(tmp_path / "host-a")) as emulator:
        yield emulator


async def test_a_second_host_sees_the_files_of_the_first(
    shared_a: ThreadedEmulator, host_b: str, bucket: Bucket, tmp_path: Path
) -> None:
    """Host A through `Coze`, host B through `AsyncCoze` (one run covers both clients: B starts slowly)."""
    png_a, png_b = make_png(6, 4), make_png(3, 9)
    (tmp_path / "cat.png").write_bytes(png_a)
    (tmp_path / "dog.png").write_bytes(png_b)
    async with (
        open_client("sync", shared_a.base_url, shared_a.token) as on_a,
        open_client("async", host_b, shared_a.token) as on_b,
    ):
        cat = await run(on_a.files.upload(file=str(tmp_path / "cat.png")))
        dog = await run(on_b.files.upload(file=str(tmp_path / "dog.png")))
        assert (await run(on_b.files.retrieve(file_id=cat.id))).bytes == len(png_a)
        # host B processes A's upload (its ingestion reads the bytes), and A processes B's
        (photo_on_b,) = await photo_documents(on_b, [cat.id])
        (photo_on_a,) = await photo_documents(on_a, [dog.id])
    assert photo_on_b.caption == f"A 6x4 PNG image: {cat.id}"
    assert photo_on_a.caption == f"A 3x9 PNG image: {dog.id}"
    assert httpx.get(photo_on_b.url).content == png_a  # served by B from the bucket
    assert httpx.get(photo_on_a.url).content == png_b  # served by A
    assert bucket.objects(PREFIX) == sorted([f"{PREFIX}file/{cat.id}", f"{PREFIX}file/{dog.id}"])
    assert blob_files(tmp_path / "host-a") == [] and blob_files(tmp_path / "host-b") == []


@pytest.mark.parametrize("how", ["options", "environment"])
def test_serve_hands_the_files_url_to_every_worker(
    how: str, bucket: Bucket, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`cozekit serve --files-url ... --s3-endpoint-url ...` (or COZEKIT_EMULATOR_FILES_URL and
    AWS_ENDPOINT_URL): the banner says where the files are, and each worker process stores in the bucket."""
    served: List[Any] = []
    monkeypatch.setattr(server.uvicorn, "run", lambda app, **kw: served.append((app, kw)))
    monkeypatch.setenv(server.WORKER_SETTINGS_ENV, "")  # restored after the test
    args = ["serve", "--workers", "2", "--data-dir", str(tmp_path)]
    if how == "options":
        args += ["--files-url", bucket.url(PREFIX), "--s3-endpoint-url", bucket.endpoint]
    else:
        monkeypatch.setenv("COZEKIT_EMULATOR_FILES_URL", bucket.url(PREFIX))
        monkeypatch.setenv("AWS_ENDPOINT_URL", bucket.endpoint)  # boto3's own setting
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    assert f"files in {bucket.url(PREFIX)}, 2 workers)" in result.stdout
    worker = server.worker_app()  # what each worker process builds
    state = worker.state.emulator
    try:
        assert state.config.files_url == bucket.url(PREFIX)
        assert state.config.s3_endpoint_url == (bucket.endpoint if how == "options" else None)
        assert state.blobs.put("file", "1", b"from a worker") == f"s3://{bucket.name}/{PREFIX}file/1"
        assert bucket.get(f"{PREFIX}file/1") == b"from a worker"
    finally:
        state.store.close()
        state.blobs.close()


SERVER = """
import sys
from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.core.blobs_s3 import PART
from cozekit.emulator.core.config import EmulatorConfig
config = EmulatorConfig(files_url=sys.argv[2], s3_endpoint_url=sys.argv[3])
emu = ThreadedEmulator(config, data_dir=sys.argv[1]).start()
print(emu.base_url, flush=True)
sys.stdin.read()
emu.stop()
"""


def test_a_large_upload_to_the_bucket_holds_about_one_part_in_server_memory(
    bucket: Bucket, tmp_path: Path
) -> None:
    """As tests/emulator/files/test_upload_memory.py, with the S3 store: the server's peak resident memory
    (VmHWM, Linux) grows by a few parts at most for a 128 MiB upload, not by the file."""
    size = 128 * MB
    args = [str(tmp_path / "data"), bucket.url(PREFIX), bucket.endpoint]
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://"), base_url
        big = tmp_path / "big.zip"
        with open(big, "wb") as f:
            f.truncate(size)  # sparse: cheap to make, read back as zeros
        warm = tmp_path / "warm.zip"
        warm.write_bytes(b"w" * (9 * MB))  # the first multipart upload loads what uploads need
        with Coze(TokenAuth(ThreadedEmulator.token), base_url, timeout=600) as coze:
            coze.files.upload(file=warm)
            Path(f"/proc/{proc.pid}/clear_refs").write_text("5")  # the peak (VmHWM) back to the resident size
            before = status_kib(proc.pid, "VmRSS")
            uploaded = coze.files.upload(file=big)
            peak = status_kib(proc.pid, "VmHWM")
    finally:
        proc.stdin.close()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
            proc.kill()
            proc.wait()
    head = bucket.client.head_object(Bucket=bucket.name, Key=f"{PREFIX}file/{uploaded.id}")
    assert uploaded.bytes == size and head["ContentLength"] == size
    growth = (peak - before) * 1024
    assert growth < 4 * PART, f"server peak memory grew by {growth / MB:.1f} MiB for a 128 MiB upload"
