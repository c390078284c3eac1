"""Ranking slices for a query: BM25 keywords always, embeddings when a model is loaded, and hybrid
ranking by reciprocal rank fusion (RRF), as Coze Studio's retriever does."""

from __future__ import annotations

import dataclasses
import re
from typing import Dict, List, Optional, Sequence

from .embeddings import Embedder, cosine

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


def bm25_scores(texts: Sequence[str], query: str) -> Dict[int, float]:
    """BM25+ scores of the slices sharing at least one keyword with the query."""
    from rank_bm25 import BM25Plus  # type: ignore[import-untyped]  # no type stubs

    terms = tokenize(query)
    corpus = [tokenize(t) for t in texts]
    if not terms or not any(corpus):
        return {}
    scores = BM25Plus([doc or [""] for doc in corpus]).get_scores(terms)
    wanted = set(terms)
    return {i: float(scores[i]) for i, doc in enumerate(corpus) if wanted & set(doc)}


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


def _ordered(scores: Dict[int, float]) -> List[int]:
    return sorted(scores, key=lambda i: (-scores[i], i))


def rank(
    texts: Sequence[str],
    query: str,
    *,
    strategy: int = HYBRID,
    embedder: Optional[Embedder] = None,
    vectors: Optional[List[List[float]]] = None,
    top_k: int = TOP_K,
) -> List[Hit]:
    """The best `top_k` slices for the query. Without an embedder every strategy is full-text."""
    keyword = bm25_scores(texts, query) if strategy != SEMANTIC or embedder is None else {}
    dense: Dict[int, float] = {}
    if embedder is not None and strategy in (SEMANTIC, HYBRID):
        dense = dense_scores(texts, query, embedder, vectors)
    if strategy == SEMANTIC and embedder is not None:
        fused = dense
    elif not dense:
        fused = keyword
    else:
        fused = {}
        for ranking in (_ordered(keyword), _ordered(dense)):
            for position, i in enumerate(ranking):
                fused[i] = fused.get(i, 0.0) + 1.0 / (RRF_K + position + 1)
    hits = [Hit(i, fused[i], keyword.get(i, 0.0), dense.get(i)) for i in _ordered(fused)]
    return hits[:top_k]
