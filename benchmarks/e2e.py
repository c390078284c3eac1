"""Figure 5: end to end through the emulator: time to the first `conversation.message.delta` and
total time of a streamed chat with the demo bot (emulator in its own process, no pacing delay)."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Dict, List, Tuple

import httpx

from . import _clients
from ._emulator import EmulatorProcess, EmulatorUnavailable
from ._stats import Figure, Summary, ratio

QUESTION = "What day is 2024-10-01?"
DELTA = "conversation.message.delta"
Timing = Tuple[float, float]


def _clock(events: Any, started: float) -> Timing:
    first = 0.0
    for e in events:
        if not first and e.event == DELTA:
            first = time.perf_counter() - started
    return first, time.perf_counter() - started


async def _aclock(events: Any, started: float) -> Timing:
    first = 0.0
    async for e in events:
        if not first and e.event == DELTA:
            first = time.perf_counter() - started
    return first, time.perf_counter() - started


async def _make(factory: Callable[[], Any]) -> Any:
    return factory()


def _contenders(emu: Dict[str, Any]) -> Dict[str, Callable[[], Timing]]:
    url, token, bot = emu["base_url"], emu["token"], emu["demo_bot_id"]
    kit, py = _clients.cozekit_sync(url, token), _clients.cozepy_sync(url, token)
    from cozekit import Message

    kit_msg = [Message.build_user_question_text(QUESTION)]
    py_msg = [_clients.cozepy().Message.build_user_question_text(QUESTION)]
    http = httpx.Client(headers={"Authorization": f"Bearer {token}"})
    question = {"role": "user", "type": "question", "content": QUESTION, "content_type": "text"}
    body = {"bot_id": bot, "user_id": "bench", "stream": True, "additional_messages": [question]}
    loop = asyncio.new_event_loop()  # one loop for the async clients, which are made once and reused
    kit_async = loop.run_until_complete(_make(lambda: _clients.cozekit_async(url, token)))
    py_async = loop.run_until_complete(_make(lambda: _clients.cozepy_async(url, token)))

    def cozekit_sync() -> Timing:
        t = time.perf_counter()
        with kit.chat.stream(bot_id=bot, user_id="bench", additional_messages=kit_msg) as events:
            return _clock(events, t)

    def cozepy_sync() -> Timing:
        t = time.perf_counter()
        return _clock(py.chat.stream(bot_id=bot, user_id="bench", additional_messages=py_msg), t)

    def httpx_sync() -> Timing:
        t = time.perf_counter()
        first = 0.0
        with http.stream("POST", url + "/v3/chat", json=body) as r:
            for line in r.iter_lines():
                if not first and line.startswith("event:") and line[6:].strip() == DELTA:
                    first = time.perf_counter() - t
        return first, time.perf_counter() - t

    async def cozekit_async() -> Timing:
        t = time.perf_counter()
        events = await kit_async.chat.stream(bot_id=bot, user_id="bench", additional_messages=kit_msg)
        async with events:
            return await _aclock(events, t)

    async def cozepy_async() -> Timing:
        t = time.perf_counter()
        return await _aclock(py_async.chat.stream(bot_id=bot, user_id="bench", additional_messages=py_msg), t)

    return {
        "cozekit sync": cozekit_sync,
        "cozepy sync": cozepy_sync,
        "httpx sync": httpx_sync,
        "cozekit async": lambda: loop.run_until_complete(cozekit_async()),
        "cozepy async": lambda: loop.run_until_complete(cozepy_async()),
    }


def run(quick: bool = False) -> Figure:
    rounds = 5 if quick else 25
    try:
        with EmulatorProcess() as emu:
            contenders = _contenders(emu)
            names = list(contenders)
            first: Dict[str, List[float]] = {n: [] for n in names}
            total: Dict[str, List[float]] = {n: [] for n in names}
            for r in range(rounds + 1):
                for name in names[r % len(names) :] + names[: r % len(names)]:
                    ttfd, whole = contenders[name]()
                    if not ttfd:
                        raise RuntimeError(f"{name} saw no {DELTA} event")
                    if r:  # round 0 warms up
                        first[name].append(ttfd * 1000)
                        total[name].append(whole * 1000)
    except EmulatorUnavailable as exc:
        return Figure("e2e", "End to end through the emulator", [], [], f"emulator missing: {exc}")
    rows = {f"{n}: first delta": Summary(f"{n}: first delta", "ms", s) for n, s in first.items()}
    rows.update({f"{n}: total": Summary(f"{n}: total", "ms", s) for n, s in total.items()})
    return Figure(
        "e2e",
        "Streamed chat through the emulator: time to first delta and total (ms, lower is better)",
        list(rows.values()),
        [
            ratio(
                "sync first delta: cozekit / cozepy",
                rows["cozekit sync: first delta"],
                rows["cozepy sync: first delta"],
            ),
            ratio("sync total: cozekit / cozepy", rows["cozekit sync: total"], rows["cozepy sync: total"]),
            ratio("async total: cozekit / cozepy", rows["cozekit async: total"], rows["cozepy async: total"]),
        ],
        "Clients are made once and reused (keep-alive); the async ones share one event loop. "
        "Lower ratio is better here.",
    )
