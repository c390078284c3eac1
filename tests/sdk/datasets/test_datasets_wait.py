"""`datasets.wait_for_processing`: poll sequences on a fake clock (nothing really sleeps)."""

from __future__ import annotations

import types
from typing import Any, List

import pytest

import cozekit.resources.datasets._process as wait_module
from cozekit import (
    Document,
    DocumentProcessingError,
    DocumentProcessingTimeoutError,
    DocumentProgress,
    NotFoundError,
)
from cozekit._base_client import AsyncAPIClient, SyncAPIClient
from fake_server import FakeServer, envelope, fake_client
from sync_or_async import run


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: List[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    fake_time = types.SimpleNamespace(monotonic=fake.monotonic, sleep=fake.sleep)
    monkeypatch.setattr(SyncAPIClient, "_sleep", lambda self, seconds: fake.sleep(seconds))
    monkeypatch.setattr(AsyncAPIClient, "_sleep", lambda self, seconds: fake.async_sleep(seconds))
    monkeypatch.setattr(wait_module, "time", fake_time)
    return fake


def _progress(*items: Any) -> Any:
    return envelope({"data": [dict(zip(("document_id", "status", "progress"), item)) for item in items]})


async def test_polls_until_every_document_is_done(mode: str, clock: FakeClock) -> None:
    rec = FakeServer(
        _progress(("a", 0, 0), ("b", 0, 10)),
        _progress(("a", 1, 100), ("b", 0, 60)),
        _progress(("a", 1, 100), ("b", 1, 100)),
    )
    seen: List[List[int]] = []
    client = fake_client(mode, rec)
    result = await run(
        client.datasets.wait_for_processing(
            dataset_id="d1",
            document_ids=["a", Document(document_id="b")],
            on_progress=lambda ps: seen.append([p.progress for p in ps]),
            poll_interval=2.0,
        )
    )
    assert [p.status for p in result] == [1, 1] and result.logid == "logid-1"
    assert seen == [[0, 10], [100, 60], [100, 100]]
    assert clock.sleeps == [2.0, 2.0]
    assert [r.url.path for r in rec.requests] == ["/v1/datasets/d1/process"] * 3
    assert all(rec.body(i) == {"document_ids": ["a", "b"]} for i in range(3))


async def test_a_failed_document_raises_naming_it(mode: str, clock: FakeClock) -> None:
    failed = {
        "document_id": "b",
        "document_name": "scan.pdf",
        "status": 9,
        "status_descript": "slicing failed",
    }
    rec = FakeServer(
        _progress(("a", 0, 0), ("b", 0, 0)), envelope({"data": [{"document_id": "a", "status": 0}, failed]})
    )
    client = fake_client(mode, rec)
    with pytest.raises(DocumentProcessingError) as info:
        await run(client.datasets.wait_for_processing(dataset_id="d1", document_ids=["a", "b"]))
    err = info.value
    assert (err.document_id, err.document_name, err.status_descript) == ("b", "scan.pdf", "slicing failed")
    assert "scan.pdf" in str(err) and "slicing failed" in str(err) and "b" in str(err)
    assert [p.document_id for p in err.progress] == ["a", "b"] and len(err.failed) == 1
    assert clock.sleeps == [1.0] and len(rec.requests) == 2


async def test_times_out_with_the_pending_ids(mode: str, clock: FakeClock) -> None:
    rec = FakeServer(_progress(("a", 1, 100), ("b", 0, 50)))
    client = fake_client(mode, rec)
    with pytest.raises(DocumentProcessingTimeoutError) as info:
        await run(
            client.datasets.wait_for_processing(
                dataset_id="d1", document_ids=["a", "b"], poll_timeout=2.5, poll_interval=1.0
            )
        )
    assert info.value.pending == ["b"] and isinstance(info.value, TimeoutError)
    assert clock.sleeps == [1.0, 1.0, 0.5] and len(rec.requests) == 4


async def test_documents_missing_from_an_answer_are_still_pending(mode: str, clock: FakeClock) -> None:
    rec = FakeServer(_progress(("a", 1, 100)), _progress(("a", 1, 100), ("b", 1, 100)))
    client = fake_client(mode, rec)
    result = await run(
        client.datasets.wait_for_processing(dataset_id="d1", document_ids=["a", "b"], poll_timeout=None)
    )
    assert [p.document_id for p in result] == ["a", "b"] and clock.sleeps == [1.0]


async def test_api_errors_propagate(mode: str, clock: FakeClock) -> None:
    client = fake_client(
        mode,
        FakeServer(
            _progress(("a", 0, 0)), envelope(code=4200, msg="not found", headers={"x-tt-logid": "logid-err"})
        ),
    )
    with pytest.raises(NotFoundError):
        await run(client.datasets.wait_for_processing(dataset_id="d1", document_ids=["a"]))
    assert clock.sleeps == [1.0]


async def test_an_async_callback_is_refused(mode: str, clock: FakeClock) -> None:
    async def callback(progress: List[DocumentProgress]) -> None:
        pass

    client = fake_client(mode, FakeServer(_progress(("a", 0, 0))))
    with pytest.raises(TypeError, match="plain function"):
        await run(
            client.datasets.wait_for_processing(dataset_id="d1", document_ids=["a"], on_progress=callback)
        )
