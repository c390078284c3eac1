"""A client that owns its httpx client sends straight to its transport; what goes on the wire is the
same as through `httpx.Client.send`, redirects are still followed, proxies still honoured."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator, List, Tuple

import httpx
import pytest

from cozekit import AsyncCoze, Coze, TokenAuth
from cozekit._request import RequestOptions

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


class _Handler(BaseHTTPRequestHandler):
    seen: List[Tuple[str, str]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Authorization", "")))
        if self.path.startswith("/old/"):
            self.send_response(307)
            self.send_header("Location", self.path[len("/old") :])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({"code": 0, "msg": "", "data": {"id": "c1", "created_at": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("x-tt-logid", "LOG1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_calls_work_redirects_are_followed_and_closed_clients_refuse(server: str) -> None:
    coze = Coze(AUTH, server)
    assert coze._direct
    conv = coze.conversations.retrieve(conversation_id="c1")
    assert conv.id == "c1" and conv.logid == "LOG1"
    with Coze(AUTH, server + "/old") as moved:
        assert moved._direct
        assert moved.conversations.retrieve(conversation_id="c1").id == "c1"
    paths = [path.split("?")[0] for path, _ in _Handler.seen]
    assert paths == [
        "/v1/conversation/retrieve",
        "/old/v1/conversation/retrieve",
        "/v1/conversation/retrieve",
    ]
    assert all(token == "Bearer pat_test" for _, token in _Handler.seen)
    coze.close()
    with pytest.raises(RuntimeError, match="closed"):
        coze.conversations.retrieve(conversation_id="c1")


async def test_async_calls_go_direct_too(server: str) -> None:
    async with AsyncCoze(AUTH, server) as coze:
        assert coze._direct
        conv = await coze.conversations.retrieve(conversation_id="c1")
        assert conv.id == "c1" and conv.response is not None and conv.response.status_code == 200
