"""The hot path (`routing.FastRoutes`): hot routes answer exactly as FastAPI's routing answers them, and a
request the hot path does not take (it does not validate) still gets FastAPI's answer."""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Dict, Tuple

import httpx
import pytest
from fastapi import Request, Response

from cozekit.emulator.app import create_app
from cozekit.emulator.routing import FastRoutes, Router
from cozekit.emulator.strict_fields import check_known, known_fields


def _hot(app: Any) -> FastRoutes:
    (middleware,) = [m for m in app.user_middleware if "hot" in m.kwargs]
    hot: FastRoutes = middleware.kwargs["hot"]
    return hot


@pytest.fixture
async def emulator() -> AsyncIterator[Tuple[Any, httpx.AsyncClient, Dict[str, Any]]]:
    app = await asyncio.to_thread(create_app)  # opening the store is blocking work (the loop guard)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        info = (await client.get("/_emulator/info")).json()["data"]
        yield app, client, info


def _answer(response: httpx.Response) -> Tuple[int, Dict[str, Any]]:
    body = response.json()
    assert body.pop("detail") == {"logid": response.headers["x-tt-logid"]}
    return response.status_code, body


async def test_hot_routes_answer_as_the_framework_does(emulator: Any) -> None:
    app, client, info = emulator
    auth = {"Authorization": f"Bearer {info['token']}"}
    created = await client.post("/v1/conversation/create", json={"bot_id": info["demo_bot_id"]}, headers=auth)
    conversation = created.json()["data"]["id"]
    requests = [
        ("GET", f"/v1/conversation/retrieve?conversation_id={conversation}", None, auth),
        ("GET", "/v1/conversation/retrieve?conversation_id=123", None, auth),  # not found: 4002
        ("GET", "/v1/conversation/retrieve?conversation_id=abc", None, auth),  # malformed id: 4000
        ("GET", "/v1/conversation/retrieve", None, auth),  # missing parameter: 4000
        ("GET", f"/v1/conversation/retrieve?conversation_id={conversation}", None, {}),  # no token: 4100
        ("POST", f"/v1/conversation/message/list?conversation_id={conversation}", {"limit": 5}, auth),
        ("POST", f"/v1/conversation/message/list?conversation_id={conversation}", {"limit": "x"}, auth),
        ("POST", f"/v1/conversation/message/list?conversation_id={conversation}", {"limit": 0}, auth),
        ("POST", "/v1/conversation/message/create?conversation_id=1", {"role": "user"}, auth),  # invalid body
        ("POST", "/v3/chat", {"bot_id": info["demo_bot_id"]}, auth),  # user_id missing: 4000
        (
            "POST",
            "/v3/chat/cancel",
            {"conversation_id": conversation, "chat_id": "1"},
            auth,
        ),  # not its chat: 4001
    ]
    hot = _hot(app)
    assert ("GET", "/v1/conversation/retrieve") in hot._plans
    assert ("POST", "/v3/chat") in hot._plans
    for method, path, body, headers in requests:
        fast = _answer(await client.request(method, path, json=body, headers=headers))
        plans, hot._plans = hot._plans, {}
        try:
            framework = _answer(await client.request(method, path, json=body, headers=headers))
        finally:
            hot._plans = plans
        assert fast == framework, (method, path)
    codes = [_answer(await client.request(m, p, json=b, headers=h))[1]["code"] for m, p, b, h in requests]
    assert codes == [0, 4002, 4000, 4000, 4100, 0, 4000, 4000, 4000, 4000, 4001]


async def test_a_hot_route_records_and_refuses_unknown_body_fields(emulator: Any) -> None:
    _app, client, info = emulator
    auth = {"Authorization": f"Bearer {info['token']}"}
    created = await client.post("/v1/conversation/create", json={"bot_id": info["demo_bot_id"]}, headers=auth)
    path = f"/v1/conversation/message/create?conversation_id={created.json()['data']['id']}"
    message = {"role": "user", "content": "hi", "content_type": "text", "contnet": "typo"}
    ignored = (await client.post(path, json=message, headers=auth)).json()
    assert ignored["code"] == 0 and ignored["data"]["content"] == "hi"
    await client.patch("/_emulator/config", json={"strict_requests": True})
    refused = (await client.post(path, json=message, headers=auth)).json()
    assert refused["code"] == 4000 and "'contnet'" in refused["msg"]
    unknown = (await client.get("/_emulator/unknown_fields")).json()["data"]
    assert unknown == [
        {"method": "POST", "path": "/v1/conversation/message/create", "field": "contnet", "count": 2}
    ]


def test_a_route_that_an_earlier_one_would_take_first_stays_with_fastapi() -> None:
    first, second = Router(), Router()

    @first.get("/v9/{name}")
    async def by_name(request: Request, name: str) -> Response:
        return Response()

    @second.get("/v9/static")
    async def static(request: Request) -> Response:
        return Response()

    shadowed = FastRoutes(known_fields, check_known)
    shadowed.add([first, second])
    assert shadowed._plans.get(("GET", "/v9/static")) is None
    alone = FastRoutes(known_fields, check_known)
    alone.add([second])
    assert alone._plans.get(("GET", "/v9/static")) is not None
