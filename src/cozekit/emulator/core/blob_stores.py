"""Which blob store an emulator uses: `open_blob_store` reads the settings. Kept apart from both stores (the
S3 one imports the shared parts of core/blobs.py); boto3 is imported only when an S3 store is made."""

from __future__ import annotations

import os
from typing import Optional

from .blobs import BlobStore, DiskBlobStore
from .blobs_s3 import S3BlobStore


def open_blob_store(
    files_url: Optional[str] = None, files_dir: Optional[str] = None, s3_endpoint_url: Optional[str] = None
) -> BlobStore:
    """The store the settings name: `files_url` `s3://bucket/prefix` (the `s3` extra), else files under
    `files_dir` (a temporary directory when None). With S3, uploads are spooled under `files_dir/tmp`."""
    if not files_url:
        return DiskBlobStore(files_dir)
    if files_url.startswith("s3://"):
        spool = None if files_dir is None else os.path.join(files_dir, "tmp")
        return S3BlobStore(files_url, endpoint_url=s3_endpoint_url, spool_dir=spool)
    raise ValueError(f"files URL {files_url!r}: only s3://bucket/prefix is supported")
