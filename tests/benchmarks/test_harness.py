"""The benchmark harness's own machinery: the loopback server's paced streams and connection counts,
and the generated report. No timings are asserted."""

from __future__ import annotations

import json
import socket
import sys
import threading
from pathlib import Path
from typing import Any, Dict

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `benchmarks/` is a folder of the checkout, not an installed package
    sys.path.insert(0, str(ROOT))

from benchmarks._report import markdown  # noqa: E402
from benchmarks._server import LoopbackServer, stats  # noqa: E402
from benchmarks._stats import Figure, Summary, ratio  # noqa: E402
from benchmarks.calls import _BareHTTP  # noqa: E402


def _chat(url: str) -> bytes:
    host, port = url.split("//", 1)[1].split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(b"POST /v3/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        data = b""
        while b"event:done" not in data:
            piece = sock.recv(65536)
            assert piece, "the server closed the stream early"
            data += piece
        return data


def test_paced_stream_is_whole_and_connections_are_counted() -> None:
    with LoopbackServer(deltas=3, hold=0.05) as url:
        assert stats(url)["opened"] == 0  # asking for the stats is not counted
        body = _chat(url).split(b"\r\n\r\n", 1)[1]
        assert body.count(b"event:conversation.message.delta") == 3
        assert body.endswith(b'data:"[DONE]"\n\n')
        _chat(url)
        counts = stats(url)
        assert counts["opened"] == 2
        assert counts["peak_open"] >= 1


def _results() -> Dict[str, Any]:
    fast = Summary("cozekit sync", "events/s", [90.0, 100.0, 110.0])
    limit = Summary("fair limit sync", "events/s", [200.0, 200.0, 210.0])
    figure = Figure(
        "sse",
        "SSE throughput",
        [fast, limit],
        [ratio("sync: cozekit / fair limit", fast, limit, 0.9), ratio("information", limit, fast)],
        "notes of the figure",
        {"headline": ["sync: cozekit / fair limit"], "profile": "```text\nprofile lines\n```"},
    ).as_dict()
    machine = {
        "cpu": "cpu",
        "cores": 2,
        "python": "3.11",
        "implementation": "CPython",
        "platform": "linux",
        "load_average": (3.0, 2.0, 1.0),
        "packages": {"httpx": "0.28.1"},
        "commit": "abc1234",
    }
    return {
        "machine": machine,
        "quick": False,
        "figures": [figure],
        "seconds": 12.0,
        "load_average_end": (1, 1, 1),
    }


def test_report_states_each_target_and_includes_notes_chart_and_profile() -> None:
    results = json.loads(json.dumps(_results()))  # as read back from results.json
    text = markdown(results, "## Why the misses\n\nhand-written")
    assert "| sse | **sync: cozekit / fair limit** >= 0.9 | 0.50 | **missed** (0.50, target >= 0.9) |" in text
    assert "information" not in text.split("## Why the misses")[0]  # no target, not in the targets table
    assert "## Why the misses\n\nhand-written" in text
    assert "![SSE throughput](charts/sse.png)" in text
    assert "profile lines" in text
    assert "load average (1, 5, 15 min) at the start (3.00, 2.00, 1.00)" in text
    assert "| cozekit sync | **100** events/s | 95 – 105 | 90 – 110 | 3 |" in text


def test_bare_socket_contender_reopens_a_keep_alive_connection_the_server_closed() -> None:
    """The server closes each connection after one answer (as uvicorn closes an idle keep-alive one):
    the next call opens a new connection and gets its answer instead of spinning on an empty read."""
    body = json.dumps({"code": 0, "data": {"id": "c1"}}).encode()
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    accepted = []

    def serve() -> None:
        for _ in range(3):
            conn, _ = listener.accept()
            accepted.append(conn)
            conn.recv(65536)
            conn.sendall(answer)
            conn.close()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        client = _BareHTTP(f"http://127.0.0.1:{port}", "/v1/conversation/retrieve?conversation_id=c1", "t")
        assert [client.get() for _ in range(3)] == [{"id": "c1"}] * 3
        server.join(timeout=10)
        assert len(accepted) == 3
    finally:
        listener.close()
