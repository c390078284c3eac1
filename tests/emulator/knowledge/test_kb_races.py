"""Knowledge writes raced on two threads, on SQLite and PostgreSQL: recalls counting hits, a rename or
a new document while hits are counted, and two processes changing one knowledge base at once (each
keeping its recall index only if it is still current)."""

from __future__ import annotations

from typing import Any, List

from cozekit.emulator.knowledge.index import KnowledgeIndex
from cozekit.emulator.knowledge.ingest import DONE
from cozekit.emulator.seed import USER_ID

from ..races import race
from .test_kb_index import ME, add, dataset, local

ROUNDS = 20


def _ready(state: Any, *texts: str) -> tuple[str, List[str]]:
    state.knowledge.set_embedder(None)
    ds = dataset(state)
    return ds, add(state, ds, *texts)


def test_concurrent_recalls_count_every_hit(engine_state: Any) -> None:
    ds, (doc,) = _ready(engine_state, "Refunds take five days.")
    recall = lambda: engine_state.knowledge.recall(ME, [ds], "refunds")  # noqa: E731
    for _ in range(ROUNDS):
        assert all(len(hits) == 1 for hits in race(recall, recall, recall))
    assert engine_state.store.get("kdocument", doc)["hit_count"] == 3 * ROUNDS
    assert engine_state.store.get("dataset", ds)["hit_count"] == 3 * ROUNDS


def test_a_rename_and_a_hit_count_at_once_both_stay(engine_state: Any) -> None:
    knowledge = engine_state.knowledge
    ds, (doc,) = _ready(engine_state, "Refunds take five days.")
    for n in range(ROUNDS):
        race(
            lambda n=n: knowledge.update_document(ME, doc, f"renamed {n}", None),
            lambda: knowledge.recall(ME, [ds], "refunds"),
            lambda n=n: knowledge.update_dataset(ME, ds, f"kb {n}", None, None),
        )
        stored = engine_state.store.get("kdocument", doc)
        assert (stored["name"], stored["hit_count"]) == (f"renamed {n}", n + 1)
        stored = engine_state.store.get("dataset", ds)
        assert (stored["name"], stored["hit_count"]) == (f"kb {n}", n + 1)


def test_documents_added_while_hits_are_counted_keep_the_count(engine_state: Any) -> None:
    knowledge = engine_state.knowledge
    ds, _ = _ready(engine_state, "Refunds take five days.")
    for n in range(ROUNDS):
        race(
            lambda: knowledge.recall(ME, [ds], "refunds"),
            lambda n=n: knowledge.create_documents(ME, ds, [local(f"more{n}.txt", "shipping")], None, 0),
        )
    assert engine_state.store.get("dataset", ds)["hit_count"] == ROUNDS
    assert engine_state.knowledge.ingestor.wait_idle(20)


def _write_document(state: Any, index: KnowledgeIndex, ds: str, doc_id: str, text: str) -> None:
    """What a finished document's ingestion writes, with `index` as the process's recall index."""
    store = state.store
    with store.transaction():
        doc = {"id": doc_id, "dataset_id": ds, "status": DONE, "name": doc_id}
        store.insert("kdocument", doc, owner=USER_ID, parent=ds)
        store.insert("kslices", {"id": doc_id, "slices": [text]}, owner=USER_ID)
        index.document_changed(ds, doc_id, [text])


def test_two_processes_changing_one_knowledge_base_at_once(engine_state: Any) -> None:
    """Two indexes on one store stand in for two workers' processes; each, once current, must hold
    both documents after both changes (the second change sees the first's stamp and drops its index)."""
    ds = dataset(engine_state)
    for n in range(ROUNDS):
        one, two = KnowledgeIndex(engine_state.store), KnowledgeIndex(engine_state.store)
        before = one.current(ds, USER_ID).documents.keys() | two.current(ds, USER_ID).documents.keys()
        a, b = f"9{n:04d}1", f"9{n:04d}2"
        race(
            lambda one=one, a=a: _write_document(engine_state, one, ds, a, "alpha"),
            lambda two=two, b=b: _write_document(engine_state, two, ds, b, "beta"),
        )
        for index in (one, two):
            assert set(index.current(ds, USER_ID).documents) == before | {a, b}


def test_an_ingestion_step_and_a_rename_at_once_both_stay(engine_state: Any) -> None:
    knowledge = engine_state.knowledge
    ingestor = knowledge.ingestor
    _, (doc,) = _ready(engine_state, "Refunds take five days.")
    for n in range(ROUNDS):
        race(
            lambda n=n: ingestor._write(ingestor._generation, doc, progress=n),  # a processing step's write
            lambda n=n: knowledge.update_document(ME, doc, f"renamed {n}", None),
        )
        stored = engine_state.store.get("kdocument", doc)
        assert (stored["name"], stored["progress"]) == (f"renamed {n}", n)
