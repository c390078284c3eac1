"""The knowledge backend without HTTP: rules, background processing, progress, recall, reset."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any, Dict, List

import pytest

from cozekit.emulator.core.base import Account
from cozekit.emulator.core.errors import EmulatorError
from cozekit.emulator.knowledge.backend import DONE, FAILED, PROCESSING
from cozekit.emulator.seed import USER_ID, USER_NAME, WORKSPACE_ID
from cozekit.emulator.state import EmulatorState

from .kb_files import make_docx, make_pdf, make_png

ME = Account(user_id=USER_ID, user_name=USER_NAME)
AUTO: Dict[str, Any] = {"chunk_type": 0}


@pytest.fixture
def state() -> Iterator[EmulatorState]:
    st = EmulatorState()
    yield st
    st.knowledge.ingestor.hold(False)
    st.knowledge.ingestor.wait_idle(5)
    st.store.close()


def local(name: str, data: bytes, file_type: str) -> Dict[str, Any]:
    return {
        "name": name,
        "source_info": {"file_base64": base64.b64encode(data).decode(), "file_type": file_type},
    }


def settle(state: EmulatorState) -> None:
    assert state.knowledge.ingestor.wait_idle(10), "ingestion hung"


def doc_of(state: EmulatorState, dataset_id: str, document_id: str) -> Dict[str, Any]:
    progress: List[Dict[str, Any]] = state.knowledge.progress(ME, dataset_id, [document_id])
    return progress[0]


def test_text_documents_of_every_format_are_processed(state: EmulatorState) -> None:
    ds = state.knowledge.create_dataset(ME, "Handbook", WORKSPACE_ID, 0, "all about us", None)
    bases = [
        local("a.txt", b"Plain text body", "txt"),
        local("b.md", b"# Heading\n\nMarkdown body", "md"),
        local("c.csv", b"q,a\nhours,nine to five\n", "csv"),
        local("d.pdf", make_pdf(["PDF body line"]), "pdf"),
        local("e.docx", make_docx(["DOCX body paragraph"]), "docx"),
    ]
    created = state.knowledge.create_documents(ME, ds, bases, AUTO, 0)
    assert [d["status"] for d in created] == [PROCESSING] * 5
    settle(state)
    ids = [d["document_id"] for d in created]
    progress = state.knowledge.progress(ME, ds, ids)
    assert [(p["status"], p["progress"]) for p in progress] == [(DONE, 100)] * 5
    texts = [state.knowledge.ingestor.slices(i) for i in ids]
    assert texts == [
        ["Plain text body"],
        ["# Heading\nMarkdown body"],
        ["q: hours; a: nine to five"],
        ["PDF body line"],
        ["DOCX body paragraph"],
    ]
    listed = state.knowledge.list_documents(ME, ds, 1, 10)
    assert listed["total"] == 5
    assert [d["slice_count"] for d in listed["document_infos"]] == [1] * 5
    assert listed["document_infos"][0]["char_count"] == len("Plain text body")
    dataset = state.knowledge.list_datasets(ME, WORKSPACE_ID, None, None, 1, 10)["dataset_list"][0]
    assert (dataset["doc_count"], dataset["slice_count"], dataset["processing_file_list"]) == (5, 5, [])
    assert sorted(dataset["file_list"]) == ["a.txt", "b.md", "c.csv", "d.pdf", "e.docx"]


def test_progress_is_observable_while_held(state: EmulatorState) -> None:
    ds = state.knowledge.create_dataset(ME, "Held", WORKSPACE_ID, 0, None, None)
    state.knowledge.ingestor.hold(True)
    doc = state.knowledge.create_documents(ME, ds, [local("a.txt", b"x" * 50, "txt")], AUTO, 0)[0]
    assert not state.knowledge.ingestor.wait_idle(0.05)
    seen = doc_of(state, ds, doc["document_id"])
    assert (seen["status"], seen["progress"]) == (PROCESSING, 0)
    dataset = state.knowledge.list_datasets(ME, WORKSPACE_ID, None, None, 1, 10)["dataset_list"][0]
    assert dataset["processing_file_id_list"] == [doc["document_id"]]
    state.knowledge.ingestor.hold(False)
    settle(state)
    assert doc_of(state, ds, doc["document_id"])["status"] == DONE


def test_failures_carry_a_description(state: EmulatorState) -> None:
    ds = state.knowledge.create_dataset(ME, "Broken", WORKSPACE_ID, 0, None, None)
    bad = state.knowledge.create_documents(ME, ds, [local("x.pdf", b"garbage", "pdf")], AUTO, 0)[0]
    web = {"name": "site", "source_info": {"web_url": "https://unregistered.example", "document_source": 1}}
    page = state.knowledge.create_documents(ME, ds, [web], AUTO, 0)[0]
    settle(state)
    failed = doc_of(state, ds, bad["document_id"])
    assert failed["status"] == FAILED and "PDF cannot be read" in failed["status_descript"]
    missing = doc_of(state, ds, page["document_id"])
    assert missing["status"] == FAILED and "never uses the network" in missing["status_descript"]


def test_registered_web_pages_are_read_from_the_store(state: EmulatorState) -> None:
    state.knowledge.register_web_page("https://docs.example/faq/", "<h1>FAQ</h1><p>Returns take 5 days.</p>")
    ds = state.knowledge.create_dataset(ME, "Web", WORKSPACE_ID, 0, None, None)
    web = {"name": "faq", "source_info": {"web_url": "https://docs.example/faq", "document_source": 1}}
    doc = state.knowledge.create_documents(ME, ds, [web], AUTO, 0)[0]
    settle(state)
    assert doc_of(state, ds, doc["document_id"])["url"] == "https://docs.example/faq"
    assert state.knowledge.ingestor.slices(doc["document_id"]) == ["FAQ\nReturns take 5 days."]


def test_images_get_auto_or_manual_captions(state: EmulatorState) -> None:
    f1 = state.files.upload(ME, "cat_on_sofa.png", make_png(8, 6), 10**6)
    f2 = state.files.upload(ME, "dog.png", make_png(2, 2), 10**6)
    ds = state.knowledge.create_dataset(ME, "Pics", WORKSPACE_ID, 2, None, None)
    bases = [
        {"name": "cat_on_sofa.png", "source_info": {"source_file_id": int(f1["id"]), "document_source": 5}},
        {"name": "dog", "source_info": {"source_file_id": f2["id"]}, "caption": "a good dog"},
    ]
    docs = state.knowledge.create_documents(ME, ds, bases, {"caption_type": 0}, 2)
    settle(state)
    photos = state.knowledge.list_images(ME, ds, 1, 10, None, None)["photo_infos"]
    assert [p["caption"] for p in photos] == ["A 8x6 PNG image: cat on sofa", "a good dog"]
    state.knowledge.update_caption(ME, ds, docs[0]["document_id"], "a sleepy cat")
    assert state.knowledge.ingestor.slices(docs[0]["document_id"]) == ["a sleepy cat"]
    assert state.knowledge.list_images(ME, ds, 1, 10, "SLEEPY", None)["total_count"] == 1
    assert state.knowledge.list_images(ME, ds, 1, 10, None, False)["total_count"] == 0
    manual = state.knowledge.create_documents(
        ME, ds, [{"name": "m", "source_info": {"source_file_id": f2["id"]}}], {"caption_type": 1}, 2
    )[0]
    settle(state)
    assert doc_of(state, ds, manual["document_id"])["status"] == DONE
    assert state.knowledge.list_images(ME, ds, 1, 10, None, False)["total_count"] == 1


@pytest.mark.parametrize(
    ("bases", "message"),
    [
        ([], "must not be empty"),
        ([local(f"{i}.txt", b"x", "txt") for i in range(11)], "at most 10"),
        ([local("a.xlsx", b"x", "xlsx")], "not supported"),
        ([{"name": "a", "source_info": {"file_base64": "%%%", "file_type": "txt"}}], "not valid base64"),
        ([{"name": "", "source_info": {"file_base64": "eA==", "file_type": "txt"}}], "name is required"),
        ([{"name": "a"}], "source_info is required"),
        ([{"name": "a", "source_info": {"source_file_id": "1"}}], "not file ids"),
        (
            [
                local("a.txt", b"x", "txt"),
                {"name": "w", "source_info": {"web_url": "https://a.example", "document_source": 1}},
            ],
            "one upload method",
        ),
        (
            [
                {
                    "name": "w",
                    "source_info": {"web_url": "https://a.example"},
                    "update_rule": {"update_type": 1, "update_interval": 12},
                }
            ],
            "at least 24",
        ),
    ],
)
def test_bad_uploads_are_rejected_before_anything_is_stored(
    state: EmulatorState, bases: List[Dict[str, Any]], message: str
) -> None:
    ds = state.knowledge.create_dataset(ME, "Strict", WORKSPACE_ID, 0, None, None)
    with pytest.raises(EmulatorError, match=message) as err:
        state.knowledge.create_documents(ME, ds, bases, AUTO, 0)
    assert err.value.code == 4000
    assert state.knowledge.list_documents(ME, ds, 1, 10)["total"] == 0


def test_dataset_rules(state: EmulatorState) -> None:
    with pytest.raises(EmulatorError, match="at most 100"):
        state.knowledge.create_dataset(ME, "n" * 101, WORKSPACE_ID, 0, None, None)
    with pytest.raises(EmulatorError, match="format_type"):
        state.knowledge.create_dataset(ME, "table", WORKSPACE_ID, 1, None, None)
    with pytest.raises(EmulatorError) as missing:
        state.knowledge.create_dataset(ME, "x", "123", 0, None, None)
    assert missing.value.code == 4200
    other = state.accounts.create(name="eve")
    eve = Account(user_id=other["user_id"], user_name="eve")
    ds = state.knowledge.create_dataset(ME, "mine", WORKSPACE_ID, 0, None, None)
    with pytest.raises(EmulatorError) as hidden:
        state.knowledge.update_dataset(eve, ds, "stolen", None, None)
    assert hidden.value.code == 4200


def test_delete_cancels_processing_and_reset_stops_the_worker(state: EmulatorState) -> None:
    ds = state.knowledge.create_dataset(ME, "Gone", WORKSPACE_ID, 0, None, None)
    state.knowledge.ingestor.hold(True)
    doc = state.knowledge.create_documents(ME, ds, [local("a.txt", b"text", "txt")], AUTO, 0)[0]
    state.knowledge.delete_documents(ME, [doc["document_id"]])
    state.knowledge.ingestor.hold(False)
    settle(state)
    assert state.store.get("kdocument", doc["document_id"]) is None
    assert state.knowledge.ingestor.slices(doc["document_id"]) == []
    state.knowledge.ingestor.hold(True)
    state.knowledge.create_documents(ME, ds, [local("b.txt", b"text", "txt")], AUTO, 0)
    state.reset()
    assert not state.knowledge.ingestor.held
    settle(state)
    assert state.store.find("kdocument") == [] and state.store.find("dataset") == []


def test_recall_ranks_finished_slices_and_counts_hits(state: EmulatorState) -> None:
    ds = state.knowledge.create_dataset(ME, "Recall", WORKSPACE_ID, 0, None, None)
    paragraphs = [
        "The office opens at nine in the morning on every weekday.",
        "Refunds take five working days once the parcel is back.",
        "Parking is behind the building, next to the bike racks.",
    ]
    text = "\n\n".join(paragraphs)
    strategy = {"chunk_type": 1, "separator": "\n\n", "max_tokens": 100}
    state.knowledge.create_documents(ME, ds, [local("faq.txt", text.encode(), "txt")], strategy, 0)
    settle(state)
    state.knowledge.set_embedder(None)
    hits = state.knowledge.recall(ME, [ds, "404"], "How long do refunds take?")
    assert [h["content"] for h in hits] == [paragraphs[1]]
    assert state.knowledge.ingestor.slices(hits[0]["document_id"]) == paragraphs
    assert hits[0]["document_name"] == "faq.txt"
    assert state.knowledge.recall(ME, [ds], "unrelated zebra") == []
    listed = state.knowledge.list_documents(ME, ds, 1, 10)["document_infos"][0]
    assert listed["hit_count"] == 1


def test_recall_with_an_embedder_finds_slices_without_shared_words(state: EmulatorState) -> None:
    ds = state.knowledge.create_dataset(ME, "Dense", WORKSPACE_ID, 0, None, None)
    paragraphs = [
        "Refunds are paid within five working days after the parcel arrives.",
        "The office opens at nine in the morning and closes at five every weekday.",
    ]
    strategy = {"chunk_type": 1, "separator": "\n\n", "max_tokens": 100}
    body = "\n\n".join(paragraphs).encode()
    state.knowledge.create_documents(ME, ds, [local("faq.txt", body, "txt")], strategy, 0)
    settle(state)
    calls: List[int] = []

    def embed(texts: Any) -> List[List[float]]:
        calls.append(len(texts))
        money = ("money", "refund", "paid")
        return [[float(any(w in t.lower() for w in money)), float("office" in t.lower())] for t in texts]

    state.knowledge.set_embedder(embed)
    hybrid = state.knowledge.recall(ME, [ds], "money back", strategy=1)
    assert [h["content"] for h in hybrid] == [paragraphs[0]]
    hits = state.knowledge.recall(ME, [ds], "money back", strategy=0)
    assert [h["content"] for h in hits] == [paragraphs[0]]
    assert calls[0] == 2 and all(n == 1 for n in calls[1:])  # slice vectors are computed once
    assert state.knowledge.recall(ME, [ds], "money back", strategy=20) == []  # full text only
    state.reset()
    assert state.knowledge.embedder is None or state.knowledge.embedder is not embed
