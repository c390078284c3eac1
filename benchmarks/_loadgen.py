"""A light load generator: hand-written HTTP/1.1 over asyncio streams, so that the client costs a few
tens of µs per request and the server, not the client, is what the figures measure.

`Request` is one prebuilt request; `read_response` reads one answer (Content-Length or chunked);
`closed_loop` runs `clients` connections, each sending its next operation as soon as the last one is
answered, for `seconds`, and counts operations and events (SSE frames) per second.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Tuple


@dataclass
class Request:
    """One HTTP/1.1 request, built once: `method target`, headers and a JSON (or raw) body."""

    method: str
    target: str
    token: str = ""
    body: Optional[Any] = None
    headers: Dict[str, str] = field(default_factory=dict)

    def encode(self, host: str) -> bytes:
        payload = b""
        if self.body is not None:
            payload = (
                self.body
                if isinstance(self.body, bytes)
                else json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode()
            )
        lines = [f"{self.method} {self.target} HTTP/1.1", f"Host: {host}", "Accept: */*"]
        if self.token:
            lines.append(f"Authorization: Bearer {self.token}")
        if self.body is not None:
            lines.append("Content-Type: application/json")
        if self.body is not None or self.method in ("POST", "PUT", "PATCH"):
            lines.append(f"Content-Length: {len(payload)}")
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


@dataclass
class Response:
    status: int
    headers: Dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def events(self) -> int:
        """SSE frames in the body (each ends with a blank line; JSON data holds no raw newline)."""
        return self.body.count(b"\n\n")

    @property
    def ok(self) -> bool:
        """HTTP 2xx and, for a Coze JSON envelope, `code` 0."""
        if not 200 <= self.status < 300:
            return False
        if self.headers.get("content-type", "").startswith("application/json"):
            head = self.body[:200]
            return b'"code":0' in head or b'"code": 0' in head
        return True


def parse_head(head: bytes) -> Tuple[int, Dict[str, str]]:
    """The status code and lower-cased headers of a response head (without its blank line)."""
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: Dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


async def read_response(reader: asyncio.StreamReader) -> Response:
    """Reads one response: a Content-Length body, a chunked body, or (Connection: close) to EOF."""
    head = await reader.readuntil(b"\r\n\r\n")
    status, headers = parse_head(head[:-4])
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif "chunked" in headers.get("transfer-encoding", ""):
        parts: List[bytes] = []
        while True:
            size = int((await reader.readline()).split(b";", 1)[0], 16)
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b""):
                    pass
                break
            parts.append((await reader.readexactly(size + 2))[:-2])
        body = b"".join(parts)
    elif status in (204, 304) or 100 <= status < 200:
        body = b""
    else:
        body = await reader.read()
    return Response(status, headers, body)


def split_url(url: str) -> Tuple[str, int]:
    host, _, port = url.split("//", 1)[-1].rstrip("/").partition(":")
    return host, int(port or 80)


class Connection:
    """One keep-alive connection; reopens itself if the server closed it between requests."""

    def __init__(self, url: str) -> None:
        self.host, self.port = split_url(url)
        self.authority = f"{self.host}:{self.port}"
        self._reader: Optional[asyncio.StreamReader] = None
        self._writer: Optional[asyncio.StreamWriter] = None
        self._cache: Dict[int, Tuple[Request, bytes]] = {}

    async def _open(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port, limit=1 << 22)

    async def send(self, request: Request) -> Response:
        cached = self._cache.get(id(request))
        if cached is None or cached[0] is not request:  # holding the request keeps its id unique
            cached = self._cache[id(request)] = (request, request.encode(self.authority))
        data = cached[1]
        for attempt in (0, 1):
            if self._writer is None:
                await self._open()
            assert self._reader is not None and self._writer is not None
            try:
                self._writer.write(data)
                response = await read_response(self._reader)
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt:
                    raise
                continue
            if response.headers.get("connection", "").lower() == "close":
                await self.close()
            return response
        raise AssertionError("unreachable")

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


Operation = Callable[[Connection, int], Awaitable[Tuple[int, int]]]
"""One client's operation: given its connection and its index, returns (operations done, events read);
raising `Failed` counts one error."""


class Failed(Exception):
    pass


@dataclass
class LoadResult:
    ops: int
    events: int
    errors: int
    seconds: float

    @property
    def ops_per_second(self) -> float:
        return self.ops / self.seconds if self.seconds else 0.0

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


async def closed_loop(
    url: str,
    operation: Operation,
    clients: int,
    seconds: float,
    setup: Optional[Callable[[Connection, int], Awaitable[None]]] = None,
) -> LoadResult:
    """`clients` connections each run `operation` back to back until `seconds` have passed; the
    connections are opened (and `setup` run) before the clock starts."""
    connections = [Connection(url) for _ in range(clients)]
    for i, conn in enumerate(connections):
        await conn._open()
        if setup is not None:
            await setup(conn, i)
    counts = [[0, 0, 0] for _ in range(clients)]  # ops, events, errors
    started = time.perf_counter()
    deadline = started + seconds
    last = [started]

    async def client(i: int) -> None:
        conn, count = connections[i], counts[i]
        while time.perf_counter() < deadline:
            try:
                ops, events = await operation(conn, i)
            except (Failed, ConnectionError, asyncio.IncompleteReadError, ValueError):
                count[2] += 1
                await conn.close()
                continue
            count[0] += ops
            count[1] += events
        last[0] = max(last[0], time.perf_counter())

    await asyncio.gather(*(client(i) for i in range(clients)))
    for conn in connections:
        await conn.close()
    return LoadResult(
        ops=sum(c[0] for c in counts),
        events=sum(c[1] for c in counts),
        errors=sum(c[2] for c in counts),
        seconds=last[0] - started,
    )


async def one(url: str, request: Request) -> Response:
    """One request on a fresh connection."""
    conn = Connection(url)
    try:
        return await conn.send(request)
    finally:
        await conn.close()


def call(url: str, request: Request) -> Response:
    """One request on a fresh connection, from synchronous code."""
    return asyncio.run(one(url, request))


async def many(url: str, requests: Sequence[Request], parallel: int = 8) -> List[Response]:
    """Sends `requests` over `parallel` connections; the answers in the same order."""
    results: List[Optional[Response]] = [None] * len(requests)
    queue = list(enumerate(requests))[::-1]

    async def worker() -> None:
        conn = Connection(url)
        try:
            while queue:
                i, request = queue.pop()
                results[i] = await conn.send(request)
        finally:
            await conn.close()

    await asyncio.gather(*(worker() for _ in range(max(1, min(parallel, len(requests))))))
    return [r for r in results if r is not None]
