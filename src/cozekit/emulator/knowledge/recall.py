"""Recall for chats: the best slices of a bot's knowledge bases for a query (BM25, plus embeddings when
a local model is loaded), and the hit counters Coze keeps on documents and knowledge bases."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ..core.base import Account
from ..core.store import Store
from .embeddings import Embedder, load_embedder
from .ingest import DONE, Ingestor
from .retrieval import HYBRID, TOP_K, rank

_UNSET: Any = object()


class KnowledgeRecall:
    def __init__(self, store: Store, ingestor: Ingestor) -> None:
        self.store = store
        self.ingestor = ingestor
        self._embedder: Any = _UNSET
        self._vectors: Dict[Tuple[str, int], List[float]] = {}

    def reset(self) -> None:
        """Forget cached vectors and any embedder set by hand (the installed model loads again)."""
        self._vectors.clear()
        self._embedder = _UNSET

    def forget(self, document_id: str, slice_index: Optional[int] = None) -> None:
        """Drop the cached vectors of a deleted document (or of one changed slice)."""
        if slice_index is not None:
            self._vectors.pop((document_id, slice_index), None)
        else:
            self._vectors = {k: v for k, v in self._vectors.items() if k[0] != document_id}

    @property
    def embedder(self) -> Optional[Embedder]:
        if self._embedder is _UNSET:
            self._embedder = load_embedder()
        result: Optional[Embedder] = self._embedder
        return result

    def set_embedder(self, embedder: Optional[Embedder]) -> None:
        """Use this embedder (None: BM25 only) instead of the installed model, e.g. in tests."""
        self._embedder = embedder
        self._vectors.clear()

    def recall(
        self,
        account: Account,
        dataset_ids: List[str],
        query: str,
        strategy: int = HYBRID,
        top_k: int = TOP_K,
    ) -> List[Dict[str, Any]]:
        """The best slices of the finished documents of these knowledge bases (missing ones skipped)."""
        pool: List[Dict[str, Any]] = []
        for dataset_id in dict.fromkeys(str(d) for d in dataset_ids):
            if self.store.get("dataset", dataset_id, owner=account.user_id) is None:
                continue
            for doc in self.store.find("kdocument", owner=account.user_id, parent=dataset_id):
                if doc["status"] != DONE:
                    continue
                for n, text in enumerate(self.ingestor.slices(doc["id"])):
                    pool.append({"dataset_id": dataset_id, "document": doc, "slice": n, "content": text})
        if not pool or not query.strip():
            return []
        texts = [p["content"] for p in pool]
        embedder = self.embedder
        vectors = self._pool_vectors(pool, embedder) if embedder is not None else None
        hits = rank(texts, query, strategy=strategy, embedder=embedder, vectors=vectors, top_k=top_k)
        chosen = [{**pool[h.index], "score": h.score} for h in hits]
        self._count_hits(account, chosen)
        return [
            {
                "dataset_id": c["dataset_id"],
                "document_id": c["document"]["id"],
                "document_name": c["document"]["name"],
                "slice": c["slice"],
                "content": c["content"],
                "score": c["score"],
            }
            for c in chosen
        ]

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

    def _pool_vectors(self, pool: List[Dict[str, Any]], embedder: Embedder) -> List[List[float]]:
        missing = [p for p in pool if (p["document"]["id"], p["slice"]) not in self._vectors]
        if missing:
            fresh = embedder([p["content"] for p in missing])
            for p, v in zip(missing, fresh):
                self._vectors[(p["document"]["id"], p["slice"])] = v
        return [self._vectors[(p["document"]["id"], p["slice"])] for p in pool]

    def _count_hits(self, account: Account, chosen: List[Dict[str, Any]]) -> None:
        with self.store.transaction():
            for doc_id in dict.fromkeys(c["document"]["id"] for c in chosen):
                doc = self.store.get("kdocument", doc_id)
                if doc is not None:
                    doc["hit_count"] += 1
                    self.store.update("kdocument", doc, owner=account.user_id, parent=doc["dataset_id"])
            for dataset_id in dict.fromkeys(c["dataset_id"] for c in chosen):
                ds = self.store.get("dataset", dataset_id)
                if ds is not None:
                    ds["hit_count"] += 1
                    self.store.update("dataset", ds, owner=account.user_id, parent=ds["space_id"])
