"""Wire-format tests for the admin resources: every test runs with `Coze` and with `AsyncCoze` over an
`httpx.MockTransport` that records each request and answers from a queue."""

from __future__ import annotations

import inspect
import json
from typing import Any, Callable, Dict, List, Optional

import httpx
import pytest

from cozekit import AsyncCoze, Coze, RetryPolicy, TokenAuth

BASE = "http://coze.test"
TOKEN = "pat_admin"
NO_WAIT = RetryPolicy(initial_delay=0.0, jitter=lambda: 1.0)


def ok(data: Any = None, **extra: Any) -> Dict[str, Any]:
    """A success envelope (`data` omitted when None, as Coze does for empty results)."""
    body: Dict[str, Any] = {"code": 0, "msg": "", "detail": {"logid": "body-logid"}, **extra}
    if data is not None:
        body["data"] = data
    return body


class Wire:
    """One client (sync or async) whose requests are recorded and answered with queued JSON bodies."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.requests: List[httpx.Request] = []
        self._replies: List[Any] = []
        transport = httpx.MockTransport(self._handle)
        if mode == "sync":
            self.client: Any = Coze(
                TokenAuth(TOKEN), BASE, http_client=httpx.Client(transport=transport), retry_policy=NO_WAIT
            )
        else:
            self.client = AsyncCoze(
                TokenAuth(TOKEN),
                BASE,
                http_client=httpx.AsyncClient(transport=transport),
                retry_policy=NO_WAIT,
            )

    def reply(self, *bodies: Any) -> Wire:
        self._replies.extend(bodies)
        return self

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = self._replies.pop(0) if self._replies else ok()
        if isinstance(body, httpx.Response):
            return body
        return httpx.Response(200, json=body, headers={"x-tt-logid": f"logid-{len(self.requests)}"})

    async def call(self, fn: Callable[[Any], Any]) -> Any:
        result = fn(self.client)
        return await result if inspect.isawaitable(result) else result

    async def items(self, fn: Callable[[Any], Any]) -> List[Any]:
        """Every item of the pager `fn(client)` makes."""
        made = fn(self.client)
        if self.mode == "sync":
            return list(made)
        return [item async for item in made]

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def json(self, index: int = -1) -> Any:
        content = self.requests[index].content
        return json.loads(content) if content else None

    def query(self, index: int = -1) -> Dict[str, str]:
        return dict(self.requests[index].url.params)

    def check(
        self,
        method: str,
        path: str,
        *,
        query: Optional[Dict[str, str]] = None,
        body: Any = None,
        index: int = -1,
    ) -> None:
        """The request's method, path, query and JSON body, and that it carried the token."""
        request = self.requests[index]
        assert request.method == method
        assert request.url.path == path
        assert self.query(index) == (query or {})
        assert self.json(index) == body
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        if body is not None:
            assert request.headers["content-type"] == "application/json"


@pytest.fixture(params=["sync", "async"])
def wire(request: pytest.FixtureRequest) -> Wire:
    return Wire(request.param)
