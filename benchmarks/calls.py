"""Figure 2: call overhead of a small JSON call (conversation retrieve): calls/s sync, and async with
100 calls in flight, against the emulator and against a canned loopback answer (client-bound)."""

from __future__ import annotations

import asyncio
import json
import socket
import statistics
import time
from typing import Any, Callable, Dict, List, Optional

import httpx

from . import _clients
from ._body import CONVERSATION_ID
from ._emulator import EmulatorProcess, EmulatorUnavailable
from ._runner import interleave
from ._server import LoopbackServer
from ._stats import Figure, Ratio, Summary, ratio

CONCURRENCY = 100
PATH = "/v1/conversation/retrieve"


def _timed(call: Callable[[], Any], n: int, cpu: Optional[List[float]] = None) -> float:
    """Calls per second as 1 / the median time of `n` calls: robust to bursts of other work on a shared
    machine, which stretch a few calls rather than the typical one. With `cpu`, also appends the median
    CPU time (µs) this process spent per call: the client's own cost, whatever the scheduler does."""
    times: List[float] = []
    cpus: List[float] = []
    for _ in range(n):
        started, cpu_started = time.perf_counter(), time.process_time()
        call()
        times.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
    if cpu is not None:
        cpu.append(statistics.median(cpus) * 1e6)
    return 1.0 / statistics.median(times)


CPU: Dict[str, List[float]] = {}
"""Client CPU µs per call, by contender, filled as the sync contenders run."""


def _sync_contenders(url: str, token: str, conv: str, n: int, where: str) -> Dict[str, Callable[[], float]]:
    kit = _clients.cozekit_sync(url, token)
    py = _clients.cozepy_sync(url, token)
    http = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"})

    def raw() -> Any:
        return json.loads(http.get(PATH, params={"conversation_id": conv}).content)["data"]

    bare = _BareHTTP(url, f"{PATH}?conversation_id={conv}", token)
    cpu = {name: CPU.setdefault(f"{name} ({where})", []) for name in ("cozekit", "cozepy", "httpx")}
    return {
        "cozekit sync": lambda: _timed(
            lambda: kit.conversations.retrieve(conversation_id=conv), n, cpu["cozekit"]
        ),
        "cozepy sync": lambda: _timed(
            lambda: py.conversations.retrieve(conversation_id=conv), n, cpu["cozepy"]
        ),
        "httpx sync": lambda: _timed(raw, n, cpu["httpx"]),
        "bare socket sync (server floor)": lambda: _timed(bare.get, n),
    }


class _BareHTTP:
    """The same GET written by hand on one keep-alive socket (TCP_NODELAY, one write), read up to its
    Content-Length: what the server costs with no HTTP client at all."""

    def __init__(self, url: str, target: str, token: str) -> None:
        host, port = url.split("//", 1)[1].rstrip("/").split(":")
        self.address = (host, int(port))
        self.sock = self._connect()
        self.request = (
            f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
            "Accept: */*\r\nConnection: keep-alive\r\n\r\n"
        ).encode()

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self.address)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def _recv(self) -> bytes:
        data = self.sock.recv(65536)
        if not data:  # the server closed the connection mid-answer
            raise ConnectionError("the server closed the connection")
        return data

    def get(self) -> Any:
        try:
            self.sock.sendall(self.request)
            buf = self._recv()
        except OSError:  # an idle keep-alive connection the server closed while other contenders ran
            self.sock.close()
            self.sock = self._connect()
            self.sock.sendall(self.request)
            buf = self._recv()
        while b"\r\n\r\n" not in buf:
            buf += self._recv()
        head, _, body = buf.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(body) < length:
            body += self._recv()
        return json.loads(body)["data"]


async def _batch(make: Callable[[], Any], call: Callable[[Any], Any]) -> float:
    """Calls per second of one batch of `CONCURRENCY` calls at once on a new client (made, then timed)."""
    client = make()
    try:
        started = time.perf_counter()
        await asyncio.gather(*(call(client) for _ in range(CONCURRENCY)))
        return CONCURRENCY / (time.perf_counter() - started)
    finally:
        close = getattr(client, "aclose", None) or getattr(client, "close", None)
        if close is not None:
            await close()


def _async_contenders(url: str, token: str, conv: str) -> Dict[str, Callable[[], float]]:
    """Each sample is one batch on a new client, in a loop of its own: every call of the batch opens
    its connection, in every contender alike. (Until this change a sample was a new client's second to
    fourth batches after one that opened the connections: the second batch, the first to reuse them,
    costs seconds of CPU in the httpcore pool's bookkeeping, so a sample cost 5-8 s and most of the
    figure's 320 s. A client kept across samples does not pay that but meets uvicorn's 5 s keep-alive
    timeout between its samples: a call on a connection the server is closing fails, in cozepy.)"""

    def raw_client() -> httpx.AsyncClient:  # httpx's default pool, as cozekit uses
        return httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"})

    async def raw(http: httpx.AsyncClient) -> Any:
        return json.loads((await http.get(PATH, params={"conversation_id": conv})).content)["data"]

    def retrieve(client: Any) -> Any:
        return client.conversations.retrieve(conversation_id=conv)

    def run(make: Callable[[], Any], call: Callable[[Any], Any]) -> Callable[[], float]:
        return lambda: asyncio.run(_batch(make, call))

    return {
        "cozekit async": run(lambda: _clients.cozekit_async(url, token), retrieve),
        "cozepy async": run(lambda: _clients.cozepy_async(url, token), retrieve),
        "httpx async": run(raw_client, raw),
    }


def _measure(url: str, token: str, conv: str, quick: bool, where: str) -> List[Summary]:
    # Many short samples rather than a few long ones: on a shared machine a burst of someone else's
    # work then spoils a few samples (which the median drops) instead of a whole contender's figure.
    sync = interleave(_sync_contenders(url, token, conv, 100 if quick else 150, where), 3 if quick else 15)
    conc = interleave(_async_contenders(url, token, conv), 3 if quick else 7)
    rows = [Summary(f"{name} ({where})", "calls/s", s) for name, s in {**sync, **conc}.items()]
    for name in ("cozekit", "cozepy", "httpx"):
        rows.append(Summary(f"{name} sync client CPU ({where})", "µs/call", CPU[f"{name} ({where})"][1:]))
    return rows


def _ratios(rows: Dict[str, Summary], where: str, target: Optional[float]) -> List[Ratio]:
    def row(name: str) -> Summary:
        return rows[f"{name} ({where})"]

    return [
        ratio(f"{where} sync: cozekit / cozepy", row("cozekit sync"), row("cozepy sync"), target),
        ratio(f"{where} sync: cozekit / httpx", row("cozekit sync"), row("httpx sync")),
        ratio(
            f"{where} sync: cozekit / bare socket (share of the floor)",
            row("cozekit sync"),
            row("bare socket sync (server floor)"),
        ),
        ratio(
            f"{where} sync client CPU per call: cozepy / cozekit",
            row("cozepy sync client CPU"),
            row("cozekit sync client CPU"),
        ),
        ratio(f"{where} async: cozekit / cozepy", row("cozekit async"), row("cozepy async")),
        ratio(f"{where} async: cozekit / httpx", row("cozekit async"), row("httpx async")),
    ]


def run(quick: bool = False) -> Figure:
    rows: List[Summary] = []
    ratios: List[Ratio] = []
    notes = ""
    try:
        with EmulatorProcess() as emu:
            conv = _clients.cozekit_sync(emu["base_url"], emu["token"]).conversations.create().id
            rows += _measure(emu["base_url"], emu["token"], conv, quick, "emulator")
            ratios += _ratios({r.label: r for r in rows}, "emulator", 1.3)
    except EmulatorUnavailable as exc:
        notes = f"emulator missing: {exc}. "
    with LoopbackServer() as url:
        loop_rows = _measure(url, "pat_bench", CONVERSATION_ID, quick, "canned")
    rows += loop_rows
    ratios += _ratios({r.label: r for r in loop_rows}, "canned", None if ratios else 1.3)
    return Figure(
        "calls",
        "Call overhead: conversation retrieve (calls/s, higher is better)",
        rows,
        ratios,
        notes + "emulator: the real server (FastAPI + SQLite) in its own process; canned: the tiny "
        f"loopback server answering a fixed body, so the client's own cost dominates. Sync: 1 / median "
        "call time of each sample, and the median CPU time the client process spent per call (its own "
        "cost, immune to scheduling; cozepy / cozekit > 1 means cozekit is cheaper); async: "
        f"{CONCURRENCY} calls at once on a new client (made before the clock starts), each opening its "
        "connection: calls/s of that batch.",
    )
