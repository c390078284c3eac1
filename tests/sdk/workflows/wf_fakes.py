"""MockTransport helpers for the workflow tests: a routing fake server, envelopes and SSE bodies."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple, Union

import httpx

from cozekit import AsyncCoze, Coze, RetryPolicy, TokenAuth

BASE = "http://coze.test"
NO_WAIT = RetryPolicy(initial_delay=0.0, jitter=lambda: 1.0)
WF = "7350583675492300001"
EXEC = "7431040978805850001"
DEBUG = "https://www.coze.cn/work_flow?execute_id=1&space_id=2&workflow_id=3"

Answer = Union[httpx.Response, List[httpx.Response]]


def envelope(data: Any = None, code: int = 0, msg: str = "", status: int = 200, **top: Any) -> httpx.Response:
    body: Dict[str, Any] = {"code": code, "msg": msg, "detail": {"logid": "body-logid"}, **top}
    if data is not None:
        body["data"] = data
    return httpx.Response(status, json=body, headers={"x-tt-logid": "logid-1"})


def sse(*events: Tuple[str, Any], ids: bool = True, space: bool = True, eol: str = "\n") -> httpx.Response:
    """A workflow event stream: `id: n` / `event: Name` / `data: json` per event, as Coze frames it.

    An event's data may be a dict (JSON-encoded), a string (sent as is) or None (no `data:` line)."""
    sep = ": " if space else ":"
    parts: List[str] = []
    for n, (name, data) in enumerate(events):
        lines = [f"id{sep}{n}"] if ids else []
        lines.append(f"event{sep}{name}")
        if data is not None:
            text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
            lines.append(f"data{sep}{text}")
        parts.append(eol.join(lines) + eol + eol)
    return httpx.Response(
        200,
        content="".join(parts).encode(),
        headers={"content-type": "text/event-stream", "x-tt-logid": "stream-logid"},
    )


def message(content: str, seq: int = 0, finish: bool = True, title: str = "End") -> Tuple[str, Any]:
    return (
        "Message",
        {"content": content, "node_is_finish": finish, "node_seq_id": str(seq), "node_title": title},
    )


def interrupt(event_id: str = "7404830425073352713/2769808280134765896", type_: int = 2) -> Tuple[str, Any]:
    return (
        "Interrupt",
        {"interrupt_data": {"data": "", "event_id": event_id, "type": type_}, "node_title": "问答"},
    )


DONE = ("Done", {})


class FakeCoze:
    """Routes `(METHOD, path)` to answers (a list is served in order) and records every request."""

    def __init__(self, routes: Optional[Dict[Tuple[str, str], Answer]] = None) -> None:
        self.routes: Dict[Tuple[str, str], Answer] = dict(routes or {})
        self.requests: List[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = (request.method, request.url.raw_path.decode().split("?")[0])
        if key not in self.routes:
            return envelope(code=4200, msg=f"no route {key}", status=404)
        answer = self.routes[key]
        if isinstance(answer, list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        # A fresh copy: a response object can only be read once, by one kind of client.
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)

    def query(self, index: int = -1) -> Dict[str, str]:
        return dict(self.requests[index].url.params)

    def sync(self) -> Coze:
        return Coze(
            TokenAuth("pat_test"),
            BASE,
            http_client=httpx.Client(transport=httpx.MockTransport(self)),
            retry_policy=NO_WAIT,
        )

    def asyn(self) -> AsyncCoze:
        return AsyncCoze(
            TokenAuth("pat_test"),
            BASE,
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(self)),
            retry_policy=NO_WAIT,
        )
