"""A tiny loopback HTTP/1.1 server: its own process and one asyncio loop, so it never competes for
the client's GIL and has no thread convoys.

It answers `/v3/chat` with a pre-built event stream, `/v1/conversation/retrieve` with a canned
conversation and `/v1/files/upload` by draining the body. With `hold` > 0 it writes each chat stream
in pieces spread over `hold` seconds, so that many streams are open at once. Under the `/short` prefix
(a client's base URL `<url>/short`) it answers the same paths with a chat stream of `short` deltas,
written at once: the warm-ups and profiles of a figure, which need the code paths, not the length or
the pacing. `/_bench/stats` tells how
many connections clients have opened (connections that only ask for the stats are not counted) and how
many were open at most at once. Run by `LoopbackServer`; it prints its port and serves until its stdin
closes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from typing import Dict, Optional, Tuple

from . import _body

_DRAIN = 1 << 20
_PIECES = 10


class _Stats:
    """Connections opened by clients (counted at their first request that is not `/_bench/stats`), open
    now, and open at most at once since the last time the stats were asked."""

    def __init__(self) -> None:
        self.opened = 0
        self.open = 0
        self.peak_open = 0

    def as_body(self) -> bytes:
        return json.dumps({"opened": self.opened, "open": self.open, "peak_open": self.peak_open}).encode()


_LOGID = "20241210152726467C48D89D6DB2BENCH"


def _parse_head(head: bytes) -> Tuple[str, Dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    target = lines[0].split(" ")[1]
    headers: Dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return target.split("?", 1)[0], headers


async def _drain(reader: asyncio.StreamReader, headers: Dict[str, str]) -> int:
    """Reads and discards the request body (Content-Length or chunked); returns its size."""
    if "chunked" not in headers.get("transfer-encoding", ""):
        return await _drain_exact(reader, int(headers.get("content-length", "0")))
    total = 0
    while True:
        size = int((await reader.readline()).split(b";")[0], 16)
        if size == 0:
            await reader.readline()
            return total
        total += await _drain_exact(reader, size)
        await reader.readline()


async def _drain_exact(reader: asyncio.StreamReader, size: int) -> int:
    left = size
    while left:
        piece = await reader.read(min(left, _DRAIN))
        if not piece:
            raise ConnectionError("client went away")
        left -= len(piece)
    return size


def _head(body: bytes, content_type: str, status: str = "200 OK") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {len(body)}\r\n"
        f"x-tt-logid: {_LOGID}\r\nconnection: keep-alive\r\n\r\n"
    ).encode()


def _route(path: str, size: int, stream: bytes) -> Tuple[bytes, str, str]:
    if path == "/v3/chat":
        return stream, "text/event-stream", "200 OK"
    if path == "/v1/conversation/retrieve":
        return _body.CONVERSATION, "application/json", "200 OK"
    if path == "/v1/files/upload":
        return _body.uploaded_file(size), "application/json", "200 OK"
    return b'{"code":4000,"msg":"no such path in the benchmark server"}', "application/json", "404 Not Found"


SHORT = "/short"
"""The path prefix of the short, unpaced chat stream (`LoopbackServer(short=N)`)."""


async def _connection(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    stream: bytes,
    hold: float,
    stats: _Stats,
    short: bytes = b"",
) -> None:
    counted = False
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError:
                return
            path, headers = _parse_head(head[:-4])
            if path == "/_bench/stats":
                await _drain(reader, headers)
                body = stats.as_body()
                stats.peak_open = stats.open  # each ask starts a new peak
                writer.write(_head(body, "application/json") + body)
                await writer.drain()
                continue
            if not counted:
                counted = True
                stats.opened += 1
                stats.open += 1
                stats.peak_open = max(stats.peak_open, stats.open)
            quick = path.startswith(SHORT + "/")
            if quick:
                path = path[len(SHORT) :]
            body, content_type, status = _route(
                path, await _drain(reader, headers), short if quick else stream
            )
            if hold > 0 and path == "/v3/chat" and not quick:
                await _paced(writer, _head(body, content_type, status), body, hold)
                continue
            writer.write(
                _head(body, content_type, status) + body if len(body) < 65536 else _head(body, content_type)
            )
            if len(body) >= 65536:
                writer.write(body)
            await writer.drain()
    except (ConnectionError, ValueError, OSError, asyncio.CancelledError):
        return
    finally:
        if counted:
            stats.open -= 1
        writer.close()


async def _paced(writer: asyncio.StreamWriter, head: bytes, body: bytes, hold: float) -> None:
    """Writes the head and the first piece at once, then the rest in pieces `hold / _PIECES` apart."""
    step = -(-len(body) // _PIECES)
    writer.write(head + body[:step])
    await writer.drain()
    for start in range(step, len(body), step):
        await asyncio.sleep(hold / _PIECES)
        writer.write(body[start : start + step])
        await writer.drain()


async def _serve(deltas: int, hold: float, short: int = 0) -> None:
    stream = _body.chat_stream(deltas)
    short_stream = _body.chat_stream(short)
    stats = _Stats()
    server = await asyncio.start_server(
        lambda r, w: _connection(r, w, stream, hold, stats, short_stream),
        "127.0.0.1",
        0,
        backlog=4096,
        limit=1 << 20,
    )
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    server.close()


def serve(deltas: int, hold: float = 0.0, short: int = 0) -> None:
    """Serves on an ephemeral port of 127.0.0.1 (one asyncio loop, no threads) until stdin closes."""
    raise_fd_limit()
    asyncio.run(_serve(deltas, hold, short))


def raise_fd_limit() -> None:
    """Lifts the soft limit on open files to the hard one (a thousand streams need a thousand)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(
                resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard)
            )
    except (ImportError, ValueError, OSError):
        pass


def stats(url: str) -> Dict[str, int]:
    """The server's connection counts (asked on a connection of its own, which is not counted)."""
    from urllib.request import urlopen

    with urlopen(url + "/_bench/stats", timeout=30) as r:
        result: Dict[str, int] = json.loads(r.read())
    return result


class LoopbackServer:
    """Starts `_server` in a subprocess: `with LoopbackServer(deltas) as url: ...`; with `short=N`,
    `url + SHORT` serves a chat stream of N deltas at once (see the module's doc)."""

    def __init__(self, deltas: int = 0, hold: float = 0.0, short: int = 0) -> None:
        self.deltas = deltas
        self.hold = hold
        self.short = short
        self._proc: Optional[subprocess.Popen[str]] = None

    def __enter__(self) -> str:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks._server",
                "--deltas",
                str(self.deltas),
                "--hold",
                str(self.hold),
                "--short",
                str(self.short),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=root,
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.startswith("PORT "):
            self._proc.kill()
            raise RuntimeError(f"benchmark server did not start: {line!r}")
        return f"http://127.0.0.1:{int(line.split()[1])}"

    def __exit__(self, *exc: object) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--deltas", type=int, default=0)
    parser.add_argument("--hold", type=float, default=0.0)
    parser.add_argument("--short", type=int, default=0)
    args = parser.parse_args()
    serve(args.deltas, args.hold, args.short)
