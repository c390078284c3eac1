"""Recall indexes kept between recalls: per knowledge base, the tokenized slices of its finished
documents, an inverted index (term -> slices holding it, with counts) for BM25+, and the slices'
embedding vectors once computed. A recall scores only the slices that share a term with the query.

Each index carries a stamp. Every change to a knowledge base's slices (a document finished, its caption
changed, a document deleted) writes a fresh random stamp to the store (kind `kindex`, id: the dataset)
in the same transaction as the slices. The process that made the change updates its own index in place
when that index was current (its stamp was the one replaced); any other process, e.g. another worker
on the same database, sees a stamp it does not hold at its next recall and rebuilds from the store.
A rolled-back change leaves the old stamp in the store, which the index no longer holds: rebuilt too.
"""

from __future__ import annotations

import math
import threading
import uuid
from collections import Counter
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ..core.store import Store
from .embeddings import Embedder, cosine
from .ingest import DONE
from .retrieval import BM25_K1, MIN_COSINE, bm25_floor, bm25_norm, tokenize

STAMP_KIND = "kindex"

SliceKey = Tuple[int, str, int]
"""(length of the document id, document id, slice number): slices sort in the order they were always
pooled in (documents by id, then slice by slice)."""
PoolKey = Tuple[int, int, str, int]
"""The position of the knowledge base in the recall's list, then its `SliceKey`."""


class Slice:
    __slots__ = ("content", "document_id", "length", "number", "terms")

    def __init__(self, document_id: str, number: int, content: str, tokens: List[str]) -> None:
        self.document_id = document_id
        self.number = number
        self.content = content
        self.terms = Counter(tokens)
        self.length = max(1, len(tokens))
        """BM25 length: an empty slice counts as one token."""


class DatasetIndex:
    """One knowledge base's recallable slices, as of `stamp`."""

    def __init__(self, stamp: str) -> None:
        self.stamp = stamp
        self.slices: Dict[SliceKey, Slice] = {}
        self.documents: Dict[str, List[SliceKey]] = {}
        self.postings: Dict[str, Dict[SliceKey, int]] = {}
        self.total_length = 0
        self.vectors: Dict[SliceKey, List[float]] = {}
        self._norms: Tuple[float, Dict[SliceKey, float]] = (0.0, {})

    def norms(self, average: float) -> Dict[SliceKey, float]:
        """Each slice's BM25 length normalisation in a collection of this average length, kept until
        the average or the slices change (`retrieval.bm25_norm`)."""
        kept_for, norms = self._norms
        if kept_for != average:
            norms = {key: bm25_norm(piece.length, average) for key, piece in self.slices.items()}
            self._norms = (average, norms)
        return norms

    def put_document(
        self, document_id: str, texts: Sequence[str], tokenizer: Callable[[str], List[str]]
    ) -> None:
        """Index a document's slices, replacing any it had."""
        self.drop_document(document_id)
        keys = []
        for number, text in enumerate(texts):
            key = (len(document_id), document_id, number)
            piece = Slice(document_id, number, text, tokenizer(text))
            self.slices[key] = piece
            self.total_length += piece.length
            for term, count in piece.terms.items():
                self.postings.setdefault(term, {})[key] = count
            keys.append(key)
        if keys:
            self.documents[document_id] = keys

    def drop_document(self, document_id: str) -> None:
        self._norms = (0.0, {})  # the slices change: so does the average
        for key in self.documents.pop(document_id, ()):
            piece = self.slices.pop(key)
            self.total_length -= piece.length
            self.vectors.pop(key, None)
            for term in piece.terms:
                holders = self.postings[term]
                del holders[key]
                if not holders:
                    del self.postings[term]


class KnowledgeIndex:
    """The indexes of this process, by dataset id, kept current against the stamps in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._indexes: Dict[str, DatasetIndex] = {}
        self._lock = threading.RLock()
        self.tokenized = 0
        """Slices tokenized so far (tests count the work a recall does)."""
        self.builds = 0
        """Indexes built from the store (first use, or a change made by another process)."""

    def _tokenize(self, text: str) -> List[str]:
        self.tokenized += 1
        return tokenize(text)

    # -- changes (called inside the store transaction that writes the slices) --------------------
    def document_changed(self, dataset_id: str, document_id: str, slices: Optional[Sequence[str]]) -> None:
        """A document's recallable slices are now `slices` (None: it has none any more)."""
        # the stamp row exists and is held (FOR UPDATE on PostgreSQL) until the change commits, so two
        # changes in two processes never both replace the same stamp and both keep their index as current
        self.store.insert_missing(STAMP_KIND, {"id": dataset_id, "stamp": ""}, owner="")
        row = self.store.get(STAMP_KIND, dataset_id, lock=True)
        old = "" if row is None else str(row["stamp"])
        new = uuid.uuid4().hex
        self.store.upsert(STAMP_KIND, {"id": dataset_id, "stamp": new}, owner="")
        with self._lock:
            index = self._indexes.get(dataset_id)
            if index is None:
                return
            if index.stamp != old:  # changed elsewhere since we built it: rebuild at the next recall
                del self._indexes[dataset_id]
                return
            if slices is None:
                index.drop_document(document_id)
            else:
                index.put_document(document_id, slices, self._tokenize)
            index.stamp = new

    def dataset_deleted(self, dataset_id: str) -> None:
        self.store.delete(STAMP_KIND, dataset_id)
        with self._lock:
            self._indexes.pop(dataset_id, None)

    def clear(self) -> None:
        """Forget every index (reset; or the embedding model changed)."""
        with self._lock:
            self._indexes.clear()

    # -- reading ----------------------------------------------------------------------------------
    def current(self, dataset_id: str, owner: str) -> DatasetIndex:
        """The dataset's index, rebuilt from the store when its stamp is not the stored one.

        One keyed read when the index is current, and no transaction: the stamp is read before the
        slices, so a change committed after that read leaves a newer stamp in the store than the one
        the rebuilt index holds, and the next recall rebuilds again (never an index wrongly current).
        The store is read outside the index lock (a change takes the store's lock, then this one)."""
        row = self.store.get(STAMP_KIND, dataset_id)
        stamp = "" if row is None else str(row["stamp"])
        with self._lock:
            index = self._indexes.get(dataset_id)
            if index is not None and index.stamp == stamp:
                return index
        docs = self.store.find("kdocument", owner=owner, parent=dataset_id)
        slices = {str(d["id"]): self.store.get("kslices", str(d["id"])) for d in docs if d["status"] == DONE}
        built = DatasetIndex(stamp)
        with self._lock:
            for doc_id, stored in slices.items():
                texts = [] if stored is None else [str(s) for s in stored["slices"]]
                built.put_document(doc_id, texts, self._tokenize)
            self._indexes[dataset_id] = built
            self.builds += 1
        return built

    @property
    def lock(self) -> threading.RLock:
        """Held while scoring, so an index is not changed under a running recall."""
        return self._lock


def bm25_pool_scores(indexes: Sequence[DatasetIndex], query: str) -> Dict[PoolKey, float]:
    """BM25+ scores of the slices (of all these indexes, as one collection) sharing a term with the
    query: the scores `retrieval.bm25_scores` gives the pooled slice texts, from the postings alone.

    Term at a time: each query term walks its postings once, adding its share to the slices holding it
    (`bm25_floor` and `bm25_share`, summed in `bm25_plus`'s order: the same floats)."""
    terms = tokenize(query)
    count = sum(len(index.slices) for index in indexes)
    if not terms or not count:
        return {}
    average = sum(index.total_length for index in indexes) / count
    df = {t: sum(len(index.postings.get(t, ())) for index in indexes) for t in terms}
    idf = {t: math.log((count + 1) / df[t]) for t in terms if df[t]}
    floor = bm25_floor(terms, idf)
    k1_plus_1 = BM25_K1 + 1
    scores: Dict[PoolKey, float] = {}
    for position, index in enumerate(indexes):
        sums: Dict[SliceKey, float] = {}
        norms = index.norms(average)
        for term in terms:
            if term not in idf:
                continue
            weight = idf[term]
            for key, tf in index.postings.get(term, {}).items():  # bm25_share, inlined (the hot loop)
                sums[key] = sums.get(key, floor) + weight * tf * k1_plus_1 / (norms[key] + tf)
        for key, score in sums.items():
            scores[(position, key[0], key[1], key[2])] = score
    return scores


def dense_pool_scores(
    indexes: Sequence[DatasetIndex], query: str, embedder: Embedder
) -> Dict[PoolKey, float]:
    """Cosine similarities of at least `MIN_COSINE`, vectors computed once per slice and kept."""
    missing = [(index, key) for index in indexes for key in index.slices if key not in index.vectors]
    if missing:
        fresh = embedder([index.slices[key].content for index, key in missing])
        for (index, key), vector in zip(missing, fresh):
            index.vectors[key] = vector
    if not any(index.slices for index in indexes):
        return {}
    q = embedder([query])[0]
    scores: Dict[PoolKey, float] = {}
    for position, index in enumerate(indexes):
        for key, vector in index.vectors.items():
            similarity = cosine(q, vector)
            if similarity >= MIN_COSINE:
                scores[(position, key[0], key[1], key[2])] = similarity
    return scores


def slice_of(indexes: Sequence[DatasetIndex], key: PoolKey) -> Slice:
    return indexes[key[0]].slices[key[1:]]
