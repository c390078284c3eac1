"""The emulator's own BM25+ (no numpy): exact scores on a small collection, and the ranking rules."""

from __future__ import annotations

import math

import pytest

from cozekit.emulator.knowledge.index import DatasetIndex, bm25_pool_scores
from cozekit.emulator.knowledge.retrieval import FULL_TEXT, bm25_plus, bm25_scores, rank, tokenize

CORPUS = [["cat", "sat"], ["dog"], ["cat", "cat", "dog", "bird"]]


def test_scores_on_a_small_collection() -> None:
    # The values rank-bm25 0.2.2 BM25Plus gave for the same collection (the emulator used it before).
    # Hand check of the first: N=3, df(cat)=2, idf=ln 2, avg length 7/3, len 2, tf 1.
    norm = 1.5 * (1 - 0.75 + 0.75 * 2 / (7 / 3))
    assert bm25_plus(CORPUS, ["cat"])[0] == pytest.approx(math.log(2) * (1 + 2.5 / (norm + 1)))
    assert bm25_plus(CORPUS, ["cat"]) == pytest.approx([1.4339151598, 0.6931471806, 1.4984634069])
    assert bm25_plus(CORPUS, ["cat", "dog"]) == pytest.approx([2.1270623403, 2.3193771042, 2.7161543998])


def test_repeated_and_unknown_terms() -> None:
    once = bm25_plus(CORPUS, ["bird"])
    assert bm25_plus(CORPUS, ["bird", "bird"]) == pytest.approx([2 * s for s in once])
    assert bm25_plus(CORPUS, ["zebra"]) == [0.0, 0.0, 0.0]
    assert bm25_plus([], ["cat"]) == []


def test_an_empty_document_counts_as_one_token() -> None:
    assert bm25_plus([["cat", "sat"], [], ["cat", "cat", "dog", "bird"]], ["cat", "dog"]) == pytest.approx(
        [2.8202095209, 2.0794415417, 3.9338453926]
    )


def test_bm25_scores_keep_only_slices_sharing_a_keyword() -> None:
    texts = ["The cat sat on the mat.", "Dogs bark.", "A cat and another cat met a bird."]
    scores = bm25_scores(texts, "Where is the cat?")
    assert sorted(scores) == [0, 2]
    assert scores[0] < scores[2]  # two mentions in a slice of similar length weigh more
    assert bm25_scores(texts, "the of and") == {}  # stop words only
    assert bm25_scores(["", "  "], "cat") == {}


def test_rank_orders_by_score_then_position() -> None:
    texts = ["refund policy: refunds within 30 days", "shipping takes 3 days", "refund refund refund"]
    hits = rank(texts, "refund", strategy=FULL_TEXT, top_k=2)
    assert [h.index for h in hits] == [2, 0]
    assert hits[0].score == hits[0].bm25 > hits[1].score > 0
    twins = rank(["alpha beta", "alpha beta"], "alpha", strategy=FULL_TEXT)
    assert [h.index for h in twins] == [0, 1]


def test_pooled_index_scores_are_the_scores_of_the_pooled_texts() -> None:
    """The kept indexes score term at a time from their postings; pooled, they must give the floats
    `bm25_scores` gives the same slices' texts, repeated query terms and slices missing a term included."""
    words = ["cat", "dog", "bird", "fish", "cow", "owl"]
    texts = [" ".join(words[(i * j) % 6] for j in range(1, 2 + i % 5)) for i in range(30)] + [""]
    first, second = DatasetIndex("a"), DatasetIndex("b")
    keys = []
    for n, text in enumerate(texts):
        index = first if n % 2 else second
        index.put_document(f"d{n}", [text], tokenize)
        keys.append((0 if index is first else 1, len(f"d{n}"), f"d{n}", 0))
    pooled = [texts[n] for n, _ in sorted(enumerate(texts), key=lambda item: keys[item[0]])]
    order = sorted(keys)
    for query in ("cat", "owl owl bird", "cat dog bird fish cow owl", "the of", "zebra"):
        expected = {order[i]: score for i, score in bm25_scores(pooled, query).items()}
        got = bm25_pool_scores([first, second], query)
        assert got == expected  # the same floats, not only close ones
