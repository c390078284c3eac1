"""Ranking slices for a query: BM25 keywords always, embeddings when a model is loaded, and hybrid
ranking by reciprocal rank fusion (RRF), as Coze Studio's retriever does."""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter
from typing import Dict, List, Mapping, Optional, Sequence, TypeVar

from .embeddings import Embedder, cosine

K = TypeVar("K")
SEMANTIC, HYBRID, FULL_TEXT = 0, 1, 20
"""A bot's `knowledge.search_strategy`."""
TOP_K = 3
MIN_COSINE = 0.3
RRF_K = 60

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[\u3400-\u9fff\uf900-\ufaff]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_STOPWORD_TEXT = """a an and are as at be by can could do does did for from has have how i in is it its
    me my of on or our please should tell than that the their them then there these they this to us was
    we what when
    where which who why will with would you your about any some 的 了 是 吗 呢 么 吧 在 和 我 你"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def tokenize(text: str) -> List[str]:
    """Lower-cased words without stop words; CJK runs become characters plus bigrams."""
    out: List[str] = []
    for match in _WORD.finditer(text.lower()):
        word = match.group()
        if _CJK.match(word):
            chars = [c for c in word if c not in STOPWORDS]
            out.extend(chars)
            out.extend(word[i : i + 2] for i in range(len(word) - 1))
        elif word not in STOPWORDS:
            out.append(word)
    return out


@dataclasses.dataclass
class Hit:
    index: int
    """Position in the slice list given to `rank`."""
    score: float
    bm25: float = 0.0
    cosine: Optional[float] = None


BM25_K1, BM25_B, BM25_DELTA = 1.5, 0.75, 1.0
"""BM25+ parameters (Lv & Zhai's lower-bounded BM25): term-frequency saturation, length
normalisation, and the floor every matching term adds."""


def bm25_plus(corpus: Sequence[Sequence[str]], terms: Sequence[str]) -> List[float]:
    """BM25+ score of each tokenized document for the query `terms` (a repeated term counts again).

    Each query term the collection holds adds idf * (delta + tf * (k1 + 1) / (k1 * (1 - b + b * len / avg)
    + tf)) to every document, idf = ln((N + 1) / df); a term no document holds adds nothing. An empty
    document counts as one token long. (The scores rank-bm25's `BM25Plus` gives, without numpy.)

    Summed as `bm25_floor` plus each held term's `bm25_share`, in query order: the kept indexes
    (`index.bm25_pool_scores`) add the same numbers in the same order, so both give equal floats."""
    if not corpus:
        return []
    counts = [Counter(doc) for doc in corpus]
    lengths = [max(1, len(doc)) for doc in corpus]
    average = sum(lengths) / len(corpus)
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    idf = {t: math.log((len(corpus) + 1) / df[t]) for t in terms if df[t]}
    floor = bm25_floor(terms, idf)
    scores = [floor] * len(corpus)
    for term in terms:
        if term not in idf:
            continue
        for i, c in enumerate(counts):
            tf = c[term]
            if tf:
                scores[i] += bm25_share(idf[term], tf, bm25_norm(lengths[i], average))
    return scores


def bm25_floor(terms: Sequence[str], idf: Mapping[str, float]) -> float:
    """What BM25+ gives every document: delta times the idf of each query term the collection holds."""
    floor = 0.0
    for term in terms:
        if term in idf:
            floor += idf[term] * BM25_DELTA
    return floor


def bm25_norm(length: int, average: float) -> float:
    """A document's length normalisation, in a collection of this average length."""
    return BM25_K1 * (1 - BM25_B + BM25_B * length / average)


def bm25_share(idf: float, tf: int, norm: float) -> float:
    """A query term's part of a document's BM25+ score above the floor, where the document holds it."""
    return idf * tf * (BM25_K1 + 1) / (norm + tf)


def bm25_scores(texts: Sequence[str], query: str) -> Dict[int, float]:
    """BM25+ scores of the slices sharing at least one keyword with the query."""
    terms = tokenize(query)
    corpus = [tokenize(t) for t in texts]
    if not terms or not any(corpus):
        return {}
    scores = bm25_plus(corpus, terms)
    wanted = set(terms)
    return {i: scores[i] for i, doc in enumerate(corpus) if wanted & set(doc)}


def dense_scores(
    texts: Sequence[str], query: str, embedder: Embedder, vectors: Optional[List[List[float]]] = None
) -> Dict[int, float]:
    """Cosine similarities of at least `MIN_COSINE`."""
    if not texts:
        return {}
    vectors = vectors if vectors is not None else embedder(list(texts))
    q = embedder([query])[0]
    sims = {i: cosine(q, v) for i, v in enumerate(vectors)}
    return {i: s for i, s in sims.items() if s >= MIN_COSINE}


def _ordered(scores: Mapping[K, float]) -> List[K]:
    return sorted(scores, key=lambda i: (-scores[i], i))


def fuse(keyword: Dict[K, float], dense: Dict[K, float], strategy: int, embedded: bool) -> Dict[K, float]:
    """The final scores: dense alone for SEMANTIC with an embedder (`embedded`), keywords alone when
    there are no dense scores, else reciprocal rank fusion of the two rankings."""
    if strategy == SEMANTIC and embedded:
        return dense
    if not dense:
        return keyword
    fused: Dict[K, float] = {}
    for ranking in (_ordered(keyword), _ordered(dense)):
        for position, i in enumerate(ranking):
            fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + position + 1)
    return fused


def rank(
    texts: Sequence[str],
    query: str,
    *,
    strategy: int = HYBRID,
    embedder: Optional[Embedder] = None,
    vectors: Optional[List[List[float]]] = None,
    top_k: int = TOP_K,
) -> List[Hit]:
    """The best `top_k` slices for the query. Without an embedder every strategy is full-text.
    (Recall uses the indexes of `index.py`, which give the same ranking without re-reading the texts.)"""
    keyword = bm25_scores(texts, query) if strategy != SEMANTIC or embedder is None else {}
    dense: Dict[int, float] = {}
    if embedder is not None and strategy in (SEMANTIC, HYBRID):
        dense = dense_scores(texts, query, embedder, vectors)
    fused = fuse(keyword, dense, strategy, embedder is not None)
    hits = [Hit(i, fused[i], keyword.get(i, 0.0), dense.get(i)) for i in _ordered(fused)]
    return hits[:top_k]
