"""One send path: every request goes through `httpx.Client.send` (or the async one). A client that
creates its httpx client builds its requests itself (the public `httpx.Request`), and what goes on the
wire is what `httpx.Client.build_request` would make; redirects are followed; the pool keeps as many
connections alive as the client may open (`max_connections`)."""

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
    assert direct._builds_requests
    via_httpx = Coze(AUTH, "http://127.0.0.1:9", default_headers={"ACCEPT": "application/json"})
    via_httpx._builds_requests = False
    got = direct._build_request(direct._http, opts, "tok", 1)
    want = via_httpx._build_request(via_httpx._http, opts, "tok", 1)
    if opts.files:  # multipart boundaries are random
        assert got.headers["content-type"].startswith("multipart/form-data; boundary=")
        assert got.headers["content-length"] == want.headers["content-length"]
        return
    assert _wire(got) == _wire(want)


def test_a_client_of_your_own_builds_requests_with_httpx() -> None:
    assert not Coze(AUTH, "http://127.0.0.1:9", http_client=httpx.Client())._builds_requests
    assert not AsyncCoze(AUTH, "http://127.0.0.1:9", http_client=httpx.AsyncClient())._builds_requests
    assert Coze(AUTH, "http://127.0.0.1:9", proxy="http://127.0.0.1:8")._builds_requests


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


def test_calls_work_redirects_are_followed_and_closed_clients_refuse(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: List[str] = []
    send = httpx.Client.send

    def spy(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        sent.append(request.url.path)
        return send(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", spy)
    coze = Coze(AUTH, server.url)
    conv = coze.conversations.retrieve(conversation_id="c1")
    assert conv.id == "c1" and conv.logid == "LOG1"
    with Coze(AUTH, server.url + "/old") as moved:
        assert moved.conversations.retrieve(conversation_id="c1").id == "c1"
    assert sent == ["/v1/conversation/retrieve", "/old/v1/conversation/retrieve"]  # httpx followed the 307
    assert server.paths() == [
        "/v1/conversation/retrieve",
        "/old/v1/conversation/retrieve",
        "/v1/conversation/retrieve",
    ]
    assert all(request.headers["authorization"] == "Bearer pat_test" for request in server.requests)
    coze.close()
    with pytest.raises(RuntimeError, match="closed"):
        coze.conversations.retrieve(conversation_id="c1")


async def test_async_calls_go_through_async_client_send(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: List[str] = []
    send = httpx.AsyncClient.send

    async def spy(self: httpx.AsyncClient, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        sent.append(request.url.path)
        return await send(self, request, **kwargs)

    monkeypatch.setattr(httpx.AsyncClient, "send", spy)
    async with AsyncCoze(AUTH, server.url + "/old") as coze:
        conv = await coze.conversations.retrieve(conversation_id="c1")
        assert conv.id == "c1" and conv.response is not None and conv.response.status_code == 200
    assert sent == ["/old/v1/conversation/retrieve"]


def test_event_hooks_of_your_own_client_see_every_request(server: FakeServer) -> None:
    seen: List[str] = []
    http = httpx.Client(event_hooks={"request": [lambda request: seen.append(request.url.path)]})
    with Coze(AUTH, server.url, http_client=http) as coze:
        coze.conversations.retrieve(conversation_id="c1")
    assert seen == ["/v1/conversation/retrieve"]


def test_max_connections_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_connections"):
        Coze(AUTH, "http://127.0.0.1:9", max_connections=0)
