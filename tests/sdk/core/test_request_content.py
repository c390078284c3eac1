"""`RequestOptions(content=...)`: raw bodies, streamed from a factory that is called once per attempt."""

from __future__ import annotations

from typing import Iterator, List

import httpx
import pytest

from cozekit._parsing import raw
from cozekit._request import RequestOptions
from fake_server import FakeServer, envelope, fake_client

BODY = b'{"a":"' + b"x" * 100 + b'"}'


def _factory(calls: List[int]) -> object:
    def chunks() -> Iterator[bytes]:
        calls.append(1)
        for i in range(0, len(BODY), 7):
            yield BODY[i : i + 7]

    return chunks


def _opts(content: object, **kw: object) -> RequestOptions:
    headers = {"Content-Type": "application/json", "Content-Length": str(len(BODY))}
    return RequestOptions("POST", "/v1/raw", content=content, headers=headers, **kw)  # type: ignore[arg-type]


def test_bytes_content_is_sent_as_is() -> None:
    rec = FakeServer(envelope({"ok": True}))
    with fake_client("sync", rec) as coze:
        assert coze.request(_opts(BODY), raw) == {"ok": True}
    request = rec.requests[0]
    assert request.content == BODY
    assert request.headers["content-type"] == "application/json"
    assert request.headers["content-length"] == str(len(BODY))


def test_streamed_content_is_not_chunked_when_its_length_is_known() -> None:
    calls: List[int] = []
    rec = FakeServer(envelope({"ok": True}))
    with fake_client("sync", rec) as coze:
        coze.request(_opts(_factory(calls)), raw)
    request = rec.requests[0]
    assert request.content == BODY
    assert "transfer-encoding" not in request.headers
    assert request.headers["content-length"] == str(len(BODY))
    assert calls == [1]


def test_a_retried_request_streams_a_fresh_iterator() -> None:
    calls: List[int] = []
    rec = FakeServer(httpx.ConnectError("reset"), envelope({"ok": True}))
    with fake_client("sync", rec) as coze:
        coze.request(_opts(_factory(calls), idempotent=True), raw)
    assert len(calls) == 2
    assert [r.content for r in rec.requests] == [BODY, BODY]


async def test_async_client_streams_the_same_bytes_and_retries_fresh() -> None:
    calls: List[int] = []
    rec = FakeServer(httpx.ConnectError("reset"), envelope({"ok": True}))
    async with fake_client("async", rec) as coze:
        assert await coze.request(_opts(_factory(calls), idempotent=True), raw) == {"ok": True}
    assert len(calls) == 2
    assert [r.content for r in rec.requests] == [BODY, BODY]


def test_extra_body_cannot_be_merged_into_raw_content() -> None:
    with pytest.raises(TypeError, match="extra_body"):
        _opts(BODY).with_call_options({"extra_body": {"b": 1}})


def test_extra_headers_still_merge_into_raw_content_requests() -> None:
    opts = _opts(BODY).with_call_options({"extra_headers": {"X-A": "1"}})
    assert opts.content == BODY and opts.headers["X-A"] == "1"
