"""`coze.files`: upload (streamed from disk, never read whole into memory) and retrieve."""

from __future__ import annotations

import contextlib
import io
import os
from typing import IO, Any, Iterator, Optional, Tuple, Union

from typing_extensions import Unpack

from .._parsing import model
from .._paths import require
from .._request import CallOptions, RequestOptions, get
from .._resource import AsyncAPIResource, SyncAPIResource
from ..types.file import File

__all__ = ["MAX_UPLOAD_BYTES", "AsyncFiles", "FileInput", "Files", "open_upload"]

MAX_UPLOAD_BYTES = 512 * 1024 * 1024
FileInput = Union[str, "os.PathLike[str]", bytes, IO[bytes], Tuple[str, Any]]
"""A path, bytes, a binary file object, or `(file_name, bytes or file object)`."""


def _size_of(stream: IO[bytes]) -> Optional[int]:
    try:
        return os.fstat(stream.fileno()).st_size - stream.tell()
    except (OSError, AttributeError, io.UnsupportedOperation):
        return None


@contextlib.contextmanager
def open_upload(
    file: FileInput, file_name: Optional[str], endpoint: str, options: CallOptions, **fields: Any
) -> Iterator[RequestOptions]:
    """A multipart request with `file` as part `file`. Paths are opened here and closed on exit;
    file objects are the caller's and stay open. Sizes are checked before any I/O."""
    with contextlib.ExitStack() as stack:
        content: Union[bytes, IO[bytes]]
        if isinstance(file, tuple):
            name, content = file[0], file[1]
        elif isinstance(file, (bytes, bytearray)):
            name, content = file_name or "file", bytes(file)
        elif isinstance(file, (str, os.PathLike)):
            file_path = os.fspath(file)
            if not os.path.isfile(file_path):
                raise FileNotFoundError(f"no such file to upload: {file_path}")
            name = file_name or os.path.basename(file_path)
            content = stack.enter_context(open(file_path, "rb"))
        elif hasattr(file, "read"):
            name = file_name or os.path.basename(str(getattr(file, "name", "") or "file"))
            content = file
        else:
            raise TypeError(f"cannot upload a {type(file).__name__}: pass a path, bytes or a binary file")
        size = len(content) if isinstance(content, bytes) else _size_of(content)
        if size == 0:
            raise ValueError("cannot upload an empty file (Coze answers 4300)")
        if size is not None and size > MAX_UPLOAD_BYTES:
            raise ValueError(f"file is {size} bytes; Coze accepts at most {MAX_UPLOAD_BYTES} (512 MB)")
        yield RequestOptions(
            "POST",
            endpoint,
            files={"file": (file_name or name, content)},
            data={k: v for k, v in fields.items() if v is not None} or None,
        ).with_call_options(options)


def _retrieve(file_id: str, options: CallOptions) -> RequestOptions:
    require(file_id=file_id)
    return get("/v1/files/retrieve", {"file_id": file_id}).with_call_options(options)


class Files(SyncAPIResource):
    """Upload files to use in chats (object_string items), knowledge bases or as icons."""

    def upload(
        self, *, file: FileInput, file_name: Optional[str] = None, **options: Unpack[CallOptions]
    ) -> File:
        """Upload one file (at most 512 MB). A path is streamed from disk and closed afterwards.

        >>> coze.files.upload(file="photo.png")
        """
        with open_upload(file, file_name, "/v1/files/upload", options) as opts:
            return self._client.request(opts, model(File))

    def retrieve(self, *, file_id: str, **options: Unpack[CallOptions]) -> File:
        return self._client.request(_retrieve(file_id, options), model(File))


class AsyncFiles(AsyncAPIResource):
    async def upload(
        self, *, file: FileInput, file_name: Optional[str] = None, **options: Unpack[CallOptions]
    ) -> File:
        with open_upload(file, file_name, "/v1/files/upload", options) as opts:
            return await self._client.request(opts, model(File))

    async def retrieve(self, *, file_id: str, **options: Unpack[CallOptions]) -> File:
        return await self._client.request(_retrieve(file_id, options), model(File))
