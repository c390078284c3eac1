"""Workflow answers for the fake server: event streams as Coze frames them, and ids."""

from __future__ import annotations

import json
from typing import Any, List, Tuple, Union

import httpx

WF = "7350583675492300001"
EXEC = "7431040978805850001"
DEBUG = "https://www.coze.cn/work_flow?execute_id=1&space_id=2&workflow_id=3"

Answer = Union[httpx.Response, List[httpx.Response]]


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
