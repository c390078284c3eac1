"""A client that owns its httpx client sends straight to its transport; what goes on the wire is the
same as through `httpx.Client.send`, redirects are still followed, proxies still honoured."""

from __future__ import annotations

from typing import Any, Iterator, List, Tuple

import httpx
import pytest

from cozekit import AsyncCoze, Coze, TokenAuth
from cozekit._request import RequestOptions
from fake_server import FakeServer

AUTH = TokenAuth("pat_test")


def _wire(request: httpx.Request) -> Tuple[str, str, List[Tuple[str, str]], bytes, Any]:
    return (
        request.method,
        str(request.url),
        sorted((k.lower(), v) for k, v in request.headers.multi_items()),
        request.read(),
        request.extensions.get("timeout"),
    )


@pytest.mark.parametrize(
    "opts",
    [
        RequestOptions("GET", "/v1/conversation/retrieve", params={"conversation_id": "73"}),
        RequestOptions("GET", "/v1/bots", params={"ok": True, "none": None, "ids": ["1", "2"], "q": "a b&c"}),
        RequestOptions("GET", "/v1/x?already=1", params={"more": 2}),
        RequestOptions("POST", "/v3/chat", json={"bot_id": "1", "text": "星期三"}, headers={"Accept": "x/y"}),
        RequestOptions("POST", "/v1/files/upload", files={"file": ("a.txt", b"abc", "text/plain")}),
        RequestOptions("POST", "/v1/raw", content=b"\x00\x01", timeout=3.5),
    ],
)
def test_direct_requests_equal_the_ones_httpx_builds(opts: RequestOptions) -> None:
    direct = Coze(AUTH, "http://127.0.0.1:9", default_headers={"ACCEPT": "application/json"})
    assert direct._direct
    via_httpx = Coze(AUTH, "http://127.0.0.1:9", default_headers={"ACCEPT": "application/json"})
    via_httpx._direct = False
    got = direct._build_request(direct._http, opts, "tok", 1)
    want = via_httpx._build_request(via_httpx._http, opts, "tok", 1)
    if opts.files:  # multipart boundaries are random
        assert got.headers["content-type"].startswith("multipart/form-data; boundary=")
        assert got.headers["content-length"] == want.headers["content-length"]
        return
    assert _wire(got) == _wire(want)


def test_a_proxy_or_own_http_client_goes_through_httpx(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not Coze(AUTH, "http://127.0.0.1:9", http_client=httpx.Client())._direct
    assert not Coze(AUTH, "http://127.0.0.1:9", proxy="http://127.0.0.1:8")._direct
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:8")
    assert not Coze(AUTH, "https://api.coze.cn")._direct
    assert not AsyncCoze(AUTH, "https://api.coze.cn")._direct


def _answer(request: httpx.Request) -> httpx.Response:
    """A conversation; under `/old/` a redirect to the same path without it."""
    if request.url.path.startswith("/old/"):
        return httpx.Response(307, headers={"Location": str(request.url.raw_path.decode())[len("/old") :]})
    data = {"id": "c1", "created_at": 1}
    return httpx.Response(200, json={"code": 0, "msg": "", "data": data}, headers={"x-tt-logid": "LOG1"})


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(_answer) as fake:
        yield fake


def test_calls_work_redirects_are_followed_and_closed_clients_refuse(server: FakeServer) -> None:
    coze = Coze(AUTH, server.url)
    assert coze._direct
    conv = coze.conversations.retrieve(conversation_id="c1")
    assert conv.id == "c1" and conv.logid == "LOG1"
    with Coze(AUTH, server.url + "/old") as moved:
        assert moved._direct
        assert moved.conversations.retrieve(conversation_id="c1").id == "c1"
    assert server.paths() == [
        "/v1/conversation/retrieve",
        "/old/v1/conversation/retrieve",
        "/v1/conversation/retrieve",
    ]
    assert all(request.headers["authorization"] == "Bearer pat_test" for request in server.requests)
    coze.close()
    with pytest.raises(RuntimeError, match="closed"):
        coze.conversations.retrieve(conversation_id="c1")


async def test_async_calls_go_direct_too(server: FakeServer) -> None:
    async with AsyncCoze(AUTH, server.url) as coze:
        assert coze._direct
        conv = await coze.conversations.retrieve(conversation_id="c1")
        assert conv.id == "c1" and conv.response is not None and conv.response.status_code == 200
