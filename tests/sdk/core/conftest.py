from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional

import httpx
import pytest

from cozekit import AsyncCoze, Coze, RetryPolicy, TokenAuth

BASE = "http://coze.test"
NO_WAIT = RetryPolicy(initial_delay=0.0, jitter=lambda: 1.0)

Handler = Callable[[httpx.Request], httpx.Response]


def envelope(
    data: Any = None, code: int = 0, msg: str = "", status: int = 200, **headers: str
) -> httpx.Response:
    body: Dict[str, Any] = {"code": code, "msg": msg, "detail": {"logid": "body-logid"}}
    if data is not None:
        body["data"] = data
    return httpx.Response(status, json=body, headers={"x-tt-logid": "logid-1", **headers})


class Recorder:
    """A MockTransport handler that answers from a list and records requests."""

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


def make_sync(handler: Handler, **kwargs: Any) -> Coze:
    kwargs.setdefault("retry_policy", NO_WAIT)
    return Coze(
        TokenAuth(kwargs.pop("token", "pat_test")),
        kwargs.pop("base_url", BASE),
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        **kwargs,
    )


def make_async(handler: Handler, **kwargs: Any) -> AsyncCoze:
    kwargs.setdefault("retry_policy", NO_WAIT)
    return AsyncCoze(
        TokenAuth(kwargs.pop("token", "pat_test")),
        kwargs.pop("base_url", BASE),
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        **kwargs,
    )


@pytest.fixture
def recorder() -> Callable[..., Recorder]:
    return Recorder


def sse_body(*events: tuple[str, str], sep: str = "\n") -> bytes:
    return "".join(f"event:{name}{sep}data:{data}{sep}{sep}" for name, data in events).encode()


def maybe(value: Optional[Any]) -> Any:
    return value
