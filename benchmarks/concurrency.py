"""Figure 6: many streams open at once. The loopback server holds every chat stream open for about a
second (it writes each in pieces over `HOLD` seconds); a client opens N of them at once (N = 100 and
1,000) and reads every event. Contenders: cozekit's `AsyncCoze` and cozepy's `AsyncCoze` with their
default clients, and a raw `httpx.AsyncClient` reading lines and parsing each data line as JSON, with
the SDKs' documented pool (`DEFAULT_CONNECTION_LIMITS`: 1,000 connections, 100 kept alive).

Each contender runs in a fresh process of its own, so CPU and memory are its alone: wall time of the N
streams, the CPU time the process spent on them, its peak RSS growth, and the connections it opened
(counted by the server) and held open at most at once.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import os
import subprocess
import sys
import time
from typing import Any, Dict, List, Tuple

from . import _profile
from ._server import SHORT, LoopbackServer, raise_fd_limit, stats
from ._stats import Figure, Ratio, Summary, ratio

DELTA = "conversation.message.delta"
DELTAS = 20
HOLD = 1.0
DEADLINE = 60.0
"""Seconds a contender may take for its N streams; past it the run stops and its figures are lower bounds."""
CONTENDERS = ["cozekit AsyncCoze", "cozepy AsyncCoze", "httpx AsyncClient"]
METRICS = {  # key: (label, unit)
    "wall": ("wall", "s"),
    "cpu": ("client CPU", "s CPU"),
    "rss": ("peak RSS growth", "MiB"),
    "opened": ("connections opened", "connections"),
    "peak_open": ("connections open at most at once", "open connections"),
    "failed": ("streams failed", "failed streams"),
}


def _status(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _client(contender: str, url: str) -> Tuple[Any, Any]:
    """The client and a coroutine function reading one whole stream into its delta count."""
    from . import _clients

    if contender == "cozekit AsyncCoze":
        from cozekit import Message

        kit = _clients.cozekit_async(url)
        msg = [Message.build_user_question_text("hi")]

        async def kit_stream() -> int:
            n = 0
            async with await kit.chat.stream(bot_id="1", user_id="bench", additional_messages=msg) as events:
                async for e in events:
                    n += e.event == DELTA
            return n

        return kit, kit_stream
    if contender == "cozepy AsyncCoze":
        py = _clients.cozepy_async(url)
        py_msg = [_clients.cozepy().Message.build_user_question_text("hi")]

        async def py_stream() -> int:
            n = 0
            async for e in py.chat.stream(bot_id="1", user_id="bench", additional_messages=py_msg):
                n += e.event == DELTA
            return n

        return py, py_stream
    import httpx

    from cozekit import DEFAULT_CONNECTION_LIMITS

    http = httpx.AsyncClient(limits=DEFAULT_CONNECTION_LIMITS, headers={"Authorization": "Bearer pat_bench"})
    body = {"bot_id": "1", "user_id": "bench", "stream": True, "additional_messages": []}
    loads = json.loads

    async def raw_stream() -> int:
        n = 0
        async with http.stream("POST", url + "/v3/chat", json=body) as r:
            async for line in r.aiter_lines():
                if line.startswith("data:"):
                    loads(line[5:])
                    n += 1
        return n - 5

    return http, raw_stream


async def _close(client: Any) -> None:
    close = getattr(client, "aclose", None) or getattr(client, "close", None)
    if close is not None:
        await close()
    else:  # cozepy's AsyncCoze owns an httpx client it does not expose a close for
        inner = getattr(getattr(client, "_requester", None), "_async_client", None)
        if inner is not None:
            await inner.aclose()


async def _child(contender: str, url: str, n: int, deadline: float, profile: bool = False) -> Dict[str, Any]:
    # imports and first-use paths, then thrown away; the short path serves the same stream unpaced
    warm, warm_stream = _client(contender, url + SHORT)
    await asyncio.gather(warm_stream(), warm_stream())
    await _close(warm)
    client, stream = _client(contender, url)
    gc.collect()
    exact = _reset_peak()
    before = _status("VmRSS") if exact else _status("VmHWM")
    opened = stats(url)["opened"]  # also resets the server's peak of open connections
    cpu, started = time.process_time(), time.perf_counter()
    timed_out = False
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    # asyncio.wait, not wait_for: past the deadline the streams are left as they are (cancelling a
    # thousand queued requests costs httpcore's pool minutes); the process exits without cleaning up.
    everything = asyncio.gather(*(stream() for _ in range(n)), return_exceptions=True)
    done, _ = await asyncio.wait({everything}, timeout=deadline)
    timed_out = not done
    # a stream that fails (a connect timeout, say) is counted, not fatal: it is part of the figure
    results = [] if timed_out else everything.result()
    counts = [c for c in results if not isinstance(c, BaseException)]
    errors = sorted({type(c).__name__ for c in results if isinstance(c, BaseException)})
    if profiler is not None:
        profiler.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss = _status("VmHWM") - before
    after = stats(url)
    if not timed_out:
        await _close(client)
    if any(c != DELTAS for c in counts):
        raise RuntimeError(f"{contender}: streams saw {sorted(set(counts))} deltas, expected {DELTAS}")
    return {
        "timed_out": timed_out,
        "failed": len(results) - len(counts),
        "errors": errors,
        "wall": wall,
        "cpu": cpu,
        "rss": rss / (1 << 20),
        "opened": after["opened"] - opened,
        "peak_open": after["peak_open"],
        "exact": exact,
        "profile": _profile.summary(profiler) if profiler is not None else "",
    }


def _measure(contender: str, url: str, n: int, deadline: float, profile: bool = False) -> Dict[str, Any]:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    args = [contender, url, str(n), str(deadline)] + (["--profile"] if profile else [])
    proc = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "benchmarks.concurrency", *args],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=deadline + 120,
    )
    if proc.returncode:
        raise RuntimeError(f"{contender} with {n} streams failed:\n{proc.stderr[-3000:]}")
    result: Dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def label(contender: str, n: int, metric: str) -> str:
    return f"{contender}, {n:,} streams: {METRICS[metric][0]}"


def _ratios(rows: Dict[str, Summary], sizes: List[int]) -> List[Ratio]:
    ratios: List[Ratio] = []
    for n in reversed(sizes):
        big = n == max(sizes)

        def row(contender: str, metric: str, n: int = n) -> Summary:
            return rows[label(contender, n, metric)]

        ratios += [
            ratio(
                f"{n:,} streams: client CPU cozekit / raw httpx",
                row("cozekit AsyncCoze", "cpu"),
                row("httpx AsyncClient", "cpu"),
                1.1 if big else None,
                "<=",
            ),
            ratio(
                f"{n:,} streams: wall cozekit / cozepy",
                row("cozekit AsyncCoze", "wall"),
                row("cozepy AsyncCoze", "wall"),
                1.0 if big else None,
                "<=",
            ),
            ratio(
                f"{n:,} streams: wall cozekit / raw httpx",
                row("cozekit AsyncCoze", "wall"),
                row("httpx AsyncClient", "wall"),
            ),
            ratio(
                f"{n:,} streams: client CPU cozekit / cozepy",
                row("cozekit AsyncCoze", "cpu"),
                row("cozepy AsyncCoze", "cpu"),
            ),
            ratio(
                f"{n:,} streams: peak RSS growth cozekit / raw httpx",
                row("cozekit AsyncCoze", "rss"),
                row("httpx AsyncClient", "rss"),
            ),
        ]
    return ratios


def run(quick: bool = False) -> Figure:
    sizes = [50, 200] if quick else [100, 1000]
    rounds = 1 if quick else 3
    hold = 0.5 if quick else HOLD
    deadline = 20.0 if quick else DEADLINE
    samples: Dict[str, List[float]] = {}
    timed_out: List[str] = []
    failures: Dict[str, List[str]] = {}
    with LoopbackServer(DELTAS, hold, short=DELTAS) as url:
        for r in range(rounds):
            for n in sizes:
                shift = r % len(CONTENDERS)
                for contender in CONTENDERS[shift:] + CONTENDERS[:shift]:
                    if f"{contender}, {n:,} streams" in timed_out:
                        continue  # once is enough to know, and the run must stay short
                    result = _measure(contender, url, n, deadline)
                    if result["timed_out"]:
                        timed_out.append(f"{contender}, {n:,} streams")
                    if result["failed"]:
                        failures.setdefault(f"{contender}, {n:,} streams", []).append(
                            f"{result['failed']} failed ({', '.join(result['errors'])})"
                        )
                    for metric in METRICS:
                        samples.setdefault(label(contender, n, metric), []).append(float(result[metric]))
        rows = {name: Summary(name, METRICS[_metric(name)][1], s) for name, s in samples.items()}
        ratios = _ratios(rows, sizes)
        profile = ""
        if any(r.met is False for r in ratios):  # a miss is explained with a profile of cozekit's run
            # 300 streams: more than httpx's default pool of 100, and few enough to finish under cProfile
            big = min(max(sizes), 300)
            try:
                result = _measure("cozekit AsyncCoze", url, big, min(deadline, 20.0), profile=True)
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                result = {"timed_out": True, "opened": "?", "peak_open": "?", "profile": repr(exc)[:500]}
            profile = (
                f"cozekit AsyncCoze, {big:,} streams under cProfile"
                + (" (stopped at the deadline)" if result["timed_out"] else "")
                + f"; server counted {result['opened']} connections opened, at most "
                f"{result['peak_open']} open at once:\n\n" + result["profile"]
            )
    return Figure(
        "concurrency",
        f"Streams open at once: N chat streams of about {hold:g} s each (lower is better)",
        list(rows.values()),
        ratios,
        f"Each stream is {DELTAS} deltas the server writes in {10} pieces over {hold:g} s; the client "
        "starts all N at once and reads every event. Each contender runs in a fresh process of its own "
        "(imports and a two-stream warm-up with a throw-away client first, the same streams written at "
        "once, then a new client): wall "
        "and CPU time (`time.process_time`, the whole process) of the N streams, peak RSS growth "
        "(VmHWM after resetting it), connections opened and held open at most at once as counted by "
        "the server. The SDKs use their default clients; raw httpx gets the SDKs' documented pool "
        "(`DEFAULT_CONNECTION_LIMITS`, 1,000 connections) and parses each data line with `json.loads`. "
        f"Rounds rotate the order; {rounds} round(s)."
        + (
            f" **Stopped at the {deadline:g} s deadline** (its figures are lower bounds, measured once): "
            + "; ".join(timed_out)
            + "."
            if timed_out
            else ""
        )
        + (
            " **Streams failed** (counted, not retried): "
            + "; ".join(f"{k}: {', '.join(v)}" for k, v in failures.items())
            + "."
            if failures
            else ""
        ),
        {
            "headline": [
                f"{max(sizes):,} streams: client CPU cozekit / raw httpx",
                f"{max(sizes):,} streams: wall cozekit / cozepy",
            ],
            "timed_out": timed_out,
            "failures": failures,
            "sizes": sizes,
            "profile": profile,
        },
    )


def _metric(name: str) -> str:
    text = name.rsplit(": ", 1)[1]
    return next(key for key, (lbl, _) in METRICS.items() if lbl == text)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("contender", choices=CONTENDERS)
    parser.add_argument("url")
    parser.add_argument("n", type=int)
    parser.add_argument("deadline", type=float, nargs="?", default=DEADLINE)
    parser.add_argument("--profile", action="store_true", help="run the N streams under cProfile")
    args = parser.parse_args()
    raise_fd_limit()
    loop = asyncio.new_event_loop()
    result = loop.run_until_complete(_child(args.contender, args.url, args.n, args.deadline, args.profile))
    print(json.dumps(result), flush=True)
    os._exit(0)  # after a deadline, streams are still pending: no clean-up (see `_child`)
