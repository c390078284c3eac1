"""The emulator benchmark's own machinery: the light HTTP client's framing, the `serve --help` option
detection, the ceiling app and the report's "not available in this build" targets. No timings."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, Tuple

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `benchmarks/` is a folder of the checkout, not an installed package
    sys.path.insert(0, str(ROOT))

from benchmarks._ceiling import CeilingServer  # noqa: E402
from benchmarks._loadgen import (  # noqa: E402
    Connection,
    Request,
    Response,
    call,
    closed_loop,
    parse_head,
    read_response,
)
from benchmarks._report import EMULATOR_HEADING, markdown  # noqa: E402
from benchmarks._served import descendants, option_offered  # noqa: E402
from benchmarks._stats import Figure, Summary, ratio  # noqa: E402


def _read(raw: bytes) -> Response:
    async def go() -> Response:
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        return await read_response(reader)

    return asyncio.run(go())


def test_request_is_framed_once_with_its_length_and_token() -> None:
    data = Request("POST", "/v3/chat?x=1", "pat_t", {"stream": True, "text": "你好"}).encode("127.0.0.1:8")
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /v3/chat?x=1 HTTP/1.1"
    assert "Host: 127.0.0.1:8" in lines and "Authorization: Bearer pat_t" in lines
    assert f"Content-Length: {len(body)}" in lines
    assert json.loads(body) == {"stream": True, "text": "你好"}
    get = Request("GET", "/v1/conversation/retrieve").encode("h:1")
    assert b"Content-Length" not in get and b"Authorization" not in get and get.endswith(b"\r\n\r\n")


def test_responses_are_read_by_length_and_by_chunks() -> None:
    envelope = b'{"code":0,"msg":"","data":{}}'
    sized = _read(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 29\r\n\r\n" + envelope
    )
    assert sized.body == envelope and sized.ok
    frames = b'event:conversation.chat.created\ndata:{"id":"1"}\n\nevent:done\ndata:"[DONE]"\n\n'
    chunked = (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
        + b"%x\r\n" % 33
        + frames[:33]
        + b"\r\n"
        + b"%x;ext=1\r\n" % (len(frames) - 33)
        + frames[33:]
        + b"\r\n0\r\n\r\n"
    )
    streamed = _read(chunked)
    assert streamed.body == frames and streamed.events == 2 and streamed.ok


def test_coze_errors_and_http_errors_are_not_ok() -> None:
    coze_error = Response(200, {"content-type": "application/json"}, b'{"code":4000,"msg":"bad"}')
    assert not coze_error.ok
    assert not Response(500, {"content-type": "text/plain"}, b"boom").ok
    assert parse_head(b"HTTP/1.1 404 Not Found\r\nX-A: b") == (404, {"x-a": "b"})


def test_workers_option_is_detected_as_a_whole_option_name() -> None:
    offered = "Options:\n  --port INTEGER   Port.\n  --workers INTEGER  Worker processes.\n"
    assert option_offered(offered, "--workers")
    assert not option_offered("  --port INTEGER\n  --no-workers-hint\n  --workers-dir TEXT\n", "--workers")


def test_descendants_start_with_the_process_itself() -> None:
    assert descendants(os.getpid())[0] == os.getpid()


def test_ceiling_answers_the_captured_bytes_under_a_closed_loop(tmp_path: Path) -> None:
    bodies = {
        "retrieve": '{"code":0,"data":{"id":"1"}}',
        "chat": '{"code":0,"data":{"status":"in_progress"}}',
        "stream": ["event:a\ndata:{}\n\n", 'event:done\ndata:"[DONE]"\n\n'],
        "message_create": '{"code":0,"data":{"id":"2"}}',
        "message_list": '{"code":0,"data":[]}',
        "conversation_create": '{"code":0,"data":{"id":"3"}}',
    }
    path = tmp_path / "bodies.json"
    path.write_text(json.dumps(bodies), encoding="utf-8")
    stream = Request("POST", "/v3/chat", "pat", {"stream": True})
    with CeilingServer(str(path)) as url:
        assert (
            call(url, Request("GET", "/v1/conversation/retrieve?conversation_id=1")).body
            == b'{"code":0,"data":{"id":"1"}}'
        )
        assert (
            call(url, Request("POST", "/v3/chat", "pat", {"stream": False})).json()["data"]["status"]
            == "in_progress"
        )
        streamed = call(url, stream)
        assert streamed.body.decode() == "".join(bodies["stream"]) and streamed.events == 2
        listed = call(url, Request("POST", "/v1/conversation/message/list?conversation_id=1", "pat", {}))
        assert listed.json() == {"code": 0, "data": []}

        async def op(conn: Connection, i: int) -> Tuple[int, int]:
            response = await conn.send(stream)
            return 1, response.events

        result = asyncio.run(closed_loop(url, op, clients=3, seconds=0.2))
    assert result.errors == 0 and result.ops >= 3 and result.events == 2 * result.ops


def _results() -> Dict[str, Any]:
    rows = [Summary("10 rows", "ms", [10.0, 11.0]), Summary("100,000 rows", "ms", [30.0, 31.0])]
    listing = Figure(
        "emulator-list",
        "List pages",
        rows,
        [ratio("list page: 100,000 rows / 10 rows", rows[1], rows[0], 1.5, "<=")],
    ).as_dict()
    unavailable = {"name": "messages: 2 workers / 1 worker", "op": ">=", "target": 1.6}
    workers = Figure("emulator-workers", "Workers", [], [], "not here", {"unavailable": [unavailable]})
    machine = {
        "cpu": "cpu",
        "cores": 2,
        "python": "3.11",
        "implementation": "CPython",
        "platform": "linux",
        "load_average": (1.0, 1.0, 1.0),
        "packages": {},
        "commit": "abc1234",
    }
    return {
        "machine": machine,
        "quick": True,
        "figures": [listing, workers.as_dict()],
        "seconds": 5.0,
        "label": "before the storage rewrite",
    }


def test_report_marks_unmeasurable_targets_and_links_no_missing_chart() -> None:
    text = markdown(_results(), "## What the limits are\n\nnotes", heading=EMULATOR_HEADING)
    assert text.startswith("# Emulator benchmark results")
    assert (
        "| emulator-workers | messages: 2 workers / 1 worker >= 1.6 | — | not available in this build |"
        in text
    )
    missed = "| 2.90 | **missed** (2.90, target <= 1.5) |"
    assert "| emulator-list | list page: 100,000 rows / 10 rows <= 1.5 " + missed in text
    assert "- **before the storage rewrite**" in text
    assert "charts/emulator-list.png" in text and "charts/emulator-workers.png" not in text
    assert "## What the limits are\n\nnotes" in text
