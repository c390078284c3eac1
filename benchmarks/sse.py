"""Figure 1: SSE throughput. A chat stream of N delta events, served pre-built over loopback, read
through each client's typed stream (sync and async), through the fair limit (httpx line iteration plus
`json.loads` of every data line: the least any client that reads the events must do) and, for
information, through raw httpx line splitting that parses nothing."""

from __future__ import annotations

import asyncio
import gc
import json
import time
from typing import Callable, Dict, Tuple

import httpx

from . import _clients, _profile
from ._runner import interleave
from ._server import SHORT, LoopbackServer
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


def _fair_sync(url: str) -> Timed:
    """The fair limit: the same bytes split into lines by httpx, every data line parsed as JSON."""
    loads = json.loads
    with httpx.Client() as http:
        n = 0
        started = time.perf_counter()
        with http.stream("POST", url + "/v3/chat", json={}) as r:
            for line in r.iter_lines():
                if line.startswith("data:"):
                    loads(line[5:])
                    n += 1
        return n - 5, time.perf_counter() - started


async def _fair_async(url: str) -> Timed:
    loads = json.loads
    async with httpx.AsyncClient() as http:
        n = 0
        started = time.perf_counter()
        async with http.stream("POST", url + "/v3/chat", json={}) as r:
            async for line in r.aiter_lines():
                if line.startswith("data:"):
                    loads(line[5:])
                    n += 1
        return n - 5, time.perf_counter() - started


def _cozekit_sse_only(url: str) -> Timed:
    """cozekit's SSE decoder on the raw bytes, no typed models: where the typed figure's time goes."""
    from cozekit._streaming import iter_sse

    with httpx.Client() as http:
        started = time.perf_counter()
        with http.stream("POST", url + "/v3/chat", json={}) as r:
            n = sum(1 for e in iter_sse(r.iter_bytes()) if e.event == DELTA)
        return n, time.perf_counter() - started


FAIR_SYNC = "fair limit sync (iter_lines + json.loads)"
FAIR_ASYNC = "fair limit async (aiter_lines + json.loads)"
RAW_SYNC = "raw line splitting sync (iter_lines, no parsing)"
RAW_ASYNC = "raw line splitting async (aiter_lines, no parsing)"

CONTENDERS: Dict[str, Callable[[str], object]] = {
    "cozekit sync": _cozekit_sync,
    FAIR_SYNC: _fair_sync,
    "cozepy sync": _cozepy_sync,
    RAW_SYNC: _httpx_sync,
    "cozekit async": _cozekit_async,
    FAIR_ASYNC: _fair_async,
    "cozepy async": _cozepy_async,
    RAW_ASYNC: _httpx_async,
    "cozekit SSE decoder only, untyped (sync)": _cozekit_sse_only,
}


DELTAS = 50_000
"""Deltas of the stream each sample reads: 0.2-4 s a contender here, long enough that a stream's own
set-up is lost in it."""
ROUNDS = 12
"""The fair limit's own samples swing by up to 2x between rounds on a shared machine, so its median
needs a dozen of them: with six, two quiet runs of the same code put the async ratio at 0.83x and 0.96x."""
PROFILED = 10_000
"""Deltas of the short stream that warms each contender up and is profiled."""


def _time_once(fn: Callable[[str], object], url: str, deltas: int) -> float:
    result = fn(url)
    count, elapsed = asyncio.run(result) if asyncio.iscoroutine(result) else result  # type: ignore[misc]
    if count != deltas:
        raise RuntimeError(f"{fn.__name__} saw {count} deltas, expected {deltas}")
    return deltas / elapsed


def run(quick: bool = False) -> Figure:
    deltas = 20_000 if quick else DELTAS
    short = 2_000 if quick else PROFILED
    with LoopbackServer(deltas, short=short) as url:
        # The warm-up (imports, first-use paths: not recorded) and the profiles read a short stream of
        # the same events: a whole unrecorded round of full streams cost a sixth of the figure's time.
        for fn in CONTENDERS.values():
            gc.collect()
            _time_once(fn, url + SHORT, short)
        contenders = {name: (lambda fn=fn: _time_once(fn, url, deltas)) for name, fn in CONTENDERS.items()}
        samples = interleave(contenders, 2 if quick else ROUNDS, warmup=0)
        profile = (
            f"cozekit sync, one stream of {short:,} of the same events under cProfile (profiling inflates "
            "small calls):\n\n"
            + _profile.profiled(lambda: _cozekit_sync(url + SHORT))
            + "\n\ncozekit async:\n\n"
            + _profile.profiled(lambda: _cozekit_async(url + SHORT))
            + "\n\nthe fair limit, sync:\n\n"
            + _profile.profiled(lambda: _fair_sync(url + SHORT))
        )
    rows = {name: Summary(name, "events/s", s) for name, s in samples.items()}
    return Figure(
        "sse",
        f"SSE throughput, {deltas:,} delta events over loopback (events/s, higher is better)",
        list(rows.values()),
        [
            ratio("sync: cozekit / fair limit", rows["cozekit sync"], rows[FAIR_SYNC], 0.9),
            ratio("async: cozekit / fair limit", rows["cozekit async"], rows[FAIR_ASYNC], 0.9),
            ratio("sync: cozekit / cozepy", rows["cozekit sync"], rows["cozepy sync"], 2.0),
            ratio("async: cozekit / cozepy", rows["cozekit async"], rows["cozepy async"], 2.0),
            ratio("sync: cozekit / raw line splitting (information)", rows["cozekit sync"], rows[RAW_SYNC]),
            ratio(
                "async: cozekit / raw line splitting (information)", rows["cozekit async"], rows[RAW_ASYNC]
            ),
            ratio(
                "sync: fair limit / raw line splitting (what json.loads costs)",
                rows[FAIR_SYNC],
                rows[RAW_SYNC],
            ),
            ratio(
                "sync: cozekit SSE decoder only / fair limit",
                rows["cozekit SSE decoder only, untyped (sync)"],
                rows[FAIR_SYNC],
            ),
        ],
        "Each round runs every contender once, in rotated order, against the same server (a separate "
        "process writing the same pre-built Content-Length body); the time runs from opening the stream "
        "to its end (client construction excluded). The headline is the fair limit: httpx splitting "
        "the body into lines plus `json.loads` of every data line, the least work that yields each "
        "event's data. The SDKs do that and more (SSE framing per the spec, typed models); raw line "
        "splitting parses nothing and is shown for information only. The untyped row is cozekit's "
        "SSE decoder alone, without models. Each contender first reads one short stream of the same "
        f"events ({short:,}) unrecorded, to warm up; the profiles below read that short stream too.",
        {"headline": ["sync: cozekit / fair limit", "async: cozekit / fair limit"], "profile": profile},
    )
