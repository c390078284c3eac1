"""Background processing of knowledge documents: read, parse, chunk, index (doc pages
create_knowledge_files, get_dataset_progress).

One worker thread takes documents in upload order, as Coze's indexing queue does, and writes real
progress (0-100) and status (0 processing, 1 done, 9 failed) after each step. `hold()` parks the
worker before its next step and `step_delay` slows it down, so tests can watch a document mid-way.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import queue
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ..core.blobs import BlobStore
from ..core.store import Store
from .chunking import chunk_text, rule_from_strategy
from .images import auto_caption
from .parsing import ParseError, parse_document, parse_html, parse_text

log = logging.getLogger("cozekit.emulator")
PROCESSING, DONE, FAILED = 0, 1, 9
LOCAL, WEB, FILE_ID = 0, 1, 5
AUTO_CAPTION = 0
SLICE_BATCH = 8
"""Slices written between two progress updates."""
IMAGE_HEAD = 1024 * 1024
"""Bytes of an uploaded image read to caption it (its size is in the header)."""
SlicesChanged = Callable[[str, str, Optional[Sequence[str]]], None]
"""(dataset id, document id, its slices now; None: gone)."""
NOT_FETCHED = (
    "the web page could not be fetched: the emulator never uses the network; register the page's "
    "content first (Control.register_web_page)"
)


def web_key(url: str) -> str:
    """The store id of a registered web page (its URL without surrounding space or a trailing slash)."""
    return hashlib.sha256(url.strip().rstrip("/").encode()).hexdigest()


class _Canceled(Exception):
    """The document was deleted, or the emulator was reset, while it was being processed."""


class Ingestor:
    def __init__(self, store: Store, blobs: BlobStore, on_slices: SlicesChanged) -> None:
        """`on_slices(dataset_id, document_id, slices)` is called inside the transaction that saves
        a document's slices (the recall index follows them)."""
        self.store = store
        self.blobs = blobs
        self.on_slices = on_slices
        self.step_delay = 0.0
        self._queue: queue.Queue[Tuple[int, str]] = queue.Queue()
        self._generation = 0
        self._open = threading.Event()
        self._open.set()
        self._idle = threading.Condition()
        self._busy = 0
        self._worker: Optional[threading.Thread] = None
        self._lock = threading.Lock()

    # -- control ----------------------------------------------------------------------------------
    def start(self, doc_id: str) -> None:
        """Queue one stored document (status 0) for processing."""
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="knowledge-ingest", daemon=True)
                self._worker.start()
            with self._idle:
                self._busy += 1
            self._queue.put((self._generation, doc_id))

    def hold(self, on: bool) -> None:
        """Park the worker before its next step (True) or let it go on (False)."""
        if on:
            self._open.clear()
        else:
            self._open.set()

    @property
    def held(self) -> bool:
        return not self._open.is_set()

    def cancel_all(self) -> None:
        """Forget queued and running work (on reset); settings go back to their defaults."""
        with self._lock:
            self._generation += 1
        self.step_delay = 0.0
        self._open.set()

    def wait_idle(self, timeout: float) -> bool:
        """Block until the queue is empty and no document is in flight (True), or `timeout` passes."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    # -- slices -----------------------------------------------------------------------------------
    def slices(self, doc_id: str) -> List[str]:
        row = self.store.get("kslices", doc_id)
        return [] if row is None else [str(s) for s in row["slices"]]

    def save_slices(self, doc: Dict[str, Any], slices: List[str]) -> None:
        """Replace a document's slices and its counts (the caller saves nothing else)."""
        with self.store.transaction():
            self.store.upsert("kslices", {"id": doc["id"], "slices": slices}, owner=doc["owner"])
            doc.update(slice_count=len(slices), char_count=sum(len(s) for s in slices))
            self.store.update("kdocument", doc, owner=doc["owner"], parent=doc["dataset_id"])
            self.on_slices(str(doc["dataset_id"]), str(doc["id"]), slices)

    # -- the worker -------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            generation, doc_id = self._queue.get()
            try:
                if generation == self._generation:
                    self._process(generation, doc_id)
            except _Canceled:
                pass
            except Exception:  # a bug must not kill the queue: fail the document instead
                log.exception("knowledge: processing document %s crashed", doc_id)
                with contextlib.suppress(Exception):  # canceled, or the store is closing
                    self._write(generation, doc_id, status=FAILED, status_descript="internal error")
            finally:
                with self._idle:
                    self._busy -= 1
                    self._idle.notify_all()

    def _step(self, generation: int) -> None:
        while not self._open.wait(0.05):
            if generation != self._generation:
                raise _Canceled
        if self.step_delay:
            time.sleep(self.step_delay)
        if generation != self._generation:
            raise _Canceled

    def _write(self, generation: int, doc_id: str, **fields: Any) -> Dict[str, Any]:
        """Update the stored document unless it is gone or the emulator was reset meanwhile."""
        with self.store.transaction():  # held against a rename, a caption or a hit count meanwhile
            doc = self.store.get("kdocument", doc_id, lock=True)
            if doc is None or generation != self._generation:
                raise _Canceled
            doc.update(fields)
            self.store.update("kdocument", doc, owner=doc["owner"], parent=doc["dataset_id"])
            return doc

    def _process(self, generation: int, doc_id: str) -> None:
        self._step(generation)
        doc = self._write(generation, doc_id, progress=5, remaining_time=self._remaining(4))
        try:
            data = self._read(doc)
            self._step(generation)
            self._write(generation, doc_id, progress=25, remaining_time=self._remaining(3))
            if doc["source_type"] == FILE_ID:
                self._finish_image(generation, doc_id, data)
                return
            text = self._parse(doc, data)
            self._step(generation)
            self._write(generation, doc_id, progress=50, remaining_time=self._remaining(2))
            pieces = chunk_text(text, rule_from_strategy(doc["chunk_strategy"]))
            if not pieces:
                raise ParseError("the document has no text left after cleaning")
        except ParseError as exc:
            self._write(generation, doc_id, status=FAILED, status_descript=str(exc), remaining_time=0)
            return
        self._index(generation, doc_id, pieces)

    def _index(self, generation: int, doc_id: str, pieces: List[str]) -> None:
        """Write the slices batch by batch (progress 50 to 99), then mark the document done."""
        for end in range(SLICE_BATCH, len(pieces) + SLICE_BATCH, SLICE_BATCH):
            self._step(generation)
            done = min(end, len(pieces))
            self._write(generation, doc_id, progress=50 + 49 * done // len(pieces))
        with self.store.transaction():
            doc = self._write(generation, doc_id, status=DONE, progress=100, remaining_time=0)
            self.save_slices(doc, pieces)

    def _finish_image(self, generation: int, doc_id: str, data: bytes) -> None:
        self._step(generation)
        with self.store.transaction():
            doc = self._write(generation, doc_id, status=DONE, progress=100, remaining_time=0)
            caption_type = (doc["chunk_strategy"] or {}).get("caption_type") or AUTO_CAPTION
            if not doc["caption"] and caption_type == AUTO_CAPTION:
                doc["caption"] = auto_caption(doc["name"], data)
            self.save_slices(doc, [doc["caption"]] if doc["caption"].strip() else [])

    def _remaining(self, steps: int) -> int:
        return round(steps * self.step_delay)

    def _read(self, doc: Dict[str, Any]) -> bytes:
        if doc["source_type"] == WEB:
            page = self.store.get("web_page", web_key(doc["web_url"]))
            if page is None:
                raise ParseError(NOT_FETCHED)
            return str(page["content"]).encode()
        if doc["source_type"] == FILE_ID:  # an image: its header is all the captioner reads
            data = self.blobs.read("file", str(doc["file_id"]), limit=IMAGE_HEAD)
        else:
            data = self.blobs.read("kdoc", str(doc["id"]))
        if data is None:
            raise ParseError("the uploaded file is no longer available")
        return data

    @staticmethod
    def _parse(doc: Dict[str, Any], data: bytes) -> str:
        if doc["source_type"] == WEB:
            raw = parse_text(data)
            text = parse_html(data) if "<" in raw and ">" in raw else raw
            if not text.strip():
                raise ParseError("the web page contains no text")
            return text
        return parse_document(data, doc["type"])
