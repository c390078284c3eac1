"""A routing MockTransport server for the admin/enterprise resources, and a helper that runs one call
with the sync client or the async one."""

from __future__ import annotations

import asyncio
import inspect
import json
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import httpx

from cozekit import AsyncCoze, Coze, RetryPolicy, TokenAuth

BASE = "http://coze.test"
MODES = ["sync", "async"]

Answer = Union[Dict[str, Any], List[Dict[str, Any]]]


def envelope(data: Any = None, code: int = 0, msg: str = "") -> Dict[str, Any]:
    body: Dict[str, Any] = {"code": code, "msg": msg, "detail": {"logid": "body-logid"}}
    if data is not None:
        body["data"] = data
    return body


class FakeServer:
    """Answers `(METHOD, raw path)` with envelopes (a list is served in order) and records requests."""

    def __init__(self, routes: Optional[Dict[Tuple[str, str], Answer]] = None) -> None:
        self.routes: Dict[Tuple[str, str], Answer] = dict(routes or {})
        self.requests: List[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = (request.method, request.url.raw_path.decode().split("?")[0])
        answer = self.routes.get(key)
        if answer is None:
            return httpx.Response(404, json=envelope(code=4200, msg=f"no route {key}"))
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        return httpx.Response(200, json=answer, headers={"x-tt-logid": "logid-1"})

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def body(self, index: int = -1) -> Any:
        content = self.requests[index].content
        return json.loads(content) if content else None

    def query(self, index: int = -1) -> Dict[str, str]:
        return dict(self.requests[index].url.params)

    def wire(self, index: int = -1) -> Tuple[str, str]:
        request = self.requests[index]
        return request.method, request.url.raw_path.decode().split("?")[0]

    def sync(self) -> Coze:
        return Coze(
            TokenAuth("pat_test"),
            BASE,
            http_client=httpx.Client(transport=httpx.MockTransport(self)),
            retry_policy=RetryPolicy(initial_delay=0.0, jitter=lambda: 1.0),
        )

    def asyn(self) -> AsyncCoze:
        return AsyncCoze(
            TokenAuth("pat_test"),
            BASE,
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(self)),
            retry_policy=RetryPolicy(initial_delay=0.0, jitter=lambda: 1.0),
        )


def call(mode: str, server: FakeServer, fn: Callable[[Any], Any]) -> Any:
    """`fn(client)` with the sync client, or with the async one (its result awaited)."""
    if mode == "sync":
        return fn(server.sync())

    async def go() -> Any:
        result = fn(server.asyn())
        return await result if inspect.isawaitable(result) else result

    return asyncio.run(go())


def collect(mode: str, server: FakeServer, fn: Callable[[Any], Any]) -> List[Any]:
    """Every item of the pager `fn(client)` makes, walking all its pages."""
    if mode == "sync":
        return list(fn(server.sync()))

    async def go() -> List[Any]:
        return [item async for item in fn(server.asyn())]

    return asyncio.run(go())
