"""Uploaded bytes, by (kind, id). The store keeps the metadata; a blob store keeps the bytes.

`BlobStore` and `BlobWriter` are what the services use; two stores implement them:

- `DiskBlobStore` (the default): plain files `<root>/<kind>/<shard>/<id>`, written under a temporary name
  and moved into place (a hard link, so an existing file is never replaced), so a reader never sees half a
  file and several worker processes can share a root. An emulator without a data dir keeps its files in a
  temporary directory that is removed when the emulator closes (or the interpreter exits).
- `S3BlobStore` (core/blobs_s3.py, the `s3` extra): objects in an S3-compatible bucket, for several hosts
  sharing one database (`--files-url s3://bucket/prefix`).

`core/blob_stores.py` picks one from the settings (`open_blob_store`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
import uuid
import weakref
from typing import Any, BinaryIO, Callable, Iterator, Optional, Protocol

from . import loopguard

CHUNK = 64 * 1024
"""Bytes per read when a file is streamed or copied."""
_SAFE = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")
KINDS = ("file", "kdoc")
"""`file`: /v1/files/upload; `kdoc`: a knowledge document sent as base64."""


def check_name(kind: str, id: str) -> None:
    """`ValueError` unless (kind, id) names a blob: a known kind, an id of safe characters."""
    if kind not in KINDS or not _SAFE.match(id) or id in (".", ".."):
        raise ValueError(f"not a blob name: {kind!r}/{id!r}")


def put_whole(writer: BlobWriter, kind: str, id: str, data: bytes) -> str:
    """Write `data` with a fresh `writer` and commit it as (kind, id); dropped if anything fails."""
    try:
        writer.write(data)
        return writer.commit(kind, id)
    except BaseException:
        writer.abort()
        raise


class BlobWriter(Protocol):
    """One upload being written: `write` chunks, then `commit` or `abort`."""

    size: int
    """Bytes written so far."""
    head: bytes
    """The first bytes written (up to one chunk), for checks that look at a file's start."""

    def write(self, data: bytes) -> None: ...

    def commit(self, kind: str, id: str) -> str:
        """Store the written bytes as (kind, id), atomically; returns where they are. A blob already there
        is never replaced (`FileExistsError`, and the writer is aborted)."""
        ...

    def abort(self) -> None:
        """Drop what was written (safe to call twice, or after `commit`)."""
        ...


class BlobStream:
    """A stored blob read in chunks (`size` bytes in all); closed when read to the end, or by `close`."""

    def __init__(self, source: Any, size: int) -> None:
        self._source = source  # anything with read(n) and close(): a file, an S3 body
        self.size = size

    def __iter__(self) -> Iterator[bytes]:
        try:
            while True:
                data = self._source.read(CHUNK)
                if not data:
                    return
                yield data
        finally:
            self.close()

    def close(self) -> None:
        self._source.close()


class BlobStore(Protocol):
    """Bytes by (kind, id): written in chunks and committed once, read back whole or streamed."""

    def writer(self) -> BlobWriter:
        """A new blob, written in chunks and invisible until committed."""
        ...

    def put(self, kind: str, id: str, data: bytes) -> str:
        """Store `data` whole (small payloads: a knowledge document sent as base64)."""
        ...

    def find(self, kind: str, id: str) -> Optional[str]:
        """Where (kind, id) is (a path, an `s3://` URL), or None when it was never stored (or deleted)."""
        ...

    def read(self, kind: str, id: str, limit: Optional[int] = None) -> Optional[bytes]:
        """The bytes (at most `limit` of them), or None when missing."""
        ...

    def open(self, kind: str, id: str) -> Optional[BlobStream]:
        """The bytes as a stream of chunks, or None when missing."""
        ...

    def delete(self, kind: str, id: str) -> None:
        """Remove (kind, id); nothing happens when it is missing."""
        ...

    def wipe(self) -> None:
        """Delete every stored blob."""
        ...

    def close(self) -> None:
        """Release what the store holds (a temporary directory, connections); stored blobs stay."""
        ...


class DiskBlobWriter:
    """One file being written: `write` chunks, then `commit` (renamed into place) or `abort`."""

    def __init__(self, blobs: DiskBlobStore, handle: BinaryIO, temp_path: str) -> None:
        self._blobs = blobs
        self._handle = handle
        self.temp_path = temp_path
        self.size = 0
        self.head = b""
        """The first bytes written (up to one chunk), for checks that look at a file's start."""

    def write(self, data: bytes) -> None:
        if self._blobs.loop_guard:
            loopguard.check("a blob write")
        if len(self.head) < CHUNK:
            self.head += data[: CHUNK - len(self.head)]
        self._handle.write(data)
        self.size += len(data)

    def commit(self, kind: str, id: str) -> str:
        """Move the written bytes to their place; returns the path. A file already there is never
        replaced (`FileExistsError`): an id names one upload, whichever process wrote it."""
        if self._blobs.loop_guard:
            loopguard.check("a blob commit")
        self._handle.close()
        path = self._blobs.path(kind, id)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            os.link(self.temp_path, path)  # atomic, and fails if the name is taken
        except FileExistsError:
            self.abort()
            raise
        except OSError:  # a file system without hard links: rename (which would replace)
            if os.path.exists(path):
                self.abort()
                raise FileExistsError(path) from None
            os.replace(self.temp_path, path)
            return path
        os.unlink(self.temp_path)
        return path

    def abort(self) -> None:
        """Drop what was written (safe to call twice, or after `commit`)."""
        if self._blobs.loop_guard:
            loopguard.check("a blob abort")
        self._handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp_path)


class DiskBlobStore:
    """Files by (kind, id) under `root`, or under a private temporary directory when `root` is None."""

    def __init__(self, root: Optional[str] = None) -> None:
        self._root = root
        self._temporary = root is None
        self._lock = threading.Lock()
        self._finalizer: Optional[Callable[[], Any]] = None
        self.loop_guard = loopguard.enabled()
        """Refuse writes, aborts and deletes made on a thread running an event loop (`core.loopguard`;
        tests turn it on)."""

    @property
    def root(self) -> str:
        """The directory (created on first use)."""
        with self._lock:
            if self._root is None:
                self._root = tempfile.mkdtemp(prefix="cozekit-emulator-files-")
                self._finalizer = weakref.finalize(self, shutil.rmtree, self._root, True)
            os.makedirs(self._root, exist_ok=True)
            return self._root

    def path(self, kind: str, id: str) -> str:
        """Where (kind, id) lives: `<root>/<kind>/<last two characters of id>/<id>`."""
        check_name(kind, id)
        return os.path.join(self.root, kind, id[-2:].rjust(2, "_"), id)

    def writer(self) -> DiskBlobWriter:
        """A new file under a temporary name (in `<root>/tmp`, on the same file system as its place)."""
        if self.loop_guard:
            loopguard.check("a blob write")
        temp_dir = os.path.join(self.root, "tmp")
        os.makedirs(temp_dir, exist_ok=True)
        temp_path = os.path.join(temp_dir, f"{uuid.uuid4().hex}.part")
        return DiskBlobWriter(self, open(temp_path, "xb"), temp_path)

    def put(self, kind: str, id: str, data: bytes) -> str:
        """Store `data` whole (small payloads: a knowledge document sent as base64)."""
        return put_whole(self.writer(), kind, id, data)

    def find(self, kind: str, id: str) -> Optional[str]:
        """The path of (kind, id), or None when it was never stored (or was deleted)."""
        path = self.path(kind, id)
        return path if os.path.isfile(path) else None

    def read(self, kind: str, id: str, limit: Optional[int] = None) -> Optional[bytes]:
        """The bytes (at most `limit` of them), or None when missing."""
        path = self.find(kind, id)
        if path is None:
            return None
        try:
            with open(path, "rb") as f:
                return f.read() if limit is None else f.read(limit)
        except FileNotFoundError:  # deleted meanwhile
            return None

    def open(self, kind: str, id: str) -> Optional[BlobStream]:
        """The file as a stream of chunks, or None when missing."""
        path = self.find(kind, id)
        if path is None:
            return None
        try:
            handle = open(path, "rb")  # noqa: SIM115 (the stream closes it)
        except FileNotFoundError:  # deleted meanwhile
            return None
        return BlobStream(handle, os.fstat(handle.fileno()).st_size)

    def delete(self, kind: str, id: str) -> None:
        if self.loop_guard:
            loopguard.check("a blob delete")
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path(kind, id))

    def wipe(self) -> None:
        """Delete every stored file (uploads still being written finish into an empty store)."""
        if self._root is None:
            return
        for kind in KINDS:
            shutil.rmtree(os.path.join(self._root, kind), ignore_errors=True)

    def close(self) -> None:
        """Remove the directory of a temporary store; a data dir's files stay."""
        if self._finalizer is not None:
            self._finalizer()
