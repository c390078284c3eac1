"""The HTTP request node against a loopback server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List

import pytest

from .build import FakeHost, chain, end_vars, failure, lit, node, out, param, ref, run, start


class Echo(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        if self.path == "/file.txt":
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"BYTES")
            return
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size).decode() if size else ""
        status = 418 if "teapot" in self.path else 200
        payload = {
            "method": self.command,
            "path": self.path,
            "auth": self.headers.get("Authorization"),
            "x": self.headers.get("X-Test"),
            "body": body,
            "type": self.headers.get("Content-Type"),
        }
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def http_node(
    url: str,
    method: str = "GET",
    body: Any = None,
    auth: Any = None,
    headers: List[Dict[str, Any]] = (),
    params: List[Dict[str, Any]] = (),
) -> Dict[str, Any]:
    inputs = {
        "apiInfo": {"method": method, "url": url},
        "headers": list(headers),
        "params": list(params),
        "body": body or {"bodyType": "EMPTY", "bodyData": {}},
        "auth": auth or {"authOpen": False},
        "setting": {"timeout": 5, "retryTimes": 0},
    }
    return node(
        "45", 45, "Call", inputs=inputs, outputs=[out("body"), out("statusCode", "integer"), out("headers")]
    )


def call(n: Dict[str, Any], params: Dict[str, Any], host: Any = None) -> Dict[str, Any]:
    raw = chain(
        start(out("q"), out("token")),
        n,
        end_vars(
            param("body", ref("45", "body", "object")), param("status", ref("45", "statusCode", "integer"))
        ),
    )
    return run(raw, params, host)


def test_get_with_url_template_query_headers_and_bearer(server):
    n = http_node(
        server + "/items/{{block_output_100001.q}}",
        headers=[param("X-Test", lit("yes"))],
        params=[param("page", lit("2"))],
        auth={
            "authOpen": True,
            "authType": "BEARER_AUTH",
            "authData": {"bearerTokenData": [param("token", ref("100001", "token"))]},
        },
    )
    got = call(n, {"q": "pens", "token": "tok"})
    assert got["status"] == 200
    assert got["body"] == {
        "method": "GET",
        "path": "/items/pens?page=2",
        "auth": "Bearer tok",
        "x": "yes",
        "body": "",
        "type": None,
    }


def test_post_json_body_and_custom_auth_in_query(server):
    body = {"bodyType": "JSON", "bodyData": {"json": '{"q": "{{block_output_100001.q}}"}'}}
    auth = {
        "authOpen": True,
        "authType": "CUSTOM_AUTH",
        "authData": {
            "customData": {"addTo": "query", "data": [param("Key", lit("k")), param("Value", lit("v"))]}
        },
    }
    got = call(http_node(server + "/p", "POST", body, auth), {"q": "hi"})
    assert got["body"]["path"] == "/p?k=v"
    assert json.loads(got["body"]["body"]) == {"q": "hi"} and got["body"]["type"] == "application/json"


def test_form_body(server):
    body = {"bodyType": "FORM_URLENCODED", "bodyData": {"formURLEncoded": [param("a", ref("100001", "q"))]}}
    got = call(http_node(server + "/f", "PUT", body), {"q": "x y"})
    assert got["body"]["body"] == "a=x+y"


def test_form_data_files_and_binary_bodies_are_downloaded(server):
    fields = [param("note", lit("hi")), param("doc", ref("100001", "q", "string", assistType=1))]
    body = {"bodyType": "FORM_DATA", "bodyData": {"formData": {"data": fields}}}
    got = call(http_node(server + "/up", "POST", body), {"q": server + "/file.txt"})
    sent = got["body"]["body"]
    assert 'name="note"' in sent and "hi" in sent and 'filename="file.txt"' in sent and "BYTES" in sent
    binary = {
        "bodyType": "BINARY",
        "bodyData": {"binary": {"fileURL": ref("100001", "q", "string", assistType=1)}},
    }
    got = call(http_node(server + "/bin", "PUT", binary), {"q": server + "/file.txt"})
    assert got["body"]["body"] == "BYTES" and got["body"]["type"] == "application/octet-stream"


def test_error_status_fails_the_node(server):
    raw = chain(start(out("q"), out("token")), http_node(server + "/teapot"), end_vars())
    failed = failure(raw, {})
    assert failed.node_id == "45" and "answered 418" in failed.msg


def test_only_loopback_unless_the_host_allows_more(server):
    raw = chain(start(out("q"), out("token")), http_node("http://10.1.2.3/x"), end_vars())
    failed = failure(raw, {})
    assert failed.node_id == "45" and "calls only loopback addresses" in failed.msg
    host = FakeHost()
    seen = []
    host.http_allowed = lambda url: seen.append(url) or True  # type: ignore[method-assign]
    assert call(http_node(server + "/ok"), {}, host)["status"] == 200
    assert seen == [server + "/ok"]
