"""Knowledge bases (datasets), their documents and images, and recall for chats (doc pages
create_dataset, create_knowledge_files, get_images).

This module holds the rules. Documents are processed in the background (`knowledge_ingest`), recall
lives in `knowledge_recall` and Coze's views in `knowledge_render`. Store kinds: `dataset`, `kdocument`
(parent: dataset), `kslices` (a document's slices), `kindex` (a dataset's recall-index stamp, `index.py`)
and `web_page` (registered through the control plane). Uploaded bytes live in the blob store.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Dict, List, Optional, Tuple

from ..core.base import Account, Backend, page_bounds
from ..core.blobs import BlobStore
from ..core.errors import bad_request, not_found
from ..core.ids import IdGenerator
from ..core.store import Store, contains
from .chunking import ChunkStrategyError, rule_from_strategy
from .embeddings import Embedder
from .images import IMAGE_TYPES
from .index import KnowledgeIndex
from .ingest import AUTO_CAPTION, DONE, FAILED, FILE_ID, LOCAL, PROCESSING, WEB, Ingestor, web_key
from .parsing import TEXT_TYPES
from .recall import KnowledgeRecall
from .retrieval import HYBRID, TOP_K
from .views import bot_dataset_ids, render_document, render_photo, render_progress

TEXT, TABLE, IMAGE = 0, 1, 2
MAX_CREATE, MAX_DELETE, MAX_NAME = 10, 100, 100


def _name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise bad_request("name is required")
    if len(name) > MAX_NAME:
        raise bad_request(f"name must be at most {MAX_NAME} characters")
    return name


class KnowledgeBackend(Backend):
    def __init__(self, store: Store, ids: IdGenerator, blobs: BlobStore) -> None:
        super().__init__(store, ids)
        self.blobs = blobs
        self.index = KnowledgeIndex(store)
        self.ingestor = Ingestor(store, blobs, self.index.document_changed)
        self.recaller = KnowledgeRecall(store, self.index)

    # -- datasets -------------------------------------------------------------------------------
    def _dataset(self, account: Account, dataset_id: str, lock: bool = False) -> Dict[str, Any]:
        ds = self.store.get("dataset", dataset_id, owner=account.user_id, lock=lock)
        if ds is None:
            raise not_found("dataset_id", dataset_id)
        return ds

    def _check_space(self, account: Account, space_id: str) -> None:
        if not space_id or self.store.get("workspace", space_id, owner=account.user_id) is None:
            raise not_found("space_id", space_id or "(empty)")

    def create_dataset(
        self,
        account: Account,
        name: Any,
        space_id: str,
        format_type: Any,
        description: Optional[str],
        file_id: Optional[str],
    ) -> str:
        _name(name)
        if format_type not in (TEXT, IMAGE):
            raise bad_request("format_type must be 0 (text) or 2 (image); tables need the Coze UI")
        self._check_space(account, space_id)
        if file_id:
            self._file(account, file_id)
        now = self.now()
        ds = {
            "id": self.ids.next(),
            "name": name,
            "description": description or "",
            "space_id": space_id,
            "format_type": format_type,
            "icon_file_id": file_id or "",
            "creator_id": account.user_id,
            "creator_name": account.user_name,
            "create_time": now,
            "update_time": now,
            "hit_count": 0,
            "chunk_strategy": None,
        }
        self.store.insert("dataset", ds, owner=account.user_id, parent=space_id)
        return str(ds["id"])

    def list_datasets(
        self,
        account: Account,
        space_id: str,
        name: Optional[str],
        format_type: Optional[int],
        page_num: int,
        page_size: int,
    ) -> Dict[str, Any]:
        start, end = page_bounds(page_num, page_size, 300)
        self._check_space(account, space_id)
        where: Dict[str, Any] = {}
        if name:
            where["name"] = contains(name)
        if format_type is not None:
            where["format_type"] = format_type
        scope: Dict[str, Any] = {"owner": account.user_id, "parent": space_id, "where": where}
        page = self.store.page(
            "dataset", **scope, order="created_at", desc=True, offset=start, limit=end - start
        )
        return {
            "total_count": self.store.count("dataset", **scope),
            "dataset_list": [self.render_dataset(account, d) for d in page.items],
        }

    def update_dataset(
        self, account: Account, dataset_id: str, name: Any, description: Optional[str], file_id: Optional[str]
    ) -> None:
        self._dataset(account, dataset_id)
        _name(name)
        if file_id:
            self._file(account, file_id)
        with self.store.transaction():  # a hit count or a document added meanwhile is kept
            ds = self._dataset(account, dataset_id, lock=True)
            ds.update(name=name, description=description or "", icon_file_id=file_id or "")
            ds["update_time"] = self.now()
            self.store.update("dataset", ds, owner=account.user_id, parent=ds["space_id"])

    def delete_dataset(self, account: Account, dataset_id: str) -> None:
        self._dataset(account, dataset_id)
        with self.store.transaction():
            for doc in self._documents(account, dataset_id):
                self._drop_document(doc)
            self.store.delete("dataset", dataset_id)
            self.index.dataset_deleted(dataset_id)

    def render_dataset(self, account: Account, ds: Dict[str, Any]) -> Dict[str, Any]:
        docs = self._documents(account, ds["id"])
        used = sum(
            1
            for bot in self.store.find("bot", owner=account.user_id)
            if ds["id"] in bot_dataset_ids(bot["draft"])
        )
        by_status = {s: [d for d in docs if d["status"] == s] for s in (PROCESSING, DONE, FAILED)}
        return {
            "dataset_id": ds["id"],
            "name": ds["name"],
            "description": ds["description"],
            "space_id": ds["space_id"],
            "status": 1,
            "format_type": ds["format_type"],
            "can_edit": True,
            "icon_uri": f"emulator/dataset_icon/{ds['icon_file_id']}" if ds["icon_file_id"] else "",
            "icon_url": "",
            "avatar_url": "",
            "creator_id": ds["creator_id"],
            "creator_name": ds["creator_name"],
            "create_time": ds["create_time"],
            "update_time": ds["update_time"],
            "doc_count": len(docs),
            "slice_count": sum(d["slice_count"] for d in docs),
            "hit_count": ds["hit_count"],
            "all_file_size": sum(d["size"] for d in docs),
            "bot_used_count": used,
            "file_list": [d["name"] for d in by_status[DONE]],
            "failed_file_list": [d["name"] for d in by_status[FAILED]],
            "processing_file_list": [d["name"] for d in by_status[PROCESSING]],
            "processing_file_id_list": [d["id"] for d in by_status[PROCESSING]],
            "chunk_strategy": ds["chunk_strategy"] or {"chunk_type": 0},
        }

    # -- documents ------------------------------------------------------------------------------
    def _documents(self, account: Account, dataset_id: str) -> List[Dict[str, Any]]:
        return self.store.find("kdocument", owner=account.user_id, parent=dataset_id)

    def _document(self, account: Account, document_id: str, lock: bool = False) -> Dict[str, Any]:
        doc = self.store.get("kdocument", document_id, owner=account.user_id, lock=lock)
        if doc is None:
            raise not_found("document_id", document_id)
        return doc

    def _file(self, account: Account, file_id: str) -> Dict[str, Any]:
        f = self.store.get("file", file_id, owner=account.user_id)
        if f is None:
            raise not_found("file_id", file_id)
        return f

    def _drop_document(self, doc: Dict[str, Any]) -> None:
        self.store.delete("kdocument", doc["id"])
        self.store.delete("kslices", doc["id"])
        self.blobs.delete("kdoc", str(doc["id"]))
        self.index.document_changed(str(doc["dataset_id"]), str(doc["id"]), None)

    def create_documents(
        self,
        account: Account,
        dataset_id: str,
        bases: List[Dict[str, Any]],
        strategy: Optional[Dict[str, Any]],
        format_type: Optional[int],
    ) -> List[Dict[str, Any]]:
        """Validate everything first, then record the documents (status 0) and start processing them."""
        ds = self._dataset(account, dataset_id)
        if not bases:
            raise bad_request("document_bases must not be empty")
        if len(bases) > MAX_CREATE:
            raise bad_request(f"document_bases allows at most {MAX_CREATE} documents per call")
        kind = ds["format_type"] if format_type is None else format_type
        if kind != ds["format_type"]:
            raise bad_request(f"format_type {kind} does not match the knowledge base's {ds['format_type']}")
        strategy = dict(strategy or {})
        try:
            rule_from_strategy(strategy)
        except ChunkStrategyError as exc:
            raise bad_request(str(exc)) from None
        if kind == IMAGE and strategy.get("caption_type") is None:
            # the knowledge base's choice once made, else automatic (@coze/api's example sends none)
            strategy["caption_type"] = (ds["chunk_strategy"] or {}).get("caption_type", AUTO_CAPTION)
        prepared = [self._prepare(account, kind, b) for b in bases]
        methods = {p[0]["source_type"] for p in prepared}
        if len(methods) > 1:
            raise bad_request("one upload method per request: local files, web pages or file ids")
        docs = []
        written = []
        try:
            for doc, blob in prepared:  # the bytes first: a document is never stored without them
                if blob is not None:
                    self.blobs.put("kdoc", str(doc["id"]), blob)
                    written.append(str(doc["id"]))
            with self.store.transaction():
                ds = self._dataset(account, dataset_id, lock=True)  # as it is now: a rename is kept
                for doc, _ in prepared:
                    doc.update(dataset_id=dataset_id, chunk_strategy=strategy, owner=account.user_id)
                    self.store.insert("kdocument", doc, owner=account.user_id, parent=dataset_id)
                    docs.append(doc)
                if ds["chunk_strategy"] is None:
                    ds["chunk_strategy"] = strategy
                ds["update_time"] = self.now()
                self.store.update("dataset", ds, owner=account.user_id, parent=ds["space_id"])
        except BaseException:
            for doc_id in written:
                self.blobs.delete("kdoc", doc_id)
            raise
        for doc in docs:
            self.ingestor.start(doc["id"])
        return [render_document(d) for d in docs]

    def _prepare(self, account: Account, kind: int, base: Any) -> Tuple[Dict[str, Any], Optional[bytes]]:
        if not isinstance(base, dict):
            raise bad_request("each document_bases item must be an object")
        name = base.get("name")
        if not isinstance(name, str) or not name.strip():
            raise bad_request("document_bases[].name is required")
        info = base.get("source_info")
        if not isinstance(info, dict):
            raise bad_request("document_bases[].source_info is required")
        info = {k: v for k, v in info.items() if v is not None}  # null means absent (cozepy sends them)
        now = self.now()
        doc: Dict[str, Any] = {
            "id": self.ids.next(),
            "name": name,
            "format_type": kind,
            "status": PROCESSING,
            "progress": 0,
            "remaining_time": 0,
            "status_descript": "",
            "char_count": 0,
            "slice_count": 0,
            "hit_count": 0,
            "update_type": 0,
            "update_interval": 0,
            "create_time": now,
            "update_time": now,
            "caption": base.get("caption") or "",
            "creator_id": account.user_id,
        }
        source = info.get("document_source")
        if "source_file_id" in info or source == FILE_ID:
            if kind != IMAGE:
                raise bad_request("a text knowledge base takes local files or web pages, not file ids")
            if not info.get("source_file_id"):
                raise bad_request("source_info.source_file_id is required")
            file_id = str(info.get("source_file_id") or "")
            f = self._file(account, file_id)
            ext = f["file_name"].rsplit(".", 1)[-1].lower() if "." in f["file_name"] else ""
            if ext not in IMAGE_TYPES:
                raise bad_request(f"file {file_id} ({f['file_name']}) is not an image")
            doc.update(source_type=FILE_ID, file_id=file_id, size=f["bytes"], type=ext)
            doc["tos_uri"] = f"emulator/knowledge/{file_id}/{f['file_name']}"
            return doc, None
        if kind == IMAGE:
            raise bad_request(
                "an image knowledge base takes file ids of images uploaded with /v1/files/upload"
            )
        if "web_url" in info or source == WEB:
            url = info.get("web_url")
            if not isinstance(url, str) or not url.strip():
                raise bad_request("source_info.web_url is required for a web page")
            rule = base.get("update_rule") or {}
            interval = rule.get("update_interval") or 0
            if rule.get("update_type") == 1 and interval < 24:
                raise bad_request("update_rule.update_interval is in hours and must be at least 24")
            doc.update(source_type=WEB, web_url=url, size=0, type="html", tos_uri="")
            doc.update(update_type=rule.get("update_type") or 0, update_interval=interval)
            return doc, None
        return self._prepare_local(doc, info)

    @staticmethod
    def _prepare_local(doc: Dict[str, Any], info: Dict[str, Any]) -> Tuple[Dict[str, Any], Optional[bytes]]:
        file_type = str(info.get("file_type") or "").lower().lstrip(".")
        if "file_base64" not in info:
            raise bad_request("source_info needs file_base64 and file_type, web_url, or source_file_id")
        if not file_type:
            raise bad_request("source_info.file_type is required for a local file")
        if file_type not in TEXT_TYPES:
            raise bad_request(f"file_type {file_type!r} is not supported; use pdf, txt, doc, docx, md or csv")
        if not isinstance(info["file_base64"], str):
            raise bad_request("source_info.file_base64 must be a string")
        try:
            data = base64.b64decode(info["file_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise bad_request("source_info.file_base64 is not valid base64") from None
        if not data:
            raise bad_request("source_info.file_base64 is empty")
        doc.update(source_type=LOCAL, size=len(data), type=file_type)
        doc["tos_uri"] = f"emulator/knowledge/{doc['id']}.{file_type}"
        return doc, data

    def update_document(
        self, account: Account, document_id: str, name: Optional[str], rule: Optional[Dict[str, Any]]
    ) -> Dict[str, Any]:
        """Rename a document, or change a web page's refresh rule (interval in hours, at least 24)."""
        with self.store.transaction():  # the ingestion worker writes the same document
            return self._update_document(account, document_id, name, rule)

    def _update_document(
        self, account: Account, document_id: str, name: Optional[str], rule: Optional[Dict[str, Any]]
    ) -> Dict[str, Any]:
        doc = self._document(account, document_id, lock=True)
        if name is not None:
            if not name.strip():
                raise bad_request("document_name must not be empty")
            doc["name"] = name
        if rule:
            if doc["source_type"] != WEB:
                raise bad_request("update_rule applies to web-page documents only")
            if rule.get("update_type") == 1 and (rule.get("update_interval") or 0) < 24:
                raise bad_request("update_rule.update_interval is in hours and must be at least 24")
            doc["update_type"] = rule.get("update_type") or 0
            doc["update_interval"] = rule.get("update_interval") or 0
        doc["update_time"] = self.now()
        self.store.update("kdocument", doc, owner=account.user_id, parent=doc["dataset_id"])
        return render_document(doc)

    def delete_documents(self, account: Account, document_ids: List[str]) -> None:
        if not document_ids:
            raise bad_request("document_ids must not be empty")
        if len(document_ids) > MAX_DELETE:
            raise bad_request(f"document_ids allows at most {MAX_DELETE} ids per call")
        docs = [self._document(account, i) for i in document_ids]
        with self.store.transaction():
            for doc in docs:
                self._drop_document(doc)

    def list_documents(self, account: Account, dataset_id: str, page: int, size: int) -> Dict[str, Any]:
        self._dataset(account, dataset_id)
        start, end = page_bounds(max(page, 1), size, 300)
        scope: Dict[str, Any] = {"owner": account.user_id, "parent": dataset_id}
        rows = self.store.page("kdocument", **scope, offset=start, limit=end - start)
        return {
            "document_infos": [render_document(d) for d in rows.items],
            "total": self.store.count("kdocument", **scope),
        }

    def progress(self, account: Account, dataset_id: str, document_ids: List[str]) -> List[Dict[str, Any]]:
        self._dataset(account, dataset_id)
        if not document_ids:
            raise bad_request("document_ids must not be empty")
        out = []
        for i in document_ids:
            doc = self._document(account, i)
            if doc["dataset_id"] != dataset_id:
                raise not_found("document_id", i)
            out.append(render_progress(doc))
        return out

    # -- images ---------------------------------------------------------------------------------
    def list_images(
        self,
        account: Account,
        dataset_id: str,
        page_num: int,
        page_size: int,
        keyword: Optional[str],
        has_caption: Optional[bool],
    ) -> Dict[str, Any]:
        start, end = page_bounds(page_num, page_size, 299)
        self._dataset(account, dataset_id)
        docs = [d for d in self._documents(account, dataset_id) if d["format_type"] == IMAGE]
        if keyword:
            docs = [d for d in docs if keyword.lower() in d["caption"].lower()]
        if has_caption is not None:
            docs = [d for d in docs if bool(d["caption"]) == has_caption]
        return {"photo_infos": [render_photo(d) for d in docs[start:end]], "total_count": len(docs)}

    def update_caption(self, account: Account, dataset_id: str, document_id: str, caption: Any) -> None:
        self._dataset(account, dataset_id)
        if not isinstance(caption, str):
            raise bad_request("caption is required")
        with self.store.transaction():  # read and write under the lock the ingestion worker takes
            doc = self._document(account, document_id, lock=True)
            if doc["dataset_id"] != dataset_id or doc["format_type"] != IMAGE:
                raise not_found("document_id", document_id)
            doc.update(caption=caption, update_time=self.now())
            self.store.update("kdocument", doc, owner=account.user_id, parent=dataset_id)
            if doc["status"] == DONE:
                slices = [caption] if caption.strip() else []
                self.ingestor.save_slices(doc, slices)

    # -- recall -------------------------------------------------------------------------------
    @property
    def embedder(self) -> Optional[Embedder]:
        return self.recaller.embedder

    def set_embedder(self, embedder: Optional[Embedder]) -> None:
        """Use this embedder (None: BM25 only) instead of the installed model, e.g. in tests."""
        self.recaller.set_embedder(embedder)

    def recall(
        self, account: Account, dataset_ids: List[str], query: str, strategy: int = HYBRID, top_k: int = TOP_K
    ) -> List[Dict[str, Any]]:
        """The best slices of the finished documents of these knowledge bases (missing ones skipped)."""
        return self.recaller.recall(account, dataset_ids, query, strategy, top_k)

    def recall_for_chat(
        self, account: Account, knowledge: Dict[str, Any], query: str
    ) -> Tuple[List[str], str]:
        """See `KnowledgeRecall.recall_for_chat`."""
        return self.recaller.recall_for_chat(account, knowledge, query)

    # -- control plane --------------------------------------------------------------------------
    def reset(self) -> None:
        """Drop running work, the recall indexes and settings (the store is wiped by the caller)."""
        self.ingestor.cancel_all()
        self.recaller.reset()

    def register_web_page(self, url: str, content: str, title: str = "") -> Dict[str, str]:
        page = {"id": web_key(url), "url": url, "content": content, "title": title}
        self.store.upsert("web_page", page, owner="")
        return page
