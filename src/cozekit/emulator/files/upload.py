"""A multipart upload streamed to disk: the one file part goes straight into a blob writer, chunk by
chunk, so memory stays at one chunk whatever the file's size.

Everything that can be judged from the part's headers (which arrive in the body's first bytes) is
judged before the file's content is read: the part's name, a second file, the file type. A running
byte count stops the upload as soon as the file passes the limit. The body is read on the event loop
(the route hands in `request.stream()`); the disk work (opening the file, writing it, up to `FLUSH_BYTES`
at a time, and dropping it when the upload fails or is canceled) runs in the store's worker threads.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from typing import Any, Callable, Dict, List, Optional, Protocol, Tuple

from ..core.blobs import BlobStore, BlobWriter
from ..core.errors import CozeErrors, EmulatorError, bad_request
from ..core.offload import OFFLOAD

try:
    from python_multipart.multipart import MultipartParser, parse_options_header
except ModuleNotFoundError:  # python-multipart before 0.0.13 names its package `multipart`
    from multipart.multipart import (  # type: ignore[no-redef,import-not-found,import-untyped,unused-ignore]
        MultipartParser,
        parse_options_header,
    )

FILE_PART = "file"
FLUSH_BYTES = 1024 * 1024
"""File bytes gathered from the body before they are written in one thread hop (memory stays O(this))."""


def too_large() -> EmulatorError:
    """4302 with HTTP 413, as the body-size check in the middleware answers."""
    return CozeErrors.FILE_TOO_LARGE("file size exceeds the limit", http_status=413)


class _Abortable(Protocol):
    def abort(self) -> None: ...


async def discard(writer: _Abortable) -> None:
    """`writer.abort()` in a worker thread, never on the loop. The call is queued before the first
    suspension, so it runs to its end even when the awaiting task is canceled (again) meanwhile."""
    await OFFLOAD.run(writer.abort)


class _Sink:
    """An upload's writer, worked on from worker threads one call at a time: an abort queued while the
    opening or a write still runs (its task canceled) waits for it, and one that runs first stops the
    writer from being opened at all, so a canceled upload never leaves its file behind."""

    def __init__(self, blobs: BlobStore) -> None:
        self._blobs = blobs
        self._lock = threading.Lock()
        self._aborted = False
        self.writer: Optional[BlobWriter] = None

    def open(self) -> BlobWriter:
        with self._lock:
            if self._aborted:
                raise RuntimeError("the upload was aborted")
            self.writer = self._blobs.writer()
            return self.writer

    def write(self, chunks: List[bytes]) -> None:
        with self._lock:
            if self._aborted or self.writer is None:
                raise RuntimeError("the upload was aborted")
            for data in chunks:
                self.writer.write(data)

    def abort(self) -> None:
        with self._lock:
            self._aborted = True
            if self.writer is not None:
                self.writer.abort()


class _Events:
    """What the parser's callbacks saw in one chunk, handled after the chunk (the parser is synchronous)."""

    def __init__(self) -> None:
        self.items: List[Tuple[str, Any]] = []
        self.field = b""
        self.value = b""
        self.headers: Dict[bytes, bytes] = {}

    def callbacks(self) -> Dict[str, Callable[..., None]]:
        def on_part_begin() -> None:
            self.headers = {}

        def on_header_field(data: bytes, start: int, end: int) -> None:
            self.field += data[start:end]

        def on_header_value(data: bytes, start: int, end: int) -> None:
            self.value += data[start:end]

        def on_header_end() -> None:
            self.headers[self.field.lower()] = self.value
            self.field = self.value = b""

        def on_headers_finished() -> None:
            self.items.append(("headers", self.headers))

        def on_part_data(data: bytes, start: int, end: int) -> None:
            self.items.append(("data", data[start:end]))

        def on_part_end() -> None:
            self.items.append(("end", None))

        return {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        }


async def receive_upload(
    body: AsyncIterator[bytes],
    content_type: str,
    blobs: BlobStore,
    limit: int,
    check_name: Callable[[str], None],
) -> Tuple[str, BlobWriter]:
    """Read a `multipart/form-data` body whose file is in the part named `file`: returns the file's
    name and its writer (written, not committed: the caller commits or aborts it). Refuses with 4300
    (no file, empty file, wrong part name), 4301 (a second file), 4302 (over `limit` bytes) and
    whatever `check_name` raises (4303: the type), each as soon as it is known."""
    kind, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise CozeErrors.FILE_MISSING(
            "no file in the request: send multipart/form-data with a part named file"
        )
    events = _Events()
    parser = MultipartParser(boundary, events.callbacks())  # type: ignore[arg-type,unused-ignore]
    sink = _Sink(blobs)
    opened = False  # the writer was asked for (it may exist though the task was canceled meanwhile)
    writer: Optional[BlobWriter] = None
    file_name = ""
    files = 0
    in_file = done = False
    pending: List[bytes] = []
    pending_size = 0
    try:
        async for chunk in body:
            _feed(parser, chunk)
            for event, payload in events.items:
                if event == "headers":
                    disposition = parse_options_header(payload.get(b"content-disposition", b""))[1]
                    if b"filename" not in disposition:
                        continue  # a plain form field: ignored
                    files += 1
                    if files > 1:
                        raise CozeErrors.TOO_MANY_FILES(count=files)
                    name = disposition.get(b"name", b"").decode("utf-8", "replace")
                    if name != FILE_PART:
                        raise CozeErrors.FILE_MISSING(
                            f"the file must be in the part named file, not {name!r}"
                        )
                    file_name = disposition[b"filename"].decode("utf-8", "replace")
                    check_name(file_name)
                    opened = True
                    writer = await OFFLOAD.run(sink.open)
                    in_file = True
                elif event == "data" and in_file:
                    assert writer is not None
                    if writer.size + pending_size + len(payload) > limit:
                        raise too_large()
                    pending.append(payload)
                    pending_size += len(payload)
                elif event == "end" and in_file:
                    in_file, done = False, True
            events.items.clear()
            if pending and (pending_size >= FLUSH_BYTES or not in_file):
                await OFFLOAD.run(sink.write, pending)
                pending, pending_size = [], 0
        parser.finalize()
        if pending:
            await OFFLOAD.run(sink.write, pending)
        if writer is None:
            raise CozeErrors.FILE_MISSING("no file in the request: send a part named file")
        if not done:
            raise bad_request("the multipart body ended before the file did")
        if writer.size == 0:
            raise CozeErrors.FILE_MISSING()
        return file_name, writer
    except BaseException:
        if opened:
            await discard(sink)
        raise


def _feed(parser: Any, chunk: bytes) -> None:
    try:
        parser.write(chunk)
    except Exception as exc:  # python-multipart's parse errors: a malformed body
        raise bad_request(f"malformed multipart body: {exc}") from None
