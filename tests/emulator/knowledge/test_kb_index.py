"""Recall indexes kept per knowledge base: the same ranking as scoring every slice afresh, no
re-tokenizing between recalls, updated on document changes, and rebuilt when another process (another
worker on the same database) changes a knowledge base. Work is counted, never timed."""

from __future__ import annotations

import base64
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Dict, List, Sequence

import pytest

from cozekit.emulator.core.base import Account
from cozekit.emulator.knowledge.retrieval import FULL_TEXT, HYBRID, SEMANTIC, rank
from cozekit.emulator.seed import USER_ID, USER_NAME, WORKSPACE_ID
from cozekit.emulator.state import EmulatorState

from .kb_files import make_png

ME = Account(user_id=USER_ID, user_name=USER_NAME)
PARAGRAPHS = {"chunk_type": 1, "separator": "\n\n", "max_tokens": 200}
WORDS = [
    "refund",
    "parcel",
    "office",
    "weekday",
    "parking",
    "invoice",
    "courier",
    "warranty",
    "battery",
    "screen",
    "keyboard",
    "router",
    "password",
    "account",
    "billing",
    "shipping",
    "delivery",
    "return",
    "exchange",
    "receipt",
    "holiday",
    "退款",
    "发票",
    "快递",
]


def local(name: str, text: str) -> Dict[str, Any]:
    data = base64.b64encode(text.encode()).decode()
    return {"name": name, "source_info": {"file_base64": data, "file_type": "txt"}}


def paragraphs(rng: random.Random, count: int) -> str:
    return "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))) for _ in range(count))


def settle(state: EmulatorState) -> None:
    assert state.knowledge.ingestor.wait_idle(20), "ingestion hung"


def dataset(state: EmulatorState, name: str = "Index") -> str:
    return state.knowledge.create_dataset(ME, name, WORKSPACE_ID, 0, None, None)


def add(state: EmulatorState, ds: str, *texts: str) -> List[str]:
    bases = [local(f"doc{n}.txt", t) for n, t in enumerate(texts)]
    ids = [d["document_id"] for d in state.knowledge.create_documents(ME, ds, bases, PARAGRAPHS, 0)]
    settle(state)
    return ids


def pooled(state: EmulatorState, dataset_ids: Sequence[str]) -> List[str]:
    """Every finished slice of these knowledge bases, in the order recall has always pooled them."""
    texts: List[str] = []
    for ds in dataset_ids:
        docs = sorted(state.store.find("kdocument", parent=ds), key=lambda d: (len(d["id"]), d["id"]))
        for doc in docs:
            if doc["status"] == 1:
                texts.extend(state.knowledge.ingestor.slices(doc["id"]))
    return texts


@pytest.fixture
def state() -> Iterator[EmulatorState]:
    st = EmulatorState()
    st.knowledge.set_embedder(None)
    yield st
    st.knowledge.ingestor.wait_idle(5)
    st.store.close()
    st.blobs.close()


def test_indexed_recall_ranks_as_scoring_every_slice_afresh(state: EmulatorState) -> None:
    rng = random.Random(15)
    first, second = dataset(state, "One"), dataset(state, "Two")
    for _ in range(3):  # documents arrive in several batches, so the index is updated in place too
        add(state, first, *(paragraphs(rng, rng.randint(1, 6)) for _ in range(4)))
        add(state, second, *(paragraphs(rng, rng.randint(1, 6)) for _ in range(3)))
        state.knowledge.recall(ME, [first, second], "refund")
    texts = pooled(state, [first, second])
    for query in ["refund parcel", "courier courier invoice", "退款 快递", "battery", "the and of", "zebra"]:
        hits = state.knowledge.recall(ME, [first, second], query, strategy=FULL_TEXT, top_k=6)
        expected = rank(texts, query, strategy=FULL_TEXT, top_k=6)
        assert [(h["content"], h["score"]) for h in hits] == [(texts[e.index], e.score) for e in expected]


def test_indexed_recall_with_an_embedder_ranks_as_before(state: EmulatorState) -> None:
    rng = random.Random(7)
    ds = dataset(state)
    add(state, ds, *(paragraphs(rng, 4) for _ in range(5)))

    def embed(texts: Any) -> List[List[float]]:
        return [[float(w in t) for w in ("refund", "parcel", "office", "battery")] for t in texts]

    state.knowledge.set_embedder(embed)
    texts = pooled(state, [ds])
    for strategy in (HYBRID, SEMANTIC):
        hits = state.knowledge.recall(ME, [ds], "refund battery", strategy=strategy, top_k=5)
        expected = rank(texts, "refund battery", strategy=strategy, embedder=embed, top_k=5)
        assert [(h["content"], h["score"]) for h in hits] == [(texts[e.index], e.score) for e in expected]


def test_a_recall_after_the_first_tokenizes_nothing(state: EmulatorState) -> None:
    rng = random.Random(3)
    ds = dataset(state)
    add(state, ds, *(paragraphs(rng, 5) for _ in range(10)))
    add(state, ds, *(paragraphs(rng, 5) for _ in range(10)))
    index = state.knowledge.index
    assert index.tokenized == 0  # nothing is indexed before the first recall
    slices = len(pooled(state, [ds]))
    state.knowledge.recall(ME, [ds], "refund")
    assert (index.tokenized, index.builds) == (slices, 1)
    for query in ["parcel", "invoice office", "warranty"]:
        state.knowledge.recall(ME, [ds], query)
    assert (index.tokenized, index.builds) == (slices, 1)  # the dataset is not re-tokenized

    (new,) = add(state, ds, "A unique zeppelin paragraph.")
    assert (index.tokenized, index.builds) == (slices + 1, 1)  # only the new document's slice
    hits = state.knowledge.recall(ME, [ds], "zeppelin")
    assert [h["document_id"] for h in hits] == [new]
    assert (index.tokenized, index.builds) == (slices + 1, 1)


def test_a_deleted_document_is_never_recalled(state: EmulatorState) -> None:
    ds = dataset(state)
    keep, drop = add(state, ds, "Refunds take five days.", "Refunds of gift cards: never. Zebra.")
    assert {h["document_id"] for h in state.knowledge.recall(ME, [ds], "refunds")} == {keep, drop}
    tokenized = state.knowledge.index.tokenized
    state.knowledge.delete_documents(ME, [drop])
    assert [h["document_id"] for h in state.knowledge.recall(ME, [ds], "refunds zebra")] == [keep]
    assert state.knowledge.recall(ME, [ds], "zebra") == []
    assert (state.knowledge.index.tokenized, state.knowledge.index.builds) == (tokenized, 1)
    state.knowledge.delete_dataset(ME, ds)
    assert state.knowledge.recall(ME, [ds], "refunds") == []


def test_updates_reach_the_index(state: EmulatorState) -> None:
    ds = dataset(state)
    (doc,) = add(state, ds, "Parking is behind the building.")
    assert state.knowledge.recall(ME, [ds], "parking")[0]["document_name"] == "doc0.txt"
    state.knowledge.update_document(ME, doc, "parking.txt", None)
    assert state.knowledge.recall(ME, [ds], "parking")[0]["document_name"] == "parking.txt"

    images = state.knowledge.create_dataset(ME, "Photos", WORKSPACE_ID, 2, None, None)
    up = state.files.upload(ME, "cat.png", make_png(4, 3), 1 << 20)
    base = {"name": "cat.png", "source_info": {"source_file_id": up["id"]}, "caption": "a sleepy cat"}
    (photo,) = state.knowledge.create_documents(ME, images, [base], {"caption_type": 1}, 2)
    settle(state)
    assert [h["content"] for h in state.knowledge.recall(ME, [images], "cat")] == ["a sleepy cat"]
    state.knowledge.update_caption(ME, images, photo["document_id"], "a loud parrot")
    assert state.knowledge.recall(ME, [images], "cat") == []
    assert [h["content"] for h in state.knowledge.recall(ME, [images], "parrot")] == ["a loud parrot"]
    assert state.knowledge.index.builds == 2  # one per knowledge base; every change applied in place


def test_a_change_made_by_another_process_is_noticed(tmp_path: Path) -> None:
    """Two emulators on one database and one files dir stand in for two worker processes."""
    db, files = str(tmp_path / "emulator.sqlite3"), str(tmp_path / "files")
    one = EmulatorState(db_path=db, files_dir=files)
    two = EmulatorState(db_path=db, files_dir=files)
    try:
        for st in (one, two):
            st.knowledge.set_embedder(None)
        ds = dataset(one)
        (old,) = add(one, ds, "Refunds take five days.")
        assert [h["document_id"] for h in one.knowledge.recall(ME, [ds], "refunds")] == [old]
        assert [h["document_id"] for h in two.knowledge.recall(ME, [ds], "refunds")] == [old]
        time.sleep(0.002)  # ids are unique per process and millisecond: keep the second's apart
        (new,) = add(two, ds, "Refunds of gift cards go to store credit.")
        two.knowledge.delete_documents(ME, [old])
        assert [h["document_id"] for h in one.knowledge.recall(ME, [ds], "refunds")] == [new]
        assert one.knowledge.index.builds == 2  # rebuilt once, after the other's change
        assert two.knowledge.index.builds == 1  # its own changes were applied in place
        assert [h["document_id"] for h in two.knowledge.recall(ME, [ds], "refunds")] == [new]
    finally:
        for st in (one, two):
            st.knowledge.ingestor.wait_idle(5)
            st.store.close()


def test_a_rolled_back_change_leaves_no_trace_in_the_index(state: EmulatorState) -> None:
    ds = dataset(state)
    (doc,) = add(state, ds, "Refunds take five days.")
    state.knowledge.recall(ME, [ds], "refunds")
    with pytest.raises(RuntimeError), state.store.transaction():
        state.knowledge.index.document_changed(ds, doc, None)  # applied in memory...
        raise RuntimeError("...but the transaction fails")
    assert [h["document_id"] for h in state.knowledge.recall(ME, [ds], "refunds")] == [doc]
    assert state.knowledge.index.builds == 2  # the stamp in the store was not the index's: rebuilt
