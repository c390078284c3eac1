"""A JSON request body with local files streamed into it as base64 strings.

The JSON is rendered with a unique placeholder string where each file goes; sending emits the JSON text
around the placeholders and, in their place, the file's base64 computed from chunks read one at a time.
Only one chunk of a file is ever in memory, and the length is known in advance (`Content-Length`).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from typing import Any, BinaryIO, Callable, Iterator, List, Sequence, Tuple

from ..types.document import LocalDocumentFile

__all__ = ["READ_CHUNK", "StreamedJSON"]

READ_CHUNK = 3 * 16 * 1024
"""Bytes read per step: a multiple of 3, so each chunk's base64 joins the next without padding."""


class StreamedJSON:
    """Build with `placeholder(file)` values inside the body, then `render(body)`."""

    def __init__(self) -> None:
        self._token = secrets.token_hex(8)
        self._files: List[LocalDocumentFile] = []

    def placeholder(self, file: LocalDocumentFile) -> str:
        self._files.append(file)
        return f"@@cozekit-file-{self._token}-{len(self._files) - 1}@@"

    def render(self, body: Any) -> Tuple[Callable[[], Iterator[bytes]], int]:
        """A factory of fresh body iterators, and the body's length in bytes."""
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        pattern = re.compile(rb'"@@cozekit-file-' + self._token.encode() + rb'-(\d+)@@"')
        pieces: List[bytes] = []
        order: List[LocalDocumentFile] = []
        last = 0
        for match in pattern.finditer(text):
            opening = b'"' if order else b""
            pieces.append(opening + text[last : match.start()] + b'"')
            order.append(self._files[int(match.group(1))])
            last = match.end()
        pieces.append((b'"' if order else b"") + text[last:])
        if len(order) != len(self._files):
            raise AssertionError("a file placeholder is missing from the rendered body")
        length = sum(len(p) for p in pieces) + sum(f.base64_size for f in order)
        return (lambda: _emit(pieces, order)), length


def _emit(pieces: Sequence[bytes], files: Sequence[LocalDocumentFile]) -> Iterator[bytes]:
    for i, piece in enumerate(pieces):
        yield piece
        if i < len(files):
            yield from base64_chunks(files[i])


def base64_chunks(file: LocalDocumentFile, chunk: int = READ_CHUNK) -> Iterator[bytes]:
    """The file's base64, one read chunk at a time; fails if the file changed size since it was added."""
    if chunk % 3:
        raise ValueError("chunk must be a multiple of 3")
    sent = 0
    if file.data is not None:
        view = memoryview(file.data)
        for start in range(0, len(view), chunk):
            yield base64.b64encode(view[start : start + chunk])
        return
    assert file.path is not None
    with open(file.path, "rb") as f:
        while sent < file.size:
            part = _read_exact(f, min(chunk, file.size - sent))
            if not part:
                break
            sent += len(part)
            yield base64.b64encode(part)
        if sent != file.size or f.read(1):
            raise OSError(f"{file.path} changed size while uploading ({file.size} bytes expected)")


def _read_exact(f: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes, fewer only at the end of the file (keeps chunks a multiple of 3)."""
    data = f.read(size)
    while data and len(data) < size:
        more = f.read(size - len(data))
        if not more:
            break
        data += more
    return data
