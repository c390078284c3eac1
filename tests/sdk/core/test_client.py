"""Client configuration, request building, per-call options, auth, logging and redaction."""

from __future__ import annotations

import json
import logging
from typing import Any, List

import httpx
import pytest

import cozekit
from cozekit import AsyncCoze, Coze, TokenAuth
from cozekit._paths import path
from cozekit._request import get, post
from fake_server import BASE, FakeServer, envelope, fake_client


def _ident(payload: Any, info: Any) -> Any:
    return payload


def test_env_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COZE_API_TOKEN", "pat_env")
    monkeypatch.setenv("COZE_API_BASE", "http://127.0.0.1:9")
    client = Coze()
    assert client.base_url == "http://127.0.0.1:9"
    assert client.auth is not None and client.auth.get_token() == "pat_env"
    client.close()


def test_defaults_to_coze_com(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COZE_API_BASE", raising=False)
    assert Coze(TokenAuth("t")).base_url == cozekit.COZE_COM_BASE_URL


def test_missing_credentials_fail_before_io(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COZE_API_TOKEN", raising=False)
    with pytest.raises(ValueError, match="COZE_API_TOKEN"):
        Coze()


@pytest.mark.parametrize("bad", ["", "ftp://x", "api.coze.cn"])
def test_bad_base_url_is_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        Coze(TokenAuth("t"), bad)


def test_auth_must_be_an_auth() -> None:
    with pytest.raises(TypeError, match="TokenAuth"):
        Coze("pat_raw_string", BASE)  # type: ignore[arg-type]


def test_empty_token_rejected() -> None:
    with pytest.raises(ValueError):
        TokenAuth("  ")


def test_proxy_and_http_client_conflict() -> None:
    with pytest.raises(ValueError, match="proxy"):
        Coze(TokenAuth("t"), BASE, http_client=httpx.Client(), proxy="http://127.0.0.1:3128")


def test_proxy_is_used() -> None:
    client = Coze(TokenAuth("t"), BASE, proxy="http://127.0.0.1:3128")
    assert client._http._mounts  # a proxy transport is mounted
    client.close()


def test_headers_auth_and_user_agent() -> None:
    rec = FakeServer(envelope({"x": 1}))
    with fake_client("sync", rec, default_headers={"X-Team": "a"}) as client:
        client.request(get("/v1/users/me"), _ident)
    headers = rec.requests[0].headers
    assert headers["authorization"] == "Bearer pat_test"
    assert headers["user-agent"].startswith(f"cozekit/{cozekit.__version__} python/")
    ua = json.loads(headers["x-coze-client-user-agent"])
    assert ua["lang"] == "python"
    assert ua["version"] == cozekit.__version__
    assert headers["x-team"] == "a"


def test_per_call_extras() -> None:
    rec = FakeServer(envelope({"x": 1}))
    with fake_client("sync", rec, default_query={"q0": "d"}) as client:
        opts = post("/v3/chat", {"bot_id": "b", "none": None}, {"conversation_id": "c"})
        opts = opts.with_call_options(
            {
                "extra_headers": {"X-Extra": "1"},
                "extra_query": {"q": "2", "flag": True},
                "extra_body": {"more": 3},
                "timeout": 1.5,
            }
        )
        client.request(opts, _ident)
    request = rec.requests[0]
    assert request.headers["x-extra"] == "1"
    assert dict(request.url.params) == {"q0": "d", "conversation_id": "c", "q": "2", "flag": "true"}
    assert rec.body() == {"bot_id": "b", "more": 3}
    assert request.extensions["timeout"]["read"] == 1.5


def test_unknown_call_option_rejected() -> None:
    with pytest.raises(TypeError, match="extra_header"):
        get("/x").with_call_options({"extra_header": {}})  # type: ignore[typeddict-unknown-key]


def test_with_options_shares_pool_and_changes_settings() -> None:
    rec = FakeServer(envelope(status=429, code=429))
    client = fake_client("sync", rec, max_retries=3)
    quick = client.with_options(max_retries=0, default_headers={"X-A": "1"}, timeout=2.0)
    assert quick._http is client._http
    assert quick.max_retries == 0 and client.max_retries == 3
    with pytest.raises(cozekit.RateLimitError):
        quick.request(get("/x"), _ident)
    assert len(rec.requests) == 1
    assert rec.requests[0].headers["x-a"] == "1"
    quick.close()
    assert not client._http.is_closed
    client.close()
    assert client._http.is_closed is False  # injected clients are the caller's to close


def test_owned_pool_is_closed() -> None:
    client = Coze(TokenAuth("t"), BASE)
    with client:
        pass
    assert client._http.is_closed


def test_token_provider_is_asked_each_request() -> None:
    tokens = iter(["t1", "t2"])
    rec = FakeServer(envelope({"ok": 1}))
    client = Coze(
        TokenAuth(lambda: next(tokens)), BASE, http_client=httpx.Client(transport=httpx.MockTransport(rec))
    )
    client.request(get("/x"), _ident)
    client.request(get("/x"), _ident)
    assert [r.headers["authorization"] for r in rec.requests] == ["Bearer t1", "Bearer t2"]


def test_async_provider_refused_by_sync_client() -> None:
    async def provider() -> str:
        return "t"

    rec = FakeServer(envelope({"ok": 1}))
    client = Coze(TokenAuth(provider), BASE, http_client=httpx.Client(transport=httpx.MockTransport(rec)))
    with pytest.raises(TypeError, match="AsyncCoze"):
        client.request(get("/x"), _ident)
    assert rec.requests == []


async def test_async_provider_is_awaited() -> None:
    async def provider() -> str:
        return "t-async"

    rec = FakeServer(envelope({"ok": 1}))
    client = AsyncCoze(
        TokenAuth(provider), BASE, http_client=httpx.AsyncClient(transport=httpx.MockTransport(rec))
    )
    assert await client.request(get("/x"), _ident) == {"ok": 1}
    assert rec.requests[0].headers["authorization"] == "Bearer t-async"


class RefreshingAuth(cozekit.Auth):
    def __init__(self) -> None:
        self.current = "old"
        self.invalidated: List[str] = []

    def get_token(self) -> str:
        return self.current

    def invalidate(self, token: str) -> bool:
        self.invalidated.append(token)
        self.current = "new"
        return True


@pytest.mark.parametrize("failure", [envelope(code=4100, msg="expired"), envelope(status=401, code=401)])
def test_auth_error_refreshes_once_and_retries(failure: httpx.Response) -> None:
    auth = RefreshingAuth()
    rec = FakeServer(failure, envelope({"ok": 1}))
    client = Coze(auth, BASE, http_client=httpx.Client(transport=httpx.MockTransport(rec)), max_retries=0)
    assert client.request(post("/v3/chat", {}), _ident) == {"ok": 1}
    assert auth.invalidated == ["old"]
    assert [r.headers["authorization"] for r in rec.requests] == ["Bearer old", "Bearer new"]


def test_auth_error_refresh_happens_only_once() -> None:
    auth = RefreshingAuth()
    rec = FakeServer(envelope(code=4100, msg="expired"))
    client = Coze(auth, BASE, http_client=httpx.Client(transport=httpx.MockTransport(rec)))
    with pytest.raises(cozekit.AuthenticationError):
        client.request(get("/x"), _ident)
    assert len(rec.requests) == 2


@pytest.mark.parametrize(
    ("value", "error"),
    [("", ValueError), ("  ", ValueError), (".", ValueError), ("..", ValueError), (None, TypeError)],
)
def test_bad_path_params_fail_before_io(value: Any, error: type) -> None:
    with pytest.raises(error):
        path("/v1/conversations/{conversation_id}", conversation_id=value)


def test_path_params_are_encoded() -> None:
    assert path("/v1/bots/{bot_id}", bot_id="a/b?c#d") == "/v1/bots/a%2Fb%3Fc%23d"
    assert path("/v1/bots/{bot_id}", bot_id=12) == "/v1/bots/12"


def test_debug_logs_name_the_request_and_never_the_token(caplog: pytest.LogCaptureFixture) -> None:
    secret = "pat_SUPERSECRET_123"
    rec = FakeServer(envelope(code=4100, msg="authentication is invalid"))
    client = fake_client("sync", rec, token=secret, base_url="https://api.coze.com", max_retries=0)
    with caplog.at_level(logging.DEBUG, logger="cozekit"), pytest.raises(cozekit.AuthenticationError) as info:
        client.request(get("/v1/users/me"), _ident)
    text = caplog.text
    assert "GET /v1/users/me" in text
    assert "logid=logid-1" in text
    assert secret not in text
    for shown in (repr(client), str(client), repr(client.auth), str(info.value), repr(info.value)):
        assert secret not in shown
    assert logging.getLogger("cozekit").handlers == []


async def test_async_client_closes_owned_pool() -> None:
    client = AsyncCoze(TokenAuth("t"), BASE)
    async with client:
        pass
    assert client._http.is_closed
    other = fake_client("async", FakeServer(envelope({"a": 1})))
    assert (await other.with_options(max_retries=1).request(get("/x"), _ident)) == {"a": 1}
