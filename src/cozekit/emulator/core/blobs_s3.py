"""Uploaded bytes as objects in an S3-compatible bucket (AWS S3, MinIO, ...): `<prefix><kind>/<id>`, so
several hosts sharing one database also share the files (`--files-url s3://bucket/prefix`).

An upload is written to a spooled temporary file (in memory up to `SPOOL` bytes, then on disk under the
data dir's `files/tmp`), since its id is known only when it is committed; `commit` then sends it to its
key: one PUT up to `PART` bytes, a multipart upload in `PART`-sized parts above that, so the server holds
at most one part of an upload in memory. An object is created only where none is: a HEAD refuses a taken
key before any byte is sent, and the write carries `If-None-Match: *`, so the bucket refuses a second
writer racing for it (left out on a bucket that refuses the header). Reads stream the object's body.

boto3 is the `s3` extra, imported when a store is made. Endpoint, credentials and region come from
boto3's usual settings (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
`AWS_PROFILE`, ~/.aws/...), or `--s3-endpoint-url`.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import tempfile
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

from . import loopguard
from .blobs import CHUNK, KINDS, BlobStream, check_name, put_whole

MB = 1024 * 1024
PART = 8 * MB
"""Bytes per part of a multipart upload (S3's least is 5 MiB); files up to this size go in one PUT."""
MAX_PARTS = 10_000
SPOOL = 1 * MB
"""Bytes of an upload kept in memory before it spills to a temporary file."""
EXTRA_HINT = "pip install 'cozekit[s3]'"
_TAKEN = ("PreconditionFailed", "ConditionalRequestConflict", "412", "409")
"""Error codes of a conditional create whose key is taken (or being written by someone else)."""
_UNSUPPORTED = ("NotImplemented", "501")
"""Error codes of a bucket that does not take `If-None-Match` on writes."""
_MISSING = ("NoSuchKey", "404", "NotFound")
_PART_SUMS = ("ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1", "ChecksumSHA256")


def _boto() -> Tuple[Any, Any, Any]:
    """boto3, botocore.config and botocore.exceptions, or a `ModuleNotFoundError` naming the extra."""
    try:  # lazy: boto3 is an optional extra, loaded only when an s3:// files URL is configured
        boto3 = importlib.import_module("boto3")
        config = importlib.import_module("botocore.config")
        exceptions = importlib.import_module("botocore.exceptions")
    except ModuleNotFoundError as exc:
        message = f"an s3:// files URL needs the boto3 package: {EXTRA_HINT}"
        raise ModuleNotFoundError(message, name=exc.name or "boto3") from exc
    return boto3, config, exceptions


def parse_s3_url(url: str) -> Tuple[str, str]:
    """`s3://bucket/some/prefix` -> ("bucket", "some/prefix/"); the prefix may be empty."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"files URL {url!r}: expected s3://bucket or s3://bucket/prefix")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _status(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))


def _is(exc: Exception, codes: Tuple[str, ...]) -> bool:
    return _code(exc) in codes or _status(exc) in codes


class S3BlobWriter:
    """One upload being written to a spooled temporary file, sent to the bucket by `commit`."""

    def __init__(self, blobs: S3BlobStore, spool: Any) -> None:
        self._blobs = blobs
        self._spool = spool
        self.size = 0
        self.head = b""

    def write(self, data: bytes) -> None:
        self._blobs.guard("a blob write")
        if len(self.head) < CHUNK:
            self.head += data[: CHUNK - len(self.head)]
        self._spool.write(data)
        self.size += len(data)

    def commit(self, kind: str, id: str) -> str:
        """Send the bytes to `<prefix><kind>/<id>`; returns its `s3://` URL. An object already there is
        never replaced (`FileExistsError`)."""
        try:
            return self._blobs.upload(kind, id, self._spool, self.size)
        finally:
            self.abort()

    def abort(self) -> None:
        """Drop what was written: the spool closes (a spilled one's file goes with it)."""
        self._blobs.guard("a blob abort")
        self._spool.close()


class S3BlobStore:
    """Blobs by (kind, id) as objects `<prefix><kind>/<id>` in one bucket."""

    def __init__(
        self,
        url: str,
        *,
        endpoint_url: Optional[str] = None,
        spool_dir: Optional[str] = None,
        client: Any = None,
    ) -> None:
        """`url`: `s3://bucket/prefix`. `endpoint_url`: an S3-compatible server (else boto3's settings:
        `AWS_ENDPOINT_URL`, or AWS). `spool_dir`: where uploads spill to disk (else the system's temporary
        directory). `client`: a ready boto3 S3 client instead of one made from those settings. Fails
        (`ValueError`) when the bucket cannot be reached."""
        boto3, config, exceptions = _boto()
        self.bucket, self.prefix = parse_s3_url(url)
        self.url = url
        self._errors = exceptions
        self._spool_dir = spool_dir
        self.loop_guard = loopguard.enabled()
        """Refuse bucket and spool work on a thread running an event loop (`core.loopguard`)."""
        self._conditional = True
        """False once the bucket refused `If-None-Match` (then a HEAD checks before each write)."""
        if client is None:
            env = os.environ
            custom = endpoint_url or env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
            settings = config.Config(
                # an S3-compatible server on its own host name or address: bucket in the path
                s3={"addressing_style": "path" if custom else "auto"},
                retries={"mode": "standard"},
            )
            client = boto3.session.Session().client("s3", endpoint_url=endpoint_url, config=settings)
        self.client = client
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (exceptions.BotoCoreError, exceptions.ClientError) as exc:
            self.close()
            raise ValueError(f"files URL {url}: the bucket cannot be used: {exc}") from None

    def guard(self, what: str) -> None:
        """With the loop guard on, refuse `what` (a network or spool call) on an event loop's thread."""
        if self.loop_guard:
            loopguard.check(what)

    def key(self, kind: str, id: str) -> str:
        check_name(kind, id)
        return f"{self.prefix}{kind}/{id}"

    def writer(self) -> S3BlobWriter:
        self.guard("a blob write")
        if self._spool_dir is not None:
            os.makedirs(self._spool_dir, exist_ok=True)
        # the writer owns it: closed by its commit or abort
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL, dir=self._spool_dir, suffix=".part")  # noqa: SIM115
        return S3BlobWriter(self, spool)

    def put(self, kind: str, id: str, data: bytes) -> str:
        return put_whole(self.writer(), kind, id, data)

    def upload(self, kind: str, id: str, source: Any, size: int) -> str:
        """Send `size` bytes from the file `source` to (kind, id), creating the object only if it is new."""
        self.guard("a blob commit")
        key = self.key(kind, id)
        if self._exists(key):  # refused before any byte is sent (and the check where If-None-Match is not)
            raise FileExistsError(f"s3://{self.bucket}/{key}")
        if size <= PART:

            def put(condition: Dict[str, str]) -> Any:
                source.seek(0)
                return self.client.put_object(
                    Bucket=self.bucket, Key=key, Body=source, ContentLength=size, **condition
                )

            self._create(key, put)
        else:
            self._multipart(key, source, size)
        return f"s3://{self.bucket}/{key}"

    def _multipart(self, key: str, source: Any, size: int) -> None:
        part_size = max(PART, -(-size // MAX_PARTS))
        upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        try:
            parts: List[Dict[str, Any]] = []
            source.seek(0)
            while True:
                data = source.read(part_size)  # one part in memory at a time
                if not data:
                    break
                number = len(parts) + 1
                sent = self.client.upload_part(
                    Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data
                )
                part = {"PartNumber": number, "ETag": sent["ETag"]}
                # a part's checksum (boto3 sends one by default) goes back in the completion
                part.update({k: v for k, v in sent.items() if k in _PART_SUMS})
                parts.append(part)
                del data

            def complete(condition: Dict[str, str]) -> Any:
                return self.client.complete_multipart_upload(
                    Bucket=self.bucket,
                    Key=key,
                    UploadId=upload_id,
                    MultipartUpload={"Parts": parts},
                    **condition,
                )

            self._create(key, complete)
        except BaseException:
            with contextlib.suppress(Exception):
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise

    def _create(self, key: str, send: Callable[[Dict[str, str]], Any]) -> None:
        """`send` the object with `If-None-Match: *`; where the bucket refuses that header, check and send
        without it. A taken key is `FileExistsError`."""
        if self._conditional:
            try:
                send({"IfNoneMatch": "*"})
                return
            except self._errors.ClientError as exc:
                if _is(exc, _TAKEN):
                    raise FileExistsError(f"s3://{self.bucket}/{key}") from None
                if not _is(exc, _UNSUPPORTED):
                    raise
            self._conditional = False
            if self._exists(key):
                raise FileExistsError(f"s3://{self.bucket}/{key}")
        send({})

    def _exists(self, key: str) -> bool:
        self.guard("a bucket read")
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except self._errors.ClientError as exc:
            if _is(exc, _MISSING):
                return False
            raise
        return True

    def find(self, kind: str, id: str) -> Optional[str]:
        key = self.key(kind, id)
        return f"s3://{self.bucket}/{key}" if self._exists(key) else None

    def _get(self, key: str, **options: Any) -> Optional[Dict[str, Any]]:
        self.guard("a bucket read")
        try:
            response: Dict[str, Any] = self.client.get_object(Bucket=self.bucket, Key=key, **options)
        except self._errors.ClientError as exc:
            if _is(exc, _MISSING):
                return None
            raise
        return response

    def read(self, kind: str, id: str, limit: Optional[int] = None) -> Optional[bytes]:
        key = self.key(kind, id)
        if limit is not None and limit <= 0:
            return b"" if self._exists(key) else None
        try:
            response = self._get(key, **({} if limit is None else {"Range": f"bytes=0-{limit - 1}"}))
        except self._errors.ClientError as exc:
            if _is(exc, ("InvalidRange", "416")):  # a range of an empty object
                return b""
            raise
        if response is None:
            return None
        body = response["Body"]
        try:
            data: bytes = body.read()
        finally:
            body.close()
        return data

    def open(self, kind: str, id: str) -> Optional[BlobStream]:
        response = self._get(self.key(kind, id))
        if response is None:
            return None
        return BlobStream(response["Body"], int(response["ContentLength"]))

    def delete(self, kind: str, id: str) -> None:
        self.guard("a bucket delete")
        self.client.delete_object(Bucket=self.bucket, Key=self.key(kind, id))

    def wipe(self) -> None:
        """Delete every object under the prefix's kinds (`<prefix>file/`, `<prefix>kdoc/`)."""
        self.guard("a bucket wipe")
        pages = self.client.get_paginator("list_objects_v2")
        for kind in KINDS:
            for page in pages.paginate(Bucket=self.bucket, Prefix=f"{self.prefix}{kind}/"):
                keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
                if not keys:
                    continue
                # a listing page holds at most 1000 keys, as many as one delete takes
                done = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})
                if done.get("Errors"):
                    raise OSError(f"s3://{self.bucket}/{self.prefix}: wipe failed: {done['Errors'][:3]}")

    def close(self) -> None:
        """Close the client's connections; the objects stay."""
        close = getattr(self.client, "close", None)
        if close is not None:
            close()
