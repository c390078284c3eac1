"""The `s3` blob store against a real S3-compatible server on loopback (moto): objects under the prefix,
created only where none is, multipart above one part, streamed back, wiped by prefix."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any, Dict

import pytest
from botocore.exceptions import ClientError

from cozekit.emulator.core.blob_stores import open_blob_store
from cozekit.emulator.core.blobs import DiskBlobStore
from cozekit.emulator.core.blobs_s3 import PART, SPOOL, S3BlobStore, parse_s3_url
from cozekit.emulator.core.loopguard import OnEventLoop

from .conftest import Bucket

MB = 1024 * 1024


def store(bucket: Bucket, prefix: str = "emu", **kw: Any) -> S3BlobStore:
    made = open_blob_store(bucket.url(prefix), s3_endpoint_url=bucket.endpoint, **kw)
    assert isinstance(made, S3BlobStore)
    return made


def open_under(directory: Path) -> int:
    """How many files this process has open under `directory` (Linux: /proc/self/fd)."""
    found = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            found += os.readlink(f"/proc/self/fd/{fd}").startswith(f"{directory}/")
        except FileNotFoundError:  # the listing's own descriptor, closed by now
            continue
    return found


def test_put_read_find_open_delete(bucket: Bucket) -> None:
    blobs = store(bucket)
    where = blobs.put("file", "7400000000000000123", b"hello")
    assert where == f"s3://{bucket.name}/emu/file/7400000000000000123"
    assert bucket.objects() == ["emu/file/7400000000000000123"]
    assert bucket.get("emu/file/7400000000000000123") == b"hello"
    assert blobs.find("file", "7400000000000000123") == where
    assert blobs.read("file", "7400000000000000123") == b"hello"
    assert blobs.read("file", "7400000000000000123", limit=2) == b"he"
    assert blobs.read("file", "7400000000000000123", limit=0) == b""
    stream = blobs.open("file", "7400000000000000123")
    assert stream is not None and stream.size == 5 and b"".join(stream) == b"hello"
    assert blobs.find("kdoc", "7400000000000000123") is None  # kinds are separate
    assert blobs.open("kdoc", "7400000000000000123") is None
    assert blobs.read("kdoc", "7400000000000000123") is None
    blobs.put("kdoc", "5", b"")
    assert blobs.read("kdoc", "5", limit=4) == b"" and blobs.read("kdoc", "5") == b""
    blobs.delete("kdoc", "5")
    blobs.delete("file", "7400000000000000123")
    blobs.delete("file", "7400000000000000123")  # twice is fine
    assert blobs.find("file", "7400000000000000123") is None and bucket.objects() == []


def test_a_writer_is_invisible_until_committed_and_spills_to_disk(bucket: Bucket, tmp_path: Path) -> None:
    blobs = store(bucket, files_dir=str(tmp_path))
    spool = tmp_path / "tmp"
    writer = blobs.writer()
    writer.write(b"abc")
    writer.write(b"def")
    assert writer.size == 6 and writer.head == b"abcdef"
    assert bucket.objects() == [] and blobs.find("file", "1") is None
    big = blobs.writer()
    for _ in range(SPOOL // (64 * 1024) + 1):  # past the in-memory part of the spool
        big.write(b"z" * 64 * 1024)
    assert open_under(spool) == 1  # the upload went on to disk, under the data dir (an unnamed file)
    writer.commit("file", "1")
    assert bucket.get("emu/file/1") == b"abcdef"
    big.abort()
    big.abort()  # twice is fine
    assert open_under(spool) == 0 and os.listdir(spool) == [] and bucket.objects() == ["emu/file/1"]


def test_an_existing_object_is_never_replaced(bucket: Bucket) -> None:
    blobs = store(bucket)
    blobs.put("file", "1", b"first")
    taken = blobs.writer()
    taken.write(b"second")
    with pytest.raises(FileExistsError):
        taken.commit("file", "1")
    with pytest.raises(FileExistsError):
        blobs.put("file", "1", b"third")
    assert bucket.get("emu/file/1") == b"first"


class Racing(S3BlobStore):
    """A store whose check before writing misses the object (as when another host writes it meanwhile):
    only the bucket's `If-None-Match` stands between the two writers."""

    def _exists(self, key: str) -> bool:
        return False


def test_the_bucket_refuses_a_second_writer_of_one_key(bucket: Bucket) -> None:
    blobs = Racing(bucket.url("emu"), endpoint_url=bucket.endpoint)
    blobs.put("file", "1", b"first")
    with pytest.raises(FileExistsError):
        blobs.put("file", "1", b"second")  # one PUT with If-None-Match: *
    big = blobs.writer()
    big.write(b"y" * (PART + 1))
    with pytest.raises(FileExistsError):
        big.commit("file", "1")  # a multipart upload completed with If-None-Match: *
    assert bucket.get("emu/file/1") == b"first"
    assert bucket.multipart_uploads() == []  # the refused upload's parts are gone


def test_a_file_over_one_part_goes_up_in_parts_and_streams_back(bucket: Bucket) -> None:
    blobs = store(bucket, prefix="")
    data = os.urandom(2 * PART + 12345)
    writer = blobs.writer()
    for start in range(0, len(data), 64 * 1024):
        writer.write(data[start : start + 64 * 1024])
    writer.commit("kdoc", "99")
    assert bucket.objects() == ["kdoc/99"] and bucket.multipart_uploads() == []
    head: Dict[str, Any] = bucket.client.head_object(Bucket=bucket.name, Key="kdoc/99")
    assert head["ContentLength"] == len(data) and head["ETag"].endswith('-3"')  # three parts
    stream = blobs.open("kdoc", "99")
    assert stream is not None and stream.size == len(data)
    chunks = list(stream)
    assert b"".join(chunks) == data and max(len(c) for c in chunks) <= 64 * 1024
    assert blobs.read("kdoc", "99", limit=10) == data[:10]


class NoConditions:
    """A client for a bucket that does not take `If-None-Match` on writes (HTTP 501), as some
    S3-compatible servers answer: the real client otherwise."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.refused = 0

    def __getattr__(self, name: str) -> Any:
        call = getattr(self._client, name)
        if name not in ("put_object", "complete_multipart_upload"):
            return call

        def checked(**kw: Any) -> Any:
            if "IfNoneMatch" in kw:
                self.refused += 1
                error = {"Code": "NotImplemented", "Message": "A header you provided implies functionality"}
                raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 501}}, name)
            return call(**kw)

        return checked


def test_a_bucket_without_conditional_writes_is_checked_first(bucket: Bucket) -> None:
    client = NoConditions(bucket.client)
    blobs = S3BlobStore(bucket.url("emu"), client=client)
    blobs.put("file", "1", b"first")
    blobs.put("file", "2", b"second")
    assert client.refused == 1  # asked once, then no more
    with pytest.raises(FileExistsError):
        blobs.put("file", "1", b"again")
    assert bucket.get("emu/file/1") == b"first" and bucket.get("emu/file/2") == b"second"


def test_wipe_empties_the_prefix_only(bucket: Bucket) -> None:
    blobs = store(bucket, prefix="team-a/files")
    for i in range(3):
        blobs.put("file", str(i), b"f")
    blobs.put("kdoc", "9", b"k")
    bucket.client.put_object(Bucket=bucket.name, Key="team-b/files/file/1", Body=b"other emulator")
    bucket.client.put_object(Bucket=bucket.name, Key="team-a/notes.txt", Body=b"not a blob")
    blobs.wipe()
    assert bucket.objects() == ["team-a/notes.txt", "team-b/files/file/1"]
    blobs.put("file", "0", b"again")  # the store works after a wipe
    assert blobs.read("file", "0") == b"again"


def test_names_and_urls_are_checked(bucket: Bucket) -> None:
    blobs = store(bucket)
    for kind, name in [("file", "../x"), ("file", ".."), ("file", "a/b"), ("other", "1"), ("file", "")]:
        with pytest.raises(ValueError):
            blobs.put(kind, name, b"x")
    assert parse_s3_url("s3://b1/a/b/") == ("b1", "a/b/")
    assert parse_s3_url("s3://b1") == ("b1", "")
    for bad in ("s3:///prefix", "http://b1/p", "s3://b1/p?x=1"):
        with pytest.raises(ValueError):
            parse_s3_url(bad)
    with pytest.raises(ValueError, match="only s3://"):
        open_blob_store("gs://b1/p")


def test_a_missing_bucket_fails_at_start(bucket: Bucket) -> None:
    with pytest.raises(ValueError, match="the bucket cannot be used"):
        open_blob_store(f"s3://{bucket.name}-missing/p", s3_endpoint_url=bucket.endpoint)


def test_without_a_files_url_the_store_is_on_disk(tmp_path: Path) -> None:
    blobs = open_blob_store(None, str(tmp_path))
    assert isinstance(blobs, DiskBlobStore) and blobs.root == str(tmp_path)


def test_without_boto3_an_s3_url_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # as if not installed
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'cozekit\[s3\]'") as missing:
        open_blob_store("s3://bucket/prefix")
    assert missing.value.name == "boto3"


async def test_bucket_work_on_the_event_loop_is_refused_under_the_loop_guard(bucket: Bucket) -> None:
    blobs = await asyncio.to_thread(store, bucket)
    assert blobs.loop_guard  # the suite turns the guard on
    await asyncio.to_thread(blobs.put, "file", "7400000000000000200", b"kept")
    writer = await asyncio.to_thread(blobs.writer)
    for call in (
        lambda: blobs.put("file", "7400000000000000201", b"x"),
        blobs.writer,
        lambda: blobs.read("file", "7400000000000000200"),
        lambda: blobs.open("file", "7400000000000000200"),
        lambda: blobs.find("file", "7400000000000000200"),
        lambda: blobs.delete("file", "7400000000000000200"),
        blobs.wipe,
        writer.abort,
    ):
        with pytest.raises(OnEventLoop):
            call()
    await asyncio.to_thread(writer.abort)
    assert await asyncio.to_thread(blobs.read, "file", "7400000000000000200") == b"kept"
    assert bucket.objects() == ["emu/file/7400000000000000200"]
