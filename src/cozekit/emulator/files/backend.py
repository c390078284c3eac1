"""Uploaded files: metadata in the store, bytes as blobs."""

from __future__ import annotations

import os
from typing import Any, Dict

from ..core.base import Account, Backend
from ..core.errors import CozeErrors

# protocol.md §7.1, plus plain-text formats the emulator sees in tests.
_EXTENSIONS = """
doc docx xls xlsx ppt pptx pdf numbers csv cpp py java c txt md json html xml yaml yml
jpg jpeg jpg2 png gif webp heic heif bmp pcd tif tiff wav mp3 flac m4a aac ogg opus wma mid midi
mp4 avi mov 3gp 3gpp flv webm wmv rmvb m4v mkv rar zip 7z gz gzip bz2
"""
SUPPORTED = frozenset(_EXTENSIONS.split())


def render_file(doc: Dict[str, Any]) -> Dict[str, Any]:
    return {k: doc[k] for k in ("id", "bytes", "file_name", "created_at")}


class FilesBackend(Backend):
    def upload(self, account: Account, file_name: str, data: bytes, max_bytes: int) -> Dict[str, Any]:
        """Store one upload, applying Coze's rules: 4300 empty, 4302 too large, 4303 unsupported type."""
        if not data:
            raise CozeErrors.FILE_MISSING()
        if len(data) > max_bytes:
            raise CozeErrors.FILE_TOO_LARGE(limit=max_bytes)
        ext = os.path.splitext(file_name)[1].lstrip(".").lower()
        if ext not in SUPPORTED:
            raise CozeErrors.FILE_TYPE_UNSUPPORTED(ext=ext or "(none)")
        doc = {"id": self.ids.next(), "bytes": len(data), "file_name": file_name, "created_at": self.now()}
        with self.store.transaction():
            self.store.insert("file", doc, owner=account.user_id)
            self.store.put_blob(str(doc["id"]), data)
        return doc

    def get(self, account: Account, file_id: str) -> Dict[str, Any]:
        doc = self.store.get("file", file_id, owner=account.user_id)
        if doc is None:
            raise CozeErrors.RESOURCE_NOT_FOUND(what="file_id", id=file_id)
        return doc
