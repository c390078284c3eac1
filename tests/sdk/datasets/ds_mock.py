"""MockTransport helpers for the dataset tests: one test body runs with `Coze` and with `AsyncCoze`."""

from __future__ import annotations

import inspect
import json
from typing import Any, Callable, Dict, List, Union

import httpx

from cozekit import AsyncCoze, AsyncPager, Coze, RetryPolicy, TokenAuth

BASE = "http://coze.test"
NO_WAIT = RetryPolicy(initial_delay=0.0, jitter=lambda: 1.0)
Client = Union[Coze, AsyncCoze]


def envelope(data: Any = None, **top: Any) -> httpx.Response:
    """A standard answer; `top` adds top-level keys (document endpoints put their payload there)."""
    body: Dict[str, Any] = {"code": 0, "msg": "", "detail": {"logid": "body-logid"}, **top}
    if data is not None:
        body["data"] = data
    return httpx.Response(200, json=body, headers={"x-tt-logid": "logid-1"})


def error(code: int, msg: str = "bad") -> httpx.Response:
    return httpx.Response(200, json={"code": code, "msg": msg}, headers={"x-tt-logid": "logid-err"})


class Recorder:
    """Answers from a list (the last answer repeats) and records every request."""

    def __init__(self, *responses: Any) -> None:
        self.responses: List[Any] = list(responses)
        self.requests: List[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(item, Exception):
            raise item
        if callable(item):
            return item(request)  # type: ignore[no-any-return]
        return item  # type: ignore[no-any-return]

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def make(mode: str, handler: Callable[[httpx.Request], httpx.Response], **kw: Any) -> Client:
    kw.setdefault("retry_policy", NO_WAIT)
    if mode == "sync":
        return Coze(
            TokenAuth("pat_test"),
            BASE,
            http_client=httpx.Client(transport=httpx.MockTransport(handler)),
            **kw,
        )
    transport = httpx.MockTransport(handler)
    return AsyncCoze(TokenAuth("pat_test"), BASE, http_client=httpx.AsyncClient(transport=transport), **kw)


async def run(result: Any) -> Any:
    """The value of a sync call, or of an awaited async one."""
    return await result if inspect.isawaitable(result) else result


async def collect(pager: Any) -> List[Any]:
    if isinstance(pager, AsyncPager):
        return [item async for item in pager]
    return list(pager)
