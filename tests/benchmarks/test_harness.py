"""The benchmark harness's own machinery: the loopback server's paced and short streams and connection
counts, the shared emulator, the run-time table, the import figure's two rows a run, the async call
contenders' one batch on a new client, and the generated report. No timings are asserted."""

from __future__ import annotations

import json
import socket
import sys
import threading
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `benchmarks/` is a folder of the checkout, not an installed package
    sys.path.insert(0, str(ROOT))

from benchmarks._report import markdown, run_time  # noqa: E402
from benchmarks._server import SHORT, LoopbackServer, stats  # noqa: E402
from benchmarks._stats import Figure, Summary, ratio  # noqa: E402
from benchmarks.calls import _BareHTTP  # noqa: E402

from benchmarks import _emulator, calls, imports  # noqa: E402


def _chat(url: str, path: str = "/v3/chat") -> bytes:
    host, port = url.split("//", 1)[1].split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n" % path.encode())
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


def test_short_prefix_serves_the_short_stream_unpaced_and_the_same_paths() -> None:
    with LoopbackServer(deltas=50, hold=30.0, short=2) as url:  # a paced stream would take 30 s
        body = _chat(url, SHORT + "/v3/chat").split(b"\r\n\r\n", 1)[1]
        assert body.count(b"event:conversation.message.delta") == 2
        assert body.endswith(b'data:"[DONE]"\n\n')
        kit = calls._clients.cozekit_sync(url + SHORT)
        assert kit.conversations.retrieve(conversation_id="7381473525342978089").id == "7381473525342978089"


def test_figures_in_a_shared_block_share_one_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    events: List[str] = []

    def start(self: _emulator.EmulatorProcess) -> Dict[str, Any]:
        events.append("start")
        return {"base_url": f"http://127.0.0.1:{len(events)}", "token": "t", "demo_bot_id": "b"}

    monkeypatch.setattr(_emulator.EmulatorProcess, "start", start)
    monkeypatch.setattr(_emulator.EmulatorProcess, "stop", lambda self: events.append("stop"))
    with _emulator.shared():
        with _emulator.EmulatorProcess() as first:
            pass
        with _emulator.EmulatorProcess() as second:
            assert second == first
        assert events == ["start"]
    assert events == ["start", "stop"]
    with _emulator.EmulatorProcess():  # outside a shared block: its own process
        pass
    assert events == ["start", "stop", "start", "stop"]


def test_run_time_table_shows_each_figure_and_the_run_against_its_budget() -> None:
    results = {"seconds": 480.0, "timings": {"sse": 120.0, "calls": 336.0}, "budget_seconds": 600}
    lines = run_time(results)
    assert "| sse | 120 s | 25% |" in lines and "| calls | 336 s | 70% |" in lines
    assert "| start-up, the machine's description, the charts | 24 s | 5% |" in lines
    assert "| **whole run** | **480 s** (8.0 min) | |" in lines
    assert lines[-1].startswith(
        "Budget for the whole run: ten minutes (600 s) on two cores; this run: **within**"
    )
    assert not any(line.startswith("CPU time") for line in lines)
    over = run_time({**results, "seconds": 700.0, "cpu_seconds": 300.4})
    assert any(
        line.startswith("CPU time of the run's processes (the benchmark,") and "300 s" in line
        for line in over
    )
    assert "**over** it (700 s)" in over[-1]
    partial = run_time({"seconds": 10.0, "timings": {"sse": 10.0}, "quick": True})
    assert "budget applies to a full run" in partial[-1]
    # results written before the run kept its timings by name: the figures' own seconds
    old = {"seconds": 5.0, "figures": [{"key": "sse", "seconds": 2.0}, {"key": "e2e", "seconds": 3.0}]}
    assert "| e2e | 3 s | 60% |" in run_time(old)


def test_import_figure_takes_the_import_row_and_the_first_call_row_from_one_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs: List[str] = []

    def wall_us(sdk: str, url: str) -> Tuple[float, float]:
        runs.append(sdk)
        n = runs.count(sdk)
        return n * 1000.0, n * 3000.0  # µs to the end of the import, to the end of the call

    lines = {"cozekit": [(500, 900, "cozekit"), (700, 700, "httpx")], "cozepy": [(800, 2000, "cozepy")]}
    monkeypatch.setattr(imports, "wall_us", wall_us)
    monkeypatch.setattr(imports, "_importtime", lambda statement: lines[statement.split()[1]])
    programs = imports._Programs("http://127.0.0.1:1")
    rows = programs.rows(rounds=2, importtime_rounds=1, warmup=1)
    assert runs.count("cozekit") == 3 and runs.count("cozepy") == 3  # one run a round gives both rows
    assert rows[imports.FIRST_KIT] == [6.0, 9.0]  # ms; the warm-up's run is left out
    assert rows["cozekit: from cozekit import Coze, TokenAuth"] == [2.0, 3.0]
    assert rows["cozepy: from cozepy import Coze, TokenAuth"] == [2.0, 3.0]
    assert rows["-X importtime: import cozepy"] == [2.0]
    assert list(rows) == [imports.FIRST_KIT, imports.FIRST_PY, *imports.WALL, *imports.IMPORTTIME]
    assert "| httpx | 0.7 | 0.0 |" in programs.profile()


def test_async_call_sample_is_one_batch_on_a_new_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calls, "CONCURRENCY", 3)
    made: List[Any] = []
    real = calls._clients.cozekit_async

    def cozekit_async(*args: Any) -> Any:
        made.append(real(*args))
        return made[-1]

    monkeypatch.setattr(calls._clients, "cozekit_async", cozekit_async)
    with LoopbackServer() as url:
        contenders = calls._async_contenders(url, "pat_bench", "7381473525342978089")
        rates = [contenders[name]() for name in contenders for _ in range(2)]
        assert all(rate > 0 for rate in rates)
        assert len(made) == 2  # a new client a sample
        assert 3 * 2 <= stats(url)["opened"] <= 3 * 3 * 2  # each batch opens its own connections


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
    assert "### Run time\n\n| figure | time | share of the run |" in text
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
