"""Uploaded files: metadata in the store, bytes as files in the blob store."""

from __future__ import annotations

import os
from typing import Any, Dict, Optional

from ..core.base import Account, Backend
from ..core.blobs import BlobStore, BlobWriter
from ..core.errors import CozeErrors
from ..core.ids import IdGenerator
from ..core.store import Store

# doc page upload_files, plus plain-text formats the emulator sees in tests.
_EXTENSIONS = """
doc docx xls xlsx ppt pptx pdf numbers csv cpp py java c txt md json html xml yaml yml
jpg jpeg jpg2 png gif webp heic heif bmp pcd tif tiff wav mp3 flac m4a aac ogg opus wma mid midi
mp4 avi mov 3gp 3gpp flv webm wmv rmvb m4v mkv rar zip 7z gz gzip bz2
"""
SUPPORTED = frozenset(_EXTENSIONS.split())


def render_file(doc: Dict[str, Any]) -> Dict[str, Any]:
    return {k: doc[k] for k in ("id", "bytes", "file_name", "created_at")}


def check_file_name(file_name: str) -> None:
    """4303 unless the name ends in a supported extension (judged before the content is read)."""
    ext = os.path.splitext(file_name)[1].lstrip(".").lower()
    if ext not in SUPPORTED:
        raise CozeErrors.FILE_TYPE_UNSUPPORTED(ext=ext or "(none)")


class FilesBackend(Backend):
    def __init__(self, store: Store, ids: IdGenerator, blobs: BlobStore) -> None:
        super().__init__(store, ids)
        self.blobs = blobs

    def upload(self, account: Account, file_name: str, data: bytes, max_bytes: int) -> Dict[str, Any]:
        """Store one upload given whole, applying Coze's rules: 4300 empty, 4302 too large, 4303 type."""
        if not data:
            raise CozeErrors.FILE_MISSING()
        if len(data) > max_bytes:
            raise CozeErrors.FILE_TOO_LARGE(limit=max_bytes)
        check_file_name(file_name)
        writer = self.blobs.writer()
        try:
            writer.write(data)
            return self.keep(account, file_name, writer)
        except BaseException:
            writer.abort()
            raise

    def keep(self, account: Account, file_name: str, writer: BlobWriter) -> Dict[str, Any]:
        """Record a written (checked) upload: its bytes move into place, then its metadata is stored."""
        doc = {"id": self.ids.next(), "bytes": writer.size, "file_name": file_name, "created_at": self.now()}
        writer.commit("file", str(doc["id"]))
        try:
            self.store.insert("file", doc, owner=account.user_id)
        except BaseException:
            self.blobs.delete("file", str(doc["id"]))
            raise
        return doc

    def get(self, account: Account, file_id: str) -> Dict[str, Any]:
        doc = self.store.get("file", file_id, owner=account.user_id)
        if doc is None:
            raise CozeErrors.RESOURCE_NOT_FOUND(what="file_id", id=file_id)
        return doc

    def content_path(self, account: Optional[Account], file_id: str) -> str:
        """The path of a file's bytes (any owner's when `account` is None: the control plane)."""
        doc = self.store.get("file", file_id, owner=None if account is None else account.user_id)
        path = None if doc is None else self.blobs.find("file", file_id)
        if path is None:
            raise CozeErrors.RESOURCE_NOT_FOUND(what="file_id", id=file_id)
        return path
