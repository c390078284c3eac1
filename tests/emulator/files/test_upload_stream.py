"""Uploads stream to disk: refusals come from the part headers and a running byte count, before the
rest of the body is read; accepted files are plain files under the data dir.

The ASGI tests drive the app directly with a `receive` that hands out the body chunk by chunk and counts
what the server pulled, so "never read more than the first chunk" is an exact count."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Iterator, List, Optional, Tuple, cast

import httpx
import pytest
from starlette.requests import ClientDisconnect

from cozekit.emulator import ThreadedEmulator
from cozekit.emulator.app import create_app
from cozekit.emulator.core.blobs import DiskBlobStore
from cozekit.emulator.files.backend import check_file_name
from cozekit.emulator.files.upload import FLUSH_BYTES, _Sink, receive_upload
from cozekit.emulator.seed import TOKEN
from sync_or_async import open_client, run

CHUNK = 64 * 1024
BOUNDARY = "cozekit-test-boundary"
MB = 1024 * 1024


def part_head(name: str = "file", file_name: str = "data.txt") -> bytes:
    return (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()


TAIL = f"\r\n--{BOUNDARY}--\r\n".encode()


class Body:
    """A request body of `size` file bytes after `head`, given out chunk by chunk; counts what was taken."""

    def __init__(self, head: bytes, size: int) -> None:
        self.head = head
        self.size = size
        self.pulled = 0
        self.calls = 0

    def total(self) -> int:
        return len(self.head) + self.size + len(TAIL)

    def chunks(self) -> Iterator[bytes]:
        first = self.head + b"x" * min(CHUNK, self.size)
        yield first
        left = self.size - min(CHUNK, self.size)
        while left > 0:
            n = min(CHUNK, left)
            yield b"x" * n
            left -= n
        yield TAIL


def upload_scope(body: Body, content_length: bool = True) -> Dict[str, Any]:
    """The ASGI scope of a POST of `body` to /v1/files/upload."""
    headers = [
        (b"host", b"127.0.0.1"),
        (b"authorization", f"Bearer {TOKEN}".encode()),
        (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
    ]
    if content_length:
        headers.append((b"content-length", str(body.total()).encode()))
    else:
        headers.append((b"transfer-encoding", b"chunked"))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/files/upload",
        "raw_path": b"/v1/files/upload",
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }


async def call(app: Any, body: Body, content_length: bool = True) -> Tuple[int, Dict[str, Any]]:
    """POST the body to /v1/files/upload through the whole ASGI app; (status, JSON answer)."""
    scope = upload_scope(body, content_length)
    chunks = body.chunks()
    pending: Optional[bytes] = next(chunks)
    sent: List[Dict[str, Any]] = []

    async def receive() -> Dict[str, Any]:
        nonlocal pending
        if pending is None:
            await asyncio.sleep(3600)  # the body is over: a real server would wait for a disconnect
        chunk, pending = pending, next(chunks, None)
        assert chunk is not None
        body.calls += 1
        body.pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": pending is not None}

    async def send(message: Dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    raw = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, httpx.Response(status, content=raw).json()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    application = create_app(data_dir=str(tmp_path))
    yield application
    application.state.emulator.store.close()


def leftovers(tmp_path: Path) -> List[str]:
    """Files under the data dir's blob store (temporary ones included)."""
    return [str(p.relative_to(tmp_path)) for p in (tmp_path / "files").rglob("*") if p.is_file()]


async def test_a_wrong_type_is_refused_from_the_first_chunk(app: Any, tmp_path: Path) -> None:
    body = Body(part_head(file_name="setup.exe"), 100 * MB)
    status, answer = await call(app, body)
    assert (status, answer["code"]) == (200, 4303) and "exe" in answer["msg"]
    assert body.calls == 1 and body.pulled == len(body.head) + CHUNK  # 100 MiB declared, one chunk read
    assert leftovers(tmp_path) == []


async def test_the_wrong_part_name_and_a_second_file_are_refused_as_they_arrive(app: Any) -> None:
    body = Body(part_head(name="upload", file_name="a.txt"), 10 * MB)
    status, answer = await call(app, body)
    assert (status, answer["code"]) == (200, 4300) and "'upload'" in answer["msg"] and body.calls == 1
    second = part_head(file_name="a.txt") + b"first\r\n" + part_head(file_name="b.txt")
    body = Body(second, 10 * MB)
    status, answer = await call(app, body)
    assert (status, answer["code"]) == (200, 4301) and body.calls == 1


async def test_a_declared_length_over_the_limit_is_refused_before_any_read(app: Any) -> None:
    app.state.emulator.config.update(max_upload_bytes=MB)
    body = Body(part_head(), 2 * MB)
    status, answer = await call(app, body)
    assert (status, answer["code"]) == (413, 4302) and body.pulled == 0


async def test_a_chunked_upload_stops_at_the_limit(app: Any, tmp_path: Path) -> None:
    app.state.emulator.config.update(max_upload_bytes=MB)
    body = Body(part_head(), 1024 * MB)  # a 1 GiB upload without Content-Length
    status, answer = await call(app, body, content_length=False)
    assert (status, answer["code"]) == (413, 4302)
    assert MB < body.pulled <= MB + CHUNK + len(body.head)  # stopped at the limit, not at the end
    assert leftovers(tmp_path) == []  # the partial file is gone


async def test_a_chunked_upload_under_the_limit_is_kept_as_a_file(app: Any, tmp_path: Path) -> None:
    body = Body(part_head(file_name="notes.txt"), 3 * CHUNK + 5)
    status, answer = await call(app, body, content_length=False)
    assert status == 200 and answer["code"] == 0, answer
    data = answer["data"]
    assert data["bytes"] == 3 * CHUNK + 5 and data["file_name"] == "notes.txt"
    stored = tmp_path / "files" / "file" / data["id"][-2:] / data["id"]
    assert stored.read_bytes() == b"x" * (3 * CHUNK + 5)
    assert leftovers(tmp_path) == [str(stored.relative_to(tmp_path))]


def being_written(tmp_path: Path) -> List[str]:
    """The data dir's uploads still being written (their temporary files)."""
    tmp = tmp_path / "files" / "tmp"
    return sorted(os.listdir(tmp)) if tmp.is_dir() else []


def stalling_receive(body: Body, chunks: int, then: Callable[[], Awaitable[Dict[str, Any]]]) -> Any:
    """An ASGI `receive` that hands out `chunks` chunks of the body (past the first flush to disk when
    there are more than 16), then answers with `then()` (a disconnect, or waiting for ever)."""
    given = body.chunks()

    async def receive() -> Dict[str, Any]:
        if body.calls == chunks:
            return await then()
        body.calls += 1
        chunk = next(given)
        body.pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    return receive


async def ignore(message: Dict[str, Any]) -> None:
    pass


async def test_a_client_that_disconnects_mid_upload_leaves_no_file(app: Any, tmp_path: Path) -> None:
    """The half-written file is dropped in a worker thread: the loop guard is on (an abort on the loop
    would raise and leave it behind)."""
    assert app.state.emulator.blobs.loop_guard
    body = Body(part_head(), 64 * MB)
    seen: List[List[str]] = []

    async def disconnect() -> Dict[str, Any]:
        seen.append(being_written(tmp_path))
        return {"type": "http.disconnect"}

    with contextlib.suppress(ClientDisconnect):  # nobody is left to answer
        await app(upload_scope(body), stalling_receive(body, 20, disconnect), ignore)
    assert len(seen) == 1 and len(seen[0]) == 1  # the client left while its file was being written
    assert body.pulled > FLUSH_BYTES and leftovers(tmp_path) == []


async def test_a_canceled_upload_leaves_no_file(app: Any, tmp_path: Path) -> None:
    body = Body(part_head(), 64 * MB)
    stalled = asyncio.Event()

    async def wait_for_ever() -> Dict[str, Any]:
        stalled.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")  # pragma: no cover

    task = asyncio.ensure_future(app(upload_scope(body), stalling_receive(body, 20, wait_for_ever), ignore))
    await stalled.wait()
    assert len(being_written(tmp_path)) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task  # the abort ran, in a worker thread, before the task ended
    assert leftovers(tmp_path) == []


class Held:
    """A disk blob store (loop guard on) whose writers record their calls, with one step (`open`, `write`
    or `abort`) held in its worker thread until `release` is set."""

    def __init__(self, root: Path, hold: str) -> None:
        self.disk = DiskBlobStore(str(root))
        assert self.disk.loop_guard
        self.hold = hold
        self.started = threading.Event()
        self.release = threading.Event()
        self.wrote = threading.Event()
        self.aborted = threading.Event()
        self.calls: List[str] = []
        self.busy = 0  # steps running now: an abort must never overlap another step

    def step(self, name: str, work: Callable[[], Any]) -> Any:
        self.calls.append(f"{name}{'!' if self.busy else ''}")
        self.busy += 1
        try:
            if name == self.hold:
                self.started.set()
                assert self.release.wait(60)
            return work()
        finally:
            self.busy -= 1

    def writer(self) -> Any:
        return HeldWriter(self, self.step("open", self.disk.writer))

    def steps(self) -> List[str]:
        """The calls, each run of writes as one."""
        return [c for i, c in enumerate(self.calls) if i == 0 or c != self.calls[i - 1]]

    def temp_files(self) -> List[str]:
        return os.listdir(Path(self.disk.root) / "tmp")


class HeldWriter:
    def __init__(self, held: Held, writer: Any) -> None:
        self.held = held
        self.writer = writer

    @property
    def size(self) -> int:
        return int(self.writer.size)

    def write(self, data: bytes) -> None:
        self.held.step("write", lambda: self.writer.write(data))
        self.held.wrote.set()

    def abort(self) -> None:
        self.held.step("abort", self.writer.abort)
        self.held.aborted.set()


async def stalled_body(size: int) -> AsyncIterator[bytes]:
    """A multipart body with `size` file bytes in 256 KiB chunks, then nothing more (the client stalls)."""
    yield part_head()
    for _ in range(size // (256 * 1024)):
        yield b"x" * (256 * 1024)
    await asyncio.Event().wait()


def start_upload(held: Any) -> asyncio.Task[Any]:
    """`receive_upload` of a stalling 2 MiB body into `held`, as a task."""
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    upload = receive_upload(stalled_body(2 * MB), content_type, held, 64 * MB, check_file_name)
    return asyncio.ensure_future(upload)


@pytest.mark.parametrize("hold", ["open", "write"])
async def test_a_cancel_during_a_disk_step_aborts_after_it(hold: str, tmp_path: Path) -> None:
    """Canceled while its writer is being opened or written in a worker thread, an upload drops the file
    once that step is over (never beside it, never before the opening, so never leaving the file)."""
    held = Held(tmp_path, hold)
    task = start_upload(held)
    await asyncio.to_thread(held.started.wait, 60)
    task.cancel()
    await asyncio.sleep(0)  # the task takes the cancel and queues the abort
    held.release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert held.steps() == (["open", "abort"] if hold == "open" else ["open", "write", "abort"])
    assert held.temp_files() == []


async def test_an_abort_canceled_again_still_completes(tmp_path: Path) -> None:
    """A task canceled a second time while its abort runs ends at once; the abort goes on in its thread."""
    held = Held(tmp_path, "abort")
    task = start_upload(held)
    await asyncio.to_thread(held.wrote.wait, 60)  # the first megabyte is on disk
    task.cancel()
    await asyncio.to_thread(held.started.wait, 60)  # the abort runs, held
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not held.aborted.is_set() and len(held.temp_files()) == 1
    held.release.set()
    assert await asyncio.to_thread(held.aborted.wait, 60)
    assert held.steps() == ["open", "write", "abort"] and held.temp_files() == []


def test_an_abort_before_the_opening_stops_it(tmp_path: Path) -> None:
    """Both queued at once, the abort may run first: then the writer is never opened."""
    held = Held(tmp_path, "")
    sink = _Sink(cast(Any, held))
    sink.abort()
    with pytest.raises(RuntimeError, match="aborted"):
        sink.open()
    assert held.calls == [] and sink.writer is None


def test_over_http_a_chunked_upload_past_the_limit_is_413(emu: ThreadedEmulator) -> None:
    emu.control.configure(max_upload_bytes=MB)
    body = Body(part_head(), 8 * MB)
    with httpx.Client(base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.token}"}) as http:
        resp = http.post(
            "/v1/files/upload",
            content=body.chunks(),
            headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
    assert resp.status_code == 413 and resp.json()["code"] == 4302


def test_over_a_socket_a_wrong_type_is_answered_before_the_body_is_sent(emu: ThreadedEmulator) -> None:
    """Only the part headers go out of a 512 MB body; the answer comes anyway (a server reading the
    body first would wait for the rest, and the read below would time out)."""
    head = part_head(file_name="virus.exe") + b"MZ"
    port = int(emu.base_url.rsplit(":", 1)[1])
    request = (
        "POST /v1/files/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {emu.token}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
        f"Content-Length: {512 * MB - 1}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(request + head)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            got = sock.recv(65536)
            assert got, answer
            answer += got
    assert b'"code":4303' in answer.replace(b" ", b"")


async def test_the_sdk_uploads_a_file_that_lands_on_disk(mode: str, tmp_path: Path) -> None:
    source = tmp_path / "report.pdf"
    source.write_bytes(os.urandom(3 * MB + 17))
    emulator = await asyncio.to_thread(ThreadedEmulator, data_dir=str(tmp_path / "data"))  # opens its store
    with emulator as emu:
        async with open_client(mode, emu.base_url, emu.token) as coze:
            uploaded = await run(coze.files.upload(file=source))
            assert uploaded.bytes == 3 * MB + 17 and uploaded.file_name == "report.pdf"
            again = await run(coze.files.retrieve(file_id=uploaded.id))
            assert again.id == uploaded.id
            named = await run(coze.files.upload(file=b"x,y\n1,2\n", file_name="报告 2026.csv"))
            assert (named.file_name, named.bytes) == ("报告 2026.csv", 8)
        stored = tmp_path / "data" / "files" / "file" / uploaded.id[-2:] / uploaded.id
        assert stored.read_bytes() == source.read_bytes()
        assert os.listdir(tmp_path / "data" / "files" / "tmp") == []


def test_other_multipart_endpoints_stop_a_chunked_body_at_their_limit(emu: ThreadedEmulator) -> None:
    emu.control.configure(max_body_bytes=MB)
    body = Body(part_head(file_name="speech.wav"), 8 * MB)
    with httpx.Client(base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.token}"}) as http:
        resp = http.post(
            "/v1/audio/transcriptions",
            content=body.chunks(),
            headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
    assert resp.status_code == 413 and resp.json()["code"] == 4000
