"""Recall for chats: the best slices of a bot's knowledge bases for a query (BM25, plus embeddings when
a local model is loaded), from the indexes kept per knowledge base (`index.py`), and the hit counters
Coze keeps on documents and knowledge bases."""

from __future__ import annotations

import heapq
from typing import Any, Dict, List, Optional, Tuple

from ..core.base import Account
from ..core.store import Store
from .embeddings import Embedder, load_embedder
from .index import KnowledgeIndex, PoolKey, Slice, bm25_pool_scores, dense_pool_scores, slice_of
from .retrieval import HYBRID, SEMANTIC, TOP_K, fuse

_UNSET: Any = object()


class KnowledgeRecall:
    def __init__(self, store: Store, index: KnowledgeIndex) -> None:
        self.store = store
        self.index = index
        self._embedder: Any = _UNSET

    def reset(self) -> None:
        """Forget the indexes and any embedder set by hand (the installed model loads again)."""
        self.index.clear()
        self._embedder = _UNSET

    @property
    def embedder(self) -> Optional[Embedder]:
        if self._embedder is _UNSET:
            self._embedder = load_embedder()
        result: Optional[Embedder] = self._embedder
        return result

    def set_embedder(self, embedder: Optional[Embedder]) -> None:
        """Use this embedder (None: BM25 only) instead of the installed model, e.g. in tests."""
        self._embedder = embedder
        self.index.clear()  # vectors of another model must not be compared with this one's

    def recall(
        self,
        account: Account,
        dataset_ids: List[str],
        query: str,
        strategy: int = HYBRID,
        top_k: int = TOP_K,
    ) -> List[Dict[str, Any]]:
        """The best slices of the finished documents of these knowledge bases (missing ones skipped)."""
        found = []
        for dataset_id in dict.fromkeys(str(d) for d in dataset_ids):
            if self.store.get("dataset", dataset_id, owner=account.user_id) is not None:
                found.append((dataset_id, self.index.current(dataset_id, account.user_id)))
        if not query.strip():
            return []
        indexes = [index for _, index in found]
        embedder = self.embedder
        with self.index.lock:
            keyword: Dict[PoolKey, float] = {}
            if strategy != SEMANTIC or embedder is None:
                keyword = bm25_pool_scores(indexes, query)
            dense: Dict[PoolKey, float] = {}
            if embedder is not None and strategy in (SEMANTIC, HYBRID):
                dense = dense_pool_scores(indexes, query, embedder)
            fused = fuse(keyword, dense, strategy, embedder is not None)
            order = lambda k: (-fused[k], k)  # noqa: E731
            best = heapq.nsmallest(top_k, fused, key=order) if top_k > 0 else sorted(fused, key=order)[:top_k]
            chosen = [(found[k[0]][0], slice_of(indexes, k), fused[k]) for k in best]
            # the score of the search that found the slice (Coze Studio compares a minimum score with it)
            own = {k: dense[k] if k in dense else keyword.get(k, fused[k]) for k in best}
        documents = self._count_hits(account, chosen)
        hits = []
        for key, (dataset_id, piece, score) in zip(best, chosen):
            doc = documents.get(piece.document_id)
            if doc is None:  # deleted by another worker since the index was read
                continue
            hits.append(
                {
                    "dataset_id": dataset_id,
                    "document_id": doc["id"],
                    "document_name": doc["name"],
                    "slice": piece.number,
                    "content": piece.content,
                    "score": score,
                    "relevance": own[key],
                }
            )
        return hits

    def recall_for_chat(
        self, account: Account, knowledge: Dict[str, Any], query: str
    ) -> Tuple[List[str], str]:
        """What a bot configured with `knowledge` recalls for a query: the slices (best first) and the
        content of the `knowledge` message Coze shows (`---\\nrecall slice 1:...\\n`); ([], "") if none."""
        dataset_ids = [str(i) for i in knowledge.get("dataset_ids") or []]
        if not dataset_ids or knowledge.get("auto_call") is False:
            return [], ""
        strategy = knowledge.get("search_strategy")
        hits = self.recall(account, dataset_ids, query, HYBRID if strategy is None else int(strategy))
        slices = [str(h["content"]) for h in hits]
        return slices, "".join(f"---\nrecall slice {n}:{s}\n" for n, s in enumerate(slices, 1))

    def _count_hits(
        self, account: Account, chosen: List[Tuple[str, Slice, float]]
    ) -> Dict[str, Dict[str, Any]]:
        """Count a hit on each recalled document and knowledge base, read and written under their locks
        (FOR UPDATE on PostgreSQL) so concurrent recalls and document changes lose no count or change;
        returns the documents as read (a deleted one is missing)."""
        documents: Dict[str, Dict[str, Any]] = {}
        if not chosen:
            return documents
        with self.store.transaction():
            for doc_id in dict.fromkeys(piece.document_id for _, piece, _ in chosen):
                doc = self.store.get("kdocument", doc_id, lock=True)
                if doc is None:
                    continue
                doc["hit_count"] += 1
                self.store.update("kdocument", doc, owner=account.user_id, parent=doc["dataset_id"])
                documents[doc_id] = doc
            for dataset_id in dict.fromkeys(d for d, piece, _ in chosen if piece.document_id in documents):
                ds = self.store.get("dataset", dataset_id, lock=True)
                if ds is not None:
                    ds["hit_count"] += 1
                    self.store.update("dataset", ds, owner=account.user_id, parent=ds["space_id"])
        return documents
