"""Progress for the command line (rich): bytes sent by an upload, a knowledge base's document processing,
elapsed time of a long wait.

Drawn on stderr, and only when stderr is a terminal: pipes, files and tests see nothing of it.
"""

from __future__ import annotations

import contextlib
import os
from typing import IO, Any, Callable, Dict, Iterator, List, Optional

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from .types.dataset import DocumentProgress

__all__ = ["ReadProgress", "console", "processing", "upload_source", "waiting"]


def console() -> Console:
    """The console progress is drawn on: stderr (tests replace this function)."""
    return Console(stderr=True)


class ReadProgress:
    """A binary file that reports its position after each read or seek (so a retried upload starts over)."""

    def __init__(self, raw: IO[bytes], on_position: Callable[[int], None]) -> None:
        self._raw = raw
        self._on_position = on_position

    @property
    def name(self) -> str:
        return str(getattr(self._raw, "name", "file"))

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._on_position(self._raw.tell())
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        position = self._raw.seek(offset, whence)
        self._on_position(position)
        return position

    def tell(self) -> int:
        return self._raw.tell()

    def fileno(self) -> int:
        return self._raw.fileno()

    def close(self) -> None:
        self._raw.close()


@contextlib.contextmanager
def upload_source(path: str, out: Optional[Console] = None) -> Iterator[Any]:
    """What to hand `files.upload(file=...)` for `path`: the path itself when no bar is drawn (or the file is
    missing: the SDK says so), else `(name, file)` whose reading advances a bar of bytes sent."""
    out = out or console()
    if not out.is_terminal or not os.path.isfile(path):
        yield path
        return
    name = os.path.basename(path)
    columns = (
        TextColumn("uploading {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with open(path, "rb") as raw, Progress(*columns, console=out) as progress:
        task = progress.add_task(name, total=os.fstat(raw.fileno()).st_size)
        yield name, ReadProgress(raw, lambda position: progress.update(task, completed=position))


@contextlib.contextmanager
def waiting(what: str, out: Optional[Console] = None) -> Iterator[None]:
    """A spinner with the elapsed time while the CLI waits for `what`; gone when the wait ends."""
    out = out or console()
    if not out.is_terminal:
        yield
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=out, transient=True) as progress:
        progress.add_task(what, total=None)
        yield


ProcessingCallback = Callable[[List[DocumentProgress]], None]


@contextlib.contextmanager
def processing(out: Optional[Console] = None) -> Iterator[Optional[ProcessingCallback]]:
    """An `on_progress` for `datasets.wait_for_processing` that draws a bar per document (percent processed),
    or None when no bar is drawn."""
    out = out or console()
    if not out.is_terminal:
        yield None
        return
    columns = (
        TextColumn("processing {task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=out) as progress:
        tasks: Dict[str, Any] = {}

        def show(documents: List[DocumentProgress]) -> None:
            for doc in documents:
                if doc.document_id not in tasks:
                    name = doc.document_name or doc.document_id
                    tasks[doc.document_id] = progress.add_task(name, total=100)
                progress.update(tasks[doc.document_id], completed=doc.progress or 0)

        yield show
