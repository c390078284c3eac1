"""The proxy's HTTP surface: CORS and origins, input limits, JSON errors, the widget, and no token leaks."""

from __future__ import annotations

import logging
from importlib import resources
from typing import List

import httpx
import pytest

from cozekit.emulator import ThreadedEmulator

from .conftest import MakeProxy, as_user

SHOP = "https://shop.example"


def test_preflight_from_an_allowed_origin(http: httpx.Client) -> None:
    resp = http.options(
        "/chat",
        headers={
            "Origin": SHOP,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-cozekit-user",
        },
    )
    assert resp.status_code == 200
    assert resp.headers["access-control-allow-origin"] == SHOP
    assert "x-cozekit-user" in resp.headers["access-control-allow-headers"].lower()
    assert resp.headers["access-control-allow-credentials"] == "true"


def test_other_origins_get_no_cors_and_cannot_post(http: httpx.Client, upstream: ThreadedEmulator) -> None:
    evil = "https://evil.example"
    preflight = http.options("/chat", headers={"Origin": evil, "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    body = {"bot_id": upstream.demo_bot_id, "message": "hi"}
    refused = http.post("/chat", json=body, headers={**as_user("alice"), "Origin": evil})
    assert refused.status_code == 403 and refused.json()["code"] == 4101
    allowed = http.post("/chat", json=body, headers={**as_user("alice"), "Origin": SHOP})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == SHOP
    assert "x-tt-logid" in allowed.headers["access-control-expose-headers"].lower()
    own = http.post(
        "/chat", json=body, headers={**as_user("alice"), "Origin": str(http.base_url).rstrip("/")}
    )
    assert own.status_code == 200  # the demo page on the proxy's own origin


def test_errors_carry_cors_headers_too(http: httpx.Client, upstream: ThreadedEmulator) -> None:
    resp = http.post(
        "/chat", json={"bot_id": upstream.demo_bot_id, "message": "hi"}, headers={"Origin": SHOP}
    )
    assert resp.status_code == 401
    assert resp.headers["access-control-allow-origin"] == SHOP


@pytest.mark.parametrize(
    ("content", "status", "where"),
    [
        (b"not json", 400, "invalid"),
        (b'{"message": "hi"}', 400, "bot_id"),
        (b'{"bot_id": 7, "message": "hi"}', 400, "bot_id"),
        (b'{"bot_id": "BOT", "message": ""}', 400, "message"),
        (b'{"bot_id": "BOT", "message": "hi", "stream": false}', 400, "stream"),
        (b'{"bot_id": "BOT", "message": "' + b"x" * 4001 + b'"}', 400, "4000 characters"),
        (b'{"bot_id": "BOT", "message": "' + b"x" * 40_000 + b'"}', 413, "bytes"),
    ],
)
def test_bad_input_is_a_json_error(
    http: httpx.Client, upstream: ThreadedEmulator, content: bytes, status: int, where: str
) -> None:
    content = content.replace(b"BOT", upstream.demo_bot_id.encode())
    resp = http.post(
        "/chat", content=content, headers={**as_user("alice"), "content-type": "application/json"}
    )
    assert resp.status_code == status
    body = resp.json()
    assert body["code"] == 4000 and where in body["msg"] and body["logid"] == ""


def test_oversized_body_without_content_length_is_refused(http: httpx.Client) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b"x" * 8192

    resp = http.post("/chat", content=chunks(), headers=as_user("alice"))
    assert resp.status_code == 413 and resp.json()["code"] == 4000


def test_bad_query_and_unknown_paths_are_json_errors(http: httpx.Client) -> None:
    bad = http.get("/conversations/1/messages?limit=500", headers=as_user("alice"))
    assert bad.status_code == 400 and bad.json()["code"] == 4000 and "limit" in bad.json()["msg"]
    missing = http.get("/v3/chat")
    assert missing.status_code == 404 and missing.json() == {"code": 4200, "msg": "Not Found", "logid": ""}
    wrong = http.get("/chat")
    assert wrong.status_code == 405 and wrong.json()["code"] == 4000


def test_widget_and_demo_page_are_served(http: httpx.Client, upstream: ThreadedEmulator) -> None:
    widget = http.get("/widget.js")
    assert widget.status_code == 200
    assert widget.headers["content-type"].startswith("text/javascript")
    packaged = (resources.files("cozekit.proxy") / "static" / "widget.js").read_text(encoding="utf-8")
    own = packaged.split("/*@vendor@*/")
    assert widget.text.startswith(own[0]) and widget.text.endswith(own[1])  # vendored libraries in between
    assert "getReader" in widget.text and "X-Cozekit-User" in widget.text
    page = http.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f'<script src="widget.js" data-bot-id="{upstream.demo_bot_id}"' in page.text


def test_the_coze_token_never_reaches_the_browser_or_the_logs(
    make_proxy: MakeProxy, upstream: ThreadedEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    proxy = make_proxy(anonymous=True)
    seen: List[str] = []
    with httpx.Client(base_url=proxy.base_url, timeout=30) as http:

        def keep(resp: httpx.Response) -> httpx.Response:
            seen.append(resp.text + str(resp.headers))
            return resp

        user = as_user("alice")
        keep(http.get("/"))
        keep(http.get("/widget.js"))
        keep(http.post("/session"))
        chat = keep(http.post("/chat", json={"bot_id": upstream.demo_bot_id, "message": "hi"}, headers=user))
        conversation_id = chat.text.split('"conversation_id":"')[1].split('"')[0]
        keep(http.get(f"/conversations/{conversation_id}/messages", headers=user))
        keep(http.post("/conversations", json={"bot_id": upstream.demo_bot_id}, headers=user))
        upstream.control.fault("business_error", path="/v3/chat", code=4100, msg="token expired")
        failed = keep(
            http.post("/chat", json={"bot_id": upstream.demo_bot_id, "message": "hi"}, headers=user)
        )
        assert failed.status_code == 502 and failed.json()["code"] == 4100
        upstream.control.fault("stream_error", path="/v3/chat", code=4009, msg="busy", after_events=1)
        keep(http.post("/chat", json={"bot_id": upstream.demo_bot_id, "message": "hi"}, headers=user))
    assert len(seen) == 8
    assert all(upstream.token not in text for text in seen)
    assert "chat bot=" in caplog.text  # the proxy does log its calls...
    assert upstream.token not in caplog.text  # ...but never the token
    assert user["X-Cozekit-User"] not in caplog.text and "alice" not in caplog.text
