"""Retry decisions as a table (no sleeping), and the loop that acts on them."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import httpx
import pytest

import cozekit
from cozekit import RetryPolicy
from cozekit._request import RequestOptions, get, post
from cozekit._retries import retry_after
from fake_server import FakeServer, envelope, fake_client

POLICY = RetryPolicy(initial_delay=0.5, max_delay=8.0, max_retry_after=60.0, jitter=lambda: 1.0)

req = httpx.Request("POST", "http://x")

# (kwargs for decide, expected delay or None)
TABLE: List[tuple[Dict[str, Any], Optional[float]]] = [
    ({"exc": httpx.ConnectError("no", request=req), "idempotent": False}, 0.5),
    ({"exc": httpx.ConnectTimeout("no", request=req), "idempotent": False}, 0.5),
    ({"exc": httpx.PoolTimeout("no", request=req), "idempotent": False}, 0.5),
    ({"exc": httpx.ReadTimeout("no", request=req), "idempotent": False}, None),
    ({"exc": httpx.ReadTimeout("no", request=req), "idempotent": True}, 0.5),
    ({"exc": httpx.WriteTimeout("no", request=req), "idempotent": False}, None),
    ({"exc": httpx.RemoteProtocolError("no", request=req), "idempotent": False}, None),
    ({"exc": httpx.RemoteProtocolError("no", request=req), "idempotent": True}, 0.5),
    ({"status_code": 408, "idempotent": False}, 0.5),
    ({"status_code": 429, "idempotent": False}, 0.5),
    ({"status_code": 502, "idempotent": False}, None),
    ({"status_code": 502, "idempotent": True}, 0.5),
    ({"status_code": 503, "idempotent": True}, 0.5),
    ({"status_code": 504, "idempotent": True}, 0.5),
    ({"status_code": 500, "idempotent": True}, None),
    ({"status_code": 400, "idempotent": True}, None),
    ({"status_code": 401, "idempotent": True}, None),
    ({"status_code": 200, "code": 4009, "idempotent": False}, 0.5),
    ({"status_code": 200, "code": 4020, "idempotent": False}, 0.5),
    ({"status_code": 200, "code": 4008, "idempotent": True}, None),
    ({"status_code": 200, "code": 4000, "idempotent": True}, None),
    ({"status_code": 429, "idempotent": False, "headers": {"retry-after": "3"}}, 3.0),
    ({"status_code": 429, "idempotent": False, "headers": {"retry-after-ms": "250"}}, 0.25),
    ({"status_code": 429, "idempotent": False, "headers": {"retry-after": "600"}}, None),
    ({"status_code": 429, "idempotent": False, "headers": {"retry-after": "soon"}}, 0.5),
    ({"status_code": 500, "idempotent": False, "headers": {"x-should-retry": "true"}}, 0.5),
    ({"status_code": 429, "idempotent": True, "headers": {"x-should-retry": "false"}}, None),
    ({"status_code": 429, "idempotent": True, "retries_taken": 1}, 1.0),
    ({"status_code": 429, "idempotent": True, "retries_taken": 2, "max_retries": 2}, None),
    ({"status_code": 429, "idempotent": True, "retries_taken": 9, "max_retries": 20}, 8.0),
]


@pytest.mark.parametrize(("kwargs", "expected"), TABLE)
def test_retry_decision_table(kwargs: Dict[str, Any], expected: Optional[float]) -> None:
    kwargs = dict(kwargs)
    headers = kwargs.pop("headers", None)
    delay = POLICY.decide(
        retries_taken=kwargs.pop("retries_taken", 0),
        max_retries=kwargs.pop("max_retries", 2),
        headers=httpx.Headers(headers) if headers is not None else None,
        **kwargs,
    )
    assert delay == expected


def test_jitter_shrinks_backoff() -> None:
    policy = RetryPolicy(initial_delay=1.0, jitter=lambda: 0.75)
    assert policy.backoff(0) == 0.75
    assert policy.backoff(1) == 1.5


def test_retry_after_http_date() -> None:
    headers = httpx.Headers({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"})
    assert retry_after(headers, now=1445412480.0) == 10.0


def _get() -> RequestOptions:
    return get("/v1/thing")


def _ident(payload: Any, info: Any) -> Any:
    return payload


def test_loop_retries_429_then_succeeds_and_counts_attempts() -> None:
    rec = FakeServer(envelope(status=429, code=429), envelope(status=429, code=429), envelope({"ok": 1}))
    with fake_client("sync", rec, max_retries=2) as client:
        assert client.request(_get(), _ident) == {"ok": 1}
    assert len(rec.requests) == 3
    assert "x-coze-retry-count" not in rec.requests[0].headers
    assert rec.requests[2].headers["x-coze-retry-count"] == "2"


def test_loop_gives_up_after_max_retries() -> None:
    rec = FakeServer(envelope(status=503, code=503))
    with fake_client("sync", rec, max_retries=3) as client, pytest.raises(cozekit.ServerError):
        client.request(_get(), _ident)
    assert len(rec.requests) == 4


def test_per_call_max_retries_overrides_client() -> None:
    rec = FakeServer(envelope(status=429, code=429))
    with fake_client("sync", rec, max_retries=5) as client, pytest.raises(cozekit.RateLimitError):
        client.request(_get().with_call_options({"max_retries": 0}), _ident)
    assert len(rec.requests) == 1


def test_post_is_not_resent_after_5xx_or_read_timeout() -> None:
    for failure in (envelope(status=502, code=502), httpx.ReadTimeout("slow")):
        rec = FakeServer(failure, envelope({"ok": 1}))
        with fake_client("sync", rec, max_retries=3) as client, pytest.raises(cozekit.CozeError):
            client.request(post("/v3/chat", {"bot_id": "1"}), _ident)
        assert len(rec.requests) == 1


def test_post_is_resent_when_never_sent_or_rate_limited() -> None:
    rec = FakeServer(httpx.ConnectError("refused"), envelope(status=429, code=429), envelope({"ok": 1}))
    with fake_client("sync", rec, max_retries=3) as client:
        assert client.request(post("/v3/chat", {"bot_id": "1"}), _ident) == {"ok": 1}
    assert len(rec.requests) == 3


def test_opt_in_resends_non_idempotent_post() -> None:
    rec = FakeServer(envelope(status=502, code=502), envelope({"ok": 1}))
    with fake_client("sync", rec, max_retries=3, retry_non_idempotent=True) as client:
        assert client.request(post("/v3/chat", {}), _ident) == {"ok": 1}
    assert len(rec.requests) == 2


def test_http_200_overload_code_is_retried() -> None:
    rec = FakeServer(envelope(code=4009, msg="busy"), envelope({"ok": 2}))
    with fake_client("sync", rec) as client:
        assert client.request(post("/v3/chat", {}), _ident) == {"ok": 2}


def test_sleeps_are_what_the_policy_says() -> None:
    slept: List[float] = []
    rec = FakeServer(envelope(status=429, code=429, headers={"retry-after": "2"}), envelope({"ok": 1}))
    client = fake_client("sync", rec, retry_policy=RetryPolicy(jitter=lambda: 1.0))
    import cozekit._base_client as base

    original = base.time.sleep
    base.time.sleep = slept.append  # type: ignore[assignment]
    try:
        client.request(_get(), _ident)
    finally:
        base.time.sleep = original
    assert slept == [2.0]


async def test_async_loop_retries_like_sync() -> None:
    rec = FakeServer(httpx.ConnectError("refused"), envelope(status=503, code=503), envelope({"ok": 3}))
    async with fake_client("async", rec, max_retries=2) as client:
        assert await client.request(_get(), _ident) == {"ok": 3}
    assert len(rec.requests) == 3
