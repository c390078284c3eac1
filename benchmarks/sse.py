"""Figure 1: SSE throughput. A chat stream of N delta events, served pre-built over loopback, read
through each client's typed stream (sync and async) and through raw httpx line iteration."""

from __future__ import annotations

import asyncio
import time
from typing import Callable, Dict, Tuple

import httpx

from . import _clients
from ._runner import interleave
from ._server import LoopbackServer
from ._stats import Figure, Summary, ratio

DELTA = "conversation.message.delta"
_USER = "bench-user"


# Each contender makes its client first and times only the stream (open, read every event, close):
# client construction (an SSL context each, ~25 ms here) is not what this figure is about.
Timed = Tuple[int, float]


def _cozekit_sync(url: str) -> Timed:
    from cozekit import Message

    with _clients.cozekit_sync(url) as coze:
        msg = [Message.build_user_question_text("hi")]
        started = time.perf_counter()
        with coze.chat.stream(bot_id="1", user_id=_USER, additional_messages=msg) as events:
            n = sum(1 for e in events if e.event == DELTA)
        return n, time.perf_counter() - started


async def _cozekit_async(url: str) -> Timed:
    from cozekit import Message

    async with _clients.cozekit_async(url) as coze:
        msg = [Message.build_user_question_text("hi")]
        n = 0
        started = time.perf_counter()
        async with await coze.chat.stream(bot_id="1", user_id=_USER, additional_messages=msg) as events:
            async for e in events:
                n += e.event == DELTA
        return n, time.perf_counter() - started


def _cozepy_sync(url: str) -> Timed:
    coze = _clients.cozepy_sync(url)
    msg = [_clients.cozepy().Message.build_user_question_text("hi")]
    started = time.perf_counter()
    events = coze.chat.stream(bot_id="1", user_id=_USER, additional_messages=msg)
    n = sum(1 for e in events if e.event == DELTA)
    return n, time.perf_counter() - started


async def _cozepy_async(url: str) -> Timed:
    coze = _clients.cozepy_async(url)
    msg = [_clients.cozepy().Message.build_user_question_text("hi")]
    n = 0
    started = time.perf_counter()
    async for e in coze.chat.stream(bot_id="1", user_id=_USER, additional_messages=msg):
        n += e.event == DELTA
    return n, time.perf_counter() - started


def _httpx_sync(url: str) -> Timed:
    with httpx.Client() as http:
        started = time.perf_counter()
        with http.stream("POST", url + "/v3/chat", json={}) as r:
            n = sum(1 for line in r.iter_lines() if line.startswith("data:")) - 5
        return n, time.perf_counter() - started


async def _httpx_async(url: str) -> Timed:
    async with httpx.AsyncClient() as http:
        n = 0
        started = time.perf_counter()
        async with http.stream("POST", url + "/v3/chat", json={}) as r:
            async for line in r.aiter_lines():
                n += line.startswith("data:")
        return n - 5, time.perf_counter() - started


def _cozekit_sse_only(url: str) -> Timed:
    """cozekit's SSE decoder on the raw bytes, no typed models: where the typed figure's time goes."""
    from cozekit._streaming import iter_sse

    with httpx.Client() as http:
        started = time.perf_counter()
        with http.stream("POST", url + "/v3/chat", json={}) as r:
            n = sum(1 for e in iter_sse(r.iter_bytes()) if e.event == DELTA)
        return n, time.perf_counter() - started


CONTENDERS: Dict[str, Callable[[str], object]] = {
    "cozekit sync": _cozekit_sync,
    "cozepy sync": _cozepy_sync,
    "httpx iter_lines sync": _httpx_sync,
    "cozekit async": _cozekit_async,
    "cozepy async": _cozepy_async,
    "httpx aiter_lines async": _httpx_async,
    "cozekit SSE decoder only, untyped (sync)": _cozekit_sse_only,
}


def _time_once(fn: Callable[[str], object], url: str, deltas: int) -> float:
    result = fn(url)
    count, elapsed = asyncio.run(result) if asyncio.iscoroutine(result) else result  # type: ignore[misc]
    if count != deltas:
        raise RuntimeError(f"{fn.__name__} saw {count} deltas, expected {deltas}")
    return deltas / elapsed


def run(quick: bool = False) -> Figure:
    deltas = 20_000 if quick else 100_000
    with LoopbackServer(deltas) as url:
        contenders = {name: (lambda fn=fn: _time_once(fn, url, deltas)) for name, fn in CONTENDERS.items()}
        samples = interleave(contenders, 2 if quick else 5)
    rows = {name: Summary(name, "events/s", s) for name, s in samples.items()}
    return Figure(
        "sse",
        f"SSE throughput, {deltas:,} delta events over loopback (events/s, higher is better)",
        list(rows.values()),
        [
            ratio("sync: cozekit / cozepy", rows["cozekit sync"], rows["cozepy sync"], 2.0),
            ratio("sync: cozekit / raw httpx", rows["cozekit sync"], rows["httpx iter_lines sync"], 0.7),
            ratio("async: cozekit / cozepy", rows["cozekit async"], rows["cozepy async"], 2.0),
            ratio("async: cozekit / raw httpx", rows["cozekit async"], rows["httpx aiter_lines async"], 0.7),
            ratio(
                "sync: cozekit SSE decoder only / raw httpx",
                rows["cozekit SSE decoder only, untyped (sync)"],
                rows["httpx iter_lines sync"],
            ),
        ],
        "Each round runs every contender once, in rotated order; the server is a separate process "
        "writing a pre-built Content-Length body; the time runs from opening the stream to its end "
        "(client construction excluded). The SDKs parse every event into typed models; raw "
        "httpx only splits lines; the untyped row is cozekit's spec-complete SSE decoder alone.",
    )
