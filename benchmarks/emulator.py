"""The emulator's storage and serving (issue #15): `python -m benchmarks.emulator [--quick] [--only ...]`.

Measures whatever `cozekit serve` is installed, in processes of its own, over loopback, side by side with
the framework's ceiling (a trivial FastAPI app on the same uvicorn answering the same bytes):

- `serving`: conversation retrieve, non-stream chat, streamed chat events, message create+list, at 1, 10
  and 100 clients, each against the ceiling;
- `workers`: the same scenarios with 1 and 2 workers (`serve --workers 2`), when `serve` offers it;
- `list`: the latency of a conversation list page at 10, 1k, 10k and 100k rows;
- `recall`: a streamed chat with knowledge at 10, 100 and 1,000 documents against one without;
- `upload`: the server's peak memory growth for a 500 MiB upload.

Writes `emulator_results.json`, `EMULATOR_RESULTS.md` (with `EMULATOR_NOTES.md`) and
`charts/emulator-*.png` (see `benchmarks/README.md`).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

if __package__ in (None, ""):  # `python benchmarks/emulator.py`
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import _loadgen, _served
from benchmarks._ceiling import CeilingServer
from benchmarks._loadgen import Connection, Failed, Request, Response
from benchmarks._runner import interleave
from benchmarks._served import ServedEmulator
from benchmarks._stats import Figure, Ratio, Summary, ratio

MIB = 1 << 20
CLIENTS = (1, 10, 100)
WORKERS = 2
LIST_SIZES = (10, 1_000, 10_000, 100_000)
RECALL_SIZES = (10, 100, 1_000)
UPLOAD_BYTES = 500 * MIB
LIST_PAGE = 50
MESSAGES_PAGE = 20

TARGETS = {
    "retrieve": 0.6,
    "chat": 0.3,
    "stream": 0.4,
    "messages": 0.3,
}
LIST_TARGET = 1.5
RECALL_TARGET = 3.0
UPLOAD_TARGET = 64.0
WORKERS_TARGET = 1.6


@dataclass
class Options:
    """Set by the command line before the figures run."""

    serve_args: List[str] = field(default_factory=list)
    """Extra `cozekit serve` arguments (e.g. `--database-url=postgresql://...`)."""
    workdir: str = ""


OPTIONS = Options()


def _tmpdir(name: str) -> str:
    base = OPTIONS.workdir or tempfile.gettempdir()
    return tempfile.mkdtemp(prefix=f"cozekit-bench-{name}-", dir=base)


def _check(response: Response, what: str) -> Response:
    if not response.ok:
        raise Failed(f"{what}: HTTP {response.status} {response.body[:300]!r}")
    return response


# -- the serving scenarios -------------------------------------------------------------------------


def chat_body(bot_id: str, stream: bool, text: str = "hello, what can you do?") -> Dict[str, Any]:
    return {
        "bot_id": bot_id,
        "user_id": "bench-user",
        "stream": stream,
        "auto_save_history": True,
        "additional_messages": [{"role": "user", "content": text, "content_type": "text"}],
    }


class Scenario:
    """One kind of operation, sent alike to the emulator and to the ceiling; `unit` is what a sample
    counts per second (`count`), `capture` gives the emulator's answers for the ceiling to serve."""

    key = ""
    title = ""
    unit = "ops/s"

    def __init__(self, emu: ServedEmulator) -> None:
        self.token = emu.token
        self.bot_id = emu.bot_id

    async def setup(self, conn: Connection, i: int) -> None:
        return None

    async def op(self, conn: Connection, i: int) -> Tuple[int, int]:
        raise NotImplementedError

    def count(self, result: _loadgen.LoadResult) -> float:
        return result.ops_per_second

    def capture(self, url: str) -> Dict[str, Any]:
        """The emulator's bodies for the ceiling to serve."""
        return {}


class Retrieve(Scenario):
    key, title, unit = "retrieve", "conversation retrieve", "requests/s"

    def __init__(self, emu: ServedEmulator) -> None:
        super().__init__(emu)
        created = _loadgen.call(
            emu.url, Request("POST", "/v1/conversation/create", emu.token, {"bot_id": emu.bot_id})
        )
        self.conversation_id = _check(created, "create a conversation").json()["data"]["id"]
        self.request = Request(
            "GET", f"/v1/conversation/retrieve?conversation_id={self.conversation_id}", self.token
        )
        self.created_body = created.body.decode()

    async def op(self, conn: Connection, i: int) -> Tuple[int, int]:
        _check(await conn.send(self.request), "retrieve")
        return 1, 0

    def capture(self, url: str) -> Dict[str, Any]:
        body = _check(_loadgen.call(url, self.request), "retrieve").body.decode()
        return {"retrieve": body, "conversation_create": self.created_body}


class Chat(Scenario):
    key, title, unit = "chat", "non-stream chat (POST /v3/chat, stream false)", "chats/s"

    def __init__(self, emu: ServedEmulator) -> None:
        super().__init__(emu)
        self.request = Request("POST", "/v3/chat", self.token, chat_body(self.bot_id, False))

    async def op(self, conn: Connection, i: int) -> Tuple[int, int]:
        _check(await conn.send(self.request), "chat")
        return 1, 0

    def capture(self, url: str) -> Dict[str, Any]:
        return {"chat": _check(_loadgen.call(url, self.request), "chat").body.decode()}


class Stream(Scenario):
    key, title, unit = "stream", "streamed chat events (POST /v3/chat, stream true)", "events/s"

    def __init__(self, emu: ServedEmulator) -> None:
        super().__init__(emu)
        self.request = Request("POST", "/v3/chat", self.token, chat_body(self.bot_id, True))

    async def op(self, conn: Connection, i: int) -> Tuple[int, int]:
        response = _check(await conn.send(self.request), "stream")
        if not response.body.rstrip().endswith(b'"[DONE]"'):
            raise Failed(f"the stream did not end with done: {response.body[-200:]!r}")
        return 1, response.events

    def count(self, result: _loadgen.LoadResult) -> float:
        return result.events_per_second

    def capture(self, url: str) -> Dict[str, Any]:
        body = _check(_loadgen.call(url, self.request), "stream").body
        frames = [f + b"\n\n" for f in body.split(b"\n\n") if f.strip()]
        return {"stream": [f.decode() for f in frames]}


class Messages(Scenario):
    """Each client adds a message to its own conversation, then lists the conversation's latest page."""

    key, title, unit = "messages", "message create + list", "pairs/s"

    def __init__(self, emu: ServedEmulator) -> None:
        super().__init__(emu)
        self.create = Request("POST", "/v1/conversation/create", self.token, {"bot_id": self.bot_id})
        self.requests: Dict[Tuple[str, int], Tuple[Request, Request]] = {}

    def _pair(self, conversation_id: str) -> Tuple[Request, Request]:
        query = f"?conversation_id={conversation_id}"
        message = {"role": "user", "content": "a message to store and list", "content_type": "text"}
        return (
            Request("POST", "/v1/conversation/message/create" + query, self.token, message),
            Request("POST", "/v1/conversation/message/list" + query, self.token, {"limit": MESSAGES_PAGE}),
        )

    async def setup(self, conn: Connection, i: int) -> None:
        key = (conn.authority, i)
        if key not in self.requests:  # one conversation per client and server, kept across samples
            created = _check(await conn.send(self.create), "create a conversation")
            self.requests[key] = self._pair(created.json()["data"]["id"])

    async def op(self, conn: Connection, i: int) -> Tuple[int, int]:
        create, listing = self.requests[(conn.authority, i)]
        _check(await conn.send(create), "message create")
        _check(await conn.send(listing), "message list")
        return 1, 0

    def capture(self, url: str) -> Dict[str, Any]:
        conversation = _check(_loadgen.call(url, self.create), "create a conversation").json()["data"]["id"]
        create, listing = self._pair(conversation)
        bodies = asyncio.run(_loadgen.many(url, [create] * MESSAGES_PAGE, parallel=1))
        for r in bodies:
            _check(r, "message create")
        return {
            "message_create": bodies[-1].body.decode(),
            "message_list": _check(_loadgen.call(url, listing), "message list").body.decode(),
        }


SCENARIOS = (Retrieve, Chat, Stream, Messages)


def _load(
    url: str, scenario: Scenario, clients: int, seconds: float, errors: Dict[str, int], name: str
) -> float:
    result = asyncio.run(_loadgen.closed_loop(url, scenario.op, clients, seconds, scenario.setup))
    errors[name] = errors.get(name, 0) + result.errors
    return scenario.count(result)


def _contender(
    url: str, scenario: Scenario, clients: int, seconds: float, errors: Dict[str, int], name: str
) -> Callable[[], float]:
    return lambda: _load(url, scenario, clients, seconds, errors, name)


def _capture_all(emu: ServedEmulator, scenarios: Sequence[Scenario], path: str) -> None:
    bodies: Dict[str, Any] = {}
    for s in scenarios:
        bodies.update(s.capture(emu.url))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(bodies, f, ensure_ascii=False)


def _error_note(errors: Dict[str, int]) -> str:
    failed = {k: v for k, v in errors.items() if v}
    if not failed:
        return "No request failed."
    return "**Failed operations** (not counted): " + ", ".join(f"{k}: {v}" for k, v in failed.items()) + "."


def _timing(quick: bool) -> Tuple[int, int, float]:
    """Samples, unrecorded warm-up rounds, seconds a sample."""
    return (3, 0, 0.5) if quick else (5, 1, 1.0)


def _scenario(s: Scenario, emulator: str, ceiling: str, quick: bool) -> Figure:
    rounds, warmup, seconds = _timing(quick)
    rows: List[Summary] = []
    ratios: List[Ratio] = []
    errors: Dict[str, int] = {}
    for clients in CLIENTS:
        label = f"{clients} client{'s' if clients > 1 else ''}"
        names = (f"emulator, {label}", f"ceiling, {label}")
        contenders = {
            names[0]: _contender(emulator, s, clients, seconds, errors, names[0]),
            names[1]: _contender(ceiling, s, clients, seconds, errors, names[1]),
        }
        samples = interleave(contenders, rounds, warmup=warmup)
        pair = [Summary(n, s.unit, samples[n]) for n in names]
        rows += pair
        ratios.append(ratio(f"{s.key}: emulator / ceiling, {label}", *pair, TARGETS[s.key]))
    return Figure(
        f"emulator-{s.key}",
        f"Emulator {s.title}: {s.unit}, against the framework ceiling (higher is better)",
        rows,
        ratios,
        f"Closed loop: each client sends its next request as soon as the last is answered, for "
        f"{seconds:g} s a sample (and until the requests under way are answered), {rounds} interleaved "
        f"samples per contender{f' after {warmup} unrecorded' if warmup else ''}. The ceiling serves "
        "the emulator's own bytes. " + _error_note(errors),
        {"headline": [r.name for r in ratios if "10 clients" in r.name]},
    )


def serving(quick: bool = False) -> List[Figure]:
    """One figure per scenario: the emulator against the ceiling at 1, 10 and 100 clients."""
    work = _tmpdir("serving")
    figures: List[Figure] = []
    try:
        with ServedEmulator(os.path.join(work, "data"), extra_args=OPTIONS.serve_args) as emu:
            scenarios = [cls(emu) for cls in SCENARIOS]
            bodies = os.path.join(work, "bodies.json")
            _capture_all(emu, scenarios, bodies)
            with CeilingServer(bodies) as ceiling:
                for s in scenarios:
                    try:
                        figures.append(_scenario(s, emu.url, ceiling, quick))
                    except Exception as exc:  # one broken scenario must not cost the others
                        traceback.print_exc()
                        title = f"Emulator {s.title}: failed"
                        figures.append(Figure(f"emulator-{s.key}", title, [], [], f"**Failed**: {exc!r}"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures


def workers(quick: bool = False) -> Figure:
    """The scenarios at 10 clients with 1 and 2 workers (and the ceiling's own scaling on create+list)."""
    target_name = f"messages: {WORKERS} workers / 1 worker, emulator, 10 clients"
    title = f"Emulator with 1 and {WORKERS} workers, 10 clients (higher is better)"
    if not _served.accepts_workers():
        return Figure(
            "emulator-workers",
            title,
            [],
            [],
            f"**Not available in this build**: the installed `cozekit serve` has no `--workers` option, "
            f"so the {WORKERS}-worker figures (target: {WORKERS} workers ≥ {WORKERS_TARGET}× one worker on "
            "create+list) cannot be measured.",
            {"unavailable": [{"name": target_name, "op": ">=", "target": WORKERS_TARGET}]},
        )
    rounds, warmup, seconds = _timing(quick)
    clients = 10
    work = _tmpdir("workers")
    rows: List[Summary] = []
    ratios: List[Ratio] = []
    errors: Dict[str, int] = {}
    try:
        one = ServedEmulator(os.path.join(work, "one"), extra_args=OPTIONS.serve_args)
        many = ServedEmulator(os.path.join(work, "many"), workers=WORKERS, extra_args=OPTIONS.serve_args)
        with one, many:
            scenarios = [(cls(one), cls(many)) for cls in SCENARIOS]
            bodies = os.path.join(work, "bodies.json")
            _capture_all(one, [s[0] for s in scenarios], bodies)
            with CeilingServer(bodies) as c1, CeilingServer(bodies, WORKERS) as c2:
                for s1, s2 in scenarios:
                    contenders: Dict[str, Callable[[], float]] = {}
                    names = (f"{s1.key}: emulator, 1 worker", f"{s1.key}: emulator, {WORKERS} workers")
                    contenders[names[0]] = _contender(one.url, s1, clients, seconds, errors, names[0])
                    contenders[names[1]] = _contender(many.url, s2, clients, seconds, errors, names[1])
                    if s1.key == "messages":
                        for url, w in ((c1, 1), (c2, WORKERS)):
                            n = f"{s1.key}: ceiling, {w} worker{'s' if w > 1 else ''}"
                            contenders[n] = _contender(url, s1, clients, seconds, errors, n)
                    samples = interleave(contenders, rounds, warmup=warmup)
                    summaries = {n: Summary(n, s1.unit, v) for n, v in samples.items()}
                    rows += summaries.values()
                    target = WORKERS_TARGET if s1.key == "messages" else None
                    name = f"{s1.key}: {WORKERS} workers / 1 worker, emulator, {clients} clients"
                    ratios.append(ratio(name, summaries[names[1]], summaries[names[0]], target))
                    if s1.key == "messages":
                        ratios.append(
                            ratio(
                                f"messages: {WORKERS} workers / 1 worker, ceiling, {clients} clients",
                                summaries[f"messages: ceiling, {WORKERS} workers"],
                                summaries["messages: ceiling, 1 worker"],
                            )
                        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Figure(
        "emulator-workers",
        title,
        rows,
        ratios,
        f"Two emulators on data dirs of their own, `serve` and `serve --workers {WORKERS}`, loaded alike "
        f"({clients} clients, {seconds:g} s a sample, {rounds} interleaved samples). The ceiling's own "
        "scaling on create+list shows what the machine allows (the load generator shares its cores). "
        + _error_note(errors),
        {"headline": [target_name]},
    )


# -- list pages ------------------------------------------------------------------------------------


def _seed_in_process(data_dir: str, sizes: Sequence[int]) -> Optional[Dict[str, str]]:
    if OPTIONS.serve_args:  # the data may not live in the data dir (e.g. --database-url)
        return None
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks._seed", "conversations", data_dir, ",".join(map(str, sizes))],
        capture_output=True,
        text=True,
        cwd=root,
    )
    if proc.returncode != 0:
        print(f"in-process seeding failed, seeding over HTTP: {proc.stderr[-1500:]}", file=sys.stderr)
        return None
    bots: Dict[str, str] = json.loads(proc.stdout.strip().splitlines()[-1])
    return bots


def _seed_over_http(
    emu: ServedEmulator, sizes: Sequence[int], budget: float
) -> Tuple[Dict[str, str], Dict[str, int]]:
    """Bots through the control plane, conversations through the API (8 at a time), within `budget` s."""
    bots: Dict[str, str] = {}
    counts: Dict[str, int] = {}
    deadline = time.monotonic() + budget
    for size in sizes:
        r = _check(
            _loadgen.call(emu.url, Request("POST", "/_emulator/bots", body={"name": f"bench {size}"})), "bot"
        )
        bot_id = r.json()["data"]["bot_id"]
        create = Request("POST", "/v1/conversation/create", emu.token, {"bot_id": bot_id})
        done = 0
        while done < size and time.monotonic() < deadline:
            n = min(500, size - done)
            results = asyncio.run(_loadgen.many(emu.url, [create] * n, parallel=8))
            done += sum(1 for x in results if x.ok)
        bots[str(size)], counts[str(size)] = bot_id, done
    return bots, counts


def list_pages(quick: bool = False) -> Figure:
    rounds = 5 if quick else 9
    work = _tmpdir("list")
    data = os.path.join(work, "data")
    started = time.perf_counter()
    try:
        bots = _seed_in_process(data, LIST_SIZES)
        how = "through the emulator's backends in a process of its own, before `serve` started"
        counts = {str(s): s for s in LIST_SIZES}
        with ServedEmulator(data, extra_args=OPTIONS.serve_args) as emu:
            if bots is None:
                bots, counts = _seed_over_http(emu, LIST_SIZES, 300 if quick else 600)
                how = "over HTTP (the in-process seeding is not available in this build)"
            seeded = time.perf_counter() - started
            loop = asyncio.new_event_loop()
            conns: Dict[int, Connection] = {}
            contenders: Dict[str, Callable[[], float]] = {}
            for size in LIST_SIZES:
                request = Request(
                    "GET",
                    f"/v1/conversations?bot_id={bots[str(size)]}&page_num=1&page_size={LIST_PAGE}",
                    emu.token,
                )
                conns[size] = Connection(emu.url)
                first = loop.run_until_complete(conns[size].send(request))
                got = len(_check(first, "list").json()["data"]["conversations"])
                if got != min(LIST_PAGE, counts[str(size)]):
                    raise RuntimeError(f"the page at {size} rows has {got} conversations")

                def page(size: int = size, request: Request = request) -> float:
                    t = time.perf_counter()
                    _check(loop.run_until_complete(conns[size].send(request)), "list")
                    return (time.perf_counter() - t) * 1000

                contenders[f"{counts[str(size)]:,} rows"] = page
            samples = interleave(contenders, rounds, warmup=1)
            for conn in conns.values():
                loop.run_until_complete(conn.close())
            loop.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = [Summary(name, "ms", s) for name, s in samples.items()]
    ratios = [ratio(f"list page: {rows[-1].label} / {rows[0].label}", rows[-1], rows[0], LIST_TARGET, "<=")]
    ratios += [ratio(f"list page: {r.label} / {rows[0].label}", r, rows[0]) for r in rows[1:-1]]
    return Figure(
        "emulator-list",
        f"Emulator list page latency: the first {LIST_PAGE} of a bot's conversations (ms, lower is better)",
        rows,
        ratios,
        f"One bot per size, every bot's conversations in the same database ({sum(counts.values()):,} rows in "
        f"all), seeded {how} in {seeded:.0f} s. GET /v1/conversations (newest first), one client on a "
        f"keep-alive connection, {rounds} interleaved samples per size after one unrecorded.",
        {"headline": [ratios[0].name]},
    )


# -- knowledge recall ------------------------------------------------------------------------------

VOCABULARY = (
    "order invoice refund shipping parcel courier address account password login battery charger "
    "screen speaker warranty repair replace colour size model price discount coupon member points "
    "store opening hours holiday return policy receipt payment card transfer delivery tracking number"
)
WORDS = VOCABULARY.split()
QUERY = "how long is the warranty for a battery repair"


def _document(n: int, rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(80)]
    return f"Document {n}. " + " ".join(words) + "."


def _wait_processed(url: str, token: str, dataset_id: str, expected: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        done, page = 0, 1
        while True:
            body = {"dataset_id": dataset_id, "page": page, "size": 300}
            r = _check(
                _loadgen.call(url, Request("POST", "/open_api/knowledge/document/list", token, body)),
                "documents",
            )
            infos = r.json().get("document_infos") or []
            done += sum(1 for d in infos if d.get("status") == 1)
            if len(infos) < 300:
                break
            page += 1
        if done >= expected:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{done} of {expected} documents processed after {timeout:.0f} s")
        time.sleep(0.5)


def _knowledge_bot(emu: ServedEmulator, documents: int, rng: random.Random) -> str:
    token = emu.token
    bot = _check(
        _loadgen.call(emu.url, Request("POST", "/_emulator/bots", body={"name": f"recall {documents}"})),
        "bot",
    ).json()["data"]["bot_id"]
    if not documents:
        return str(bot)
    ds_body = {"name": f"bench {documents}", "space_id": emu.workspace_id, "format_type": 0}
    dataset = _check(
        _loadgen.call(emu.url, Request("POST", "/v1/datasets", token, ds_body)), "dataset"
    ).json()["data"]["dataset_id"]
    headers = {"Agw-Js-Conv": "str"}
    requests = []
    for start in range(0, documents, 10):
        bases = [
            {
                "name": f"doc{n}.txt",
                "source_info": {
                    "file_base64": base64.b64encode(_document(n, rng).encode()).decode(),
                    "file_type": "txt",
                },
            }
            for n in range(start, min(documents, start + 10))
        ]
        body = {"dataset_id": dataset, "document_bases": bases, "format_type": 0}
        requests.append(Request("POST", "/open_api/knowledge/document/create", token, body, headers))
    for r in asyncio.run(_loadgen.many(emu.url, requests, parallel=4)):
        _check(r, "document create")
    _wait_processed(emu.url, token, dataset, documents, 600)
    update = {"bot_id": bot, "knowledge": {"dataset_ids": [dataset], "auto_call": True}}
    _check(_loadgen.call(emu.url, Request("POST", "/v1/bot/update", token, update)), "bot update")
    publish = {"bot_id": bot, "connector_ids": ["1024"]}
    _check(_loadgen.call(emu.url, Request("POST", "/v1/bot/publish", token, publish)), "bot publish")
    return str(bot)


def _answer_of(stream: bytes) -> str:
    """The content of the `answer` message a chat stream completed."""
    for block in stream.decode().split("\n\n"):
        event, _, data = block.partition("\ndata:")
        if event.strip() == "event:conversation.message.completed":
            message = json.loads(data)
            if message.get("type") == "answer":
                return str(message["content"])
    raise RuntimeError("the chat stream has no answer message")


SAME_ANSWER = "no knowledge, the same answer"


def recall(quick: bool = False) -> Figure:
    rounds = 5 if quick else 11
    rng = random.Random(15)
    work = _tmpdir("recall")
    started = time.perf_counter()
    try:
        with ServedEmulator(os.path.join(work, "data"), extra_args=OPTIONS.serve_args) as emu:
            bots: Dict[Any, str] = {n: _knowledge_bot(emu, n, rng) for n in (0, *RECALL_SIZES)}
            bots[SAME_ANSWER] = _knowledge_bot(emu, 0, rng)
            seeded = time.perf_counter() - started
            loop = asyncio.new_event_loop()
            conn = Connection(emu.url)
            contenders: Dict[str, Callable[[], float]] = {}
            answer = ""
            for n, bot in bots.items():
                if n == SAME_ANSWER:  # the longest recall's answer, scripted: the chat's cost without recall
                    replies = {"replies": [{"text": answer}] * (rounds + 3)}
                    path = f"/_emulator/bots/{bot}/replies"
                    _check(_loadgen.call(emu.url, Request("POST", path, body=replies)), "scripted replies")
                request = Request("POST", "/v3/chat", emu.token, chat_body(bot, True, QUERY))
                first = _check(loop.run_until_complete(conn.send(request)), "chat")
                recalled = b'"type":"knowledge"' in first.body
                if (n != SAME_ANSWER and bool(n)) != recalled:
                    raise RuntimeError(f"the chat with {n} documents {'did not recall' if n else 'recalled'}")
                answer = _answer_of(first.body) if n == RECALL_SIZES[-1] else answer
                if n == SAME_ANSWER and _answer_of(first.body) != answer:
                    raise RuntimeError("the scripted answer is not the recalled chat's")

                def chat(request: Request = request) -> float:
                    t = time.perf_counter()
                    r = _check(loop.run_until_complete(conn.send(request)), "chat")
                    if not r.body.rstrip().endswith(b'"[DONE]"'):
                        raise RuntimeError("the chat stream did not end with done")
                    return (time.perf_counter() - t) * 1000

                label = SAME_ANSWER if n == SAME_ANSWER else "no knowledge" if not n else f"{n:,} documents"
                contenders[label] = chat
            samples = interleave(contenders, rounds, warmup=1)
            loop.run_until_complete(conn.close())
            loop.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = [Summary(name, "ms", s) for name, s in samples.items()]
    by = {r.label: r for r in rows}
    base, most, same = by["no knowledge"], by[f"{RECALL_SIZES[-1]:,} documents"], by[SAME_ANSWER]
    ratios = [ratio(f"recall: {most.label} / {base.label}", most, base, RECALL_TARGET, "<=")]
    ratios += [
        ratio(f"recall: {by[f'{n:,} documents'].label} / {base.label}", by[f"{n:,} documents"], base)
        for n in RECALL_SIZES[:-1]
    ]
    ratios.append(ratio(f"recall: {most.label} / {same.label}", most, same))
    return Figure(
        "emulator-recall",
        "Emulator knowledge recall: a whole streamed chat, with a knowledge base of N documents and without "
        "(ms, lower is better)",
        rows,
        ratios,
        f"Text documents of about 80 words each (one slice), made through the API and processed in "
        f"{seeded:.0f} s; each bot's knowledge base is bound and published. One client, a new conversation "
        f"per chat, time from the request to the `done` event; {rounds} interleaved samples after one "
        f"unrecorded. A chat with knowledge answers with the best slice, so its answer is longer than "
        f"one without; `{SAME_ANSWER}` is a bot without knowledge scripted to give the "
        f"{RECALL_SIZES[-1]:,}-document chat's answer: the last ratio is what the recall itself costs.",
        {"headline": [ratios[0].name]},
    )


# -- upload memory ---------------------------------------------------------------------------------


def _upload_once(work: str, path: str, small: str) -> Dict[str, Any]:
    import httpx

    with ServedEmulator(os.path.join(work, "data"), extra_args=OPTIONS.serve_args) as emu:
        headers = {"Authorization": f"Bearer {emu.token}"}
        with httpx.Client(base_url=emu.url, headers=headers, timeout=600) as http:

            def upload(file: str) -> Dict[str, Any]:
                with open(file, "rb") as f:
                    r = http.post(
                        "/v1/files/upload", files={"file": (os.path.basename(file), f, "text/plain")}
                    )
                body: Dict[str, Any] = r.json()
                if r.status_code != 200 or body.get("code") != 0:
                    raise RuntimeError(f"upload failed: {r.status_code} {r.text[:300]}")
                return body

            upload(small)
            pids = emu.pids()
            exact = all(_served.reset_peak(p) for p in pids)
            before = {p: _served.status_bytes(p, "VmRSS" if exact else "VmHWM") for p in pids}
            t = time.perf_counter()
            stored = upload(path)["data"]["bytes"]
            seconds = time.perf_counter() - t
            after = {p: _served.status_bytes(p, "VmHWM") for p in emu.pids()}
    growth = max(after.get(p, 0) - before.get(p, 0) for p in set(before) | set(after))
    if stored != UPLOAD_BYTES:
        raise RuntimeError(f"the server stored {stored} bytes of {UPLOAD_BYTES}")
    return {"growth": growth / MIB, "seconds": seconds, "exact": exact, "processes": len(after)}


def upload(quick: bool = False) -> Figure:
    rounds = 1 if quick else 2
    work = _tmpdir("upload")
    results = []
    try:
        path, small = os.path.join(work, "big.txt"), os.path.join(work, "small.txt")
        line = b"the quick brown fox jumps over the lazy dog 0123456789\n" * 64
        with open(path, "wb") as f:
            for _ in range(UPLOAD_BYTES // len(line)):
                f.write(line)
            f.write(line[: UPLOAD_BYTES % len(line)])
        with open(small, "wb") as f:
            f.write(line)
        for r in range(rounds):
            results.append(_upload_once(os.path.join(work, f"round{r}"), path, small))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    growth = Summary("server peak RSS growth", "MiB", [r["growth"] for r in results])
    seconds = Summary("upload time", "s", [r["seconds"] for r in results])
    how = (
        "VmHWM after the upload minus VmRSS before it, the peak reset (clear_refs) once the server was warm"
        if all(r["exact"] for r in results)
        else "VmHWM after the upload minus VmHWM before it (the peak could not be reset: a lower bound)"
    )
    return Figure(
        "emulator-upload",
        f"Emulator memory for a {UPLOAD_BYTES // MIB} MiB upload (lower is better)",
        [growth, seconds],
        [Ratio("server peak growth for the upload (MiB)", growth.median, UPLOAD_TARGET, "<=")],
        f"A {UPLOAD_BYTES // MIB} MiB text file sent as multipart by httpx (streamed from disk) to a fresh "
        f"`serve` after one small upload; {how}, the largest of the server's processes. {rounds} "
        f"round{'s' if rounds > 1 else ''}, a fresh server each.",
        {"headline": ["server peak growth for the upload (MiB)"]},
    )


# -- the command -----------------------------------------------------------------------------------


def _serving(quick: bool) -> List[Figure]:
    return serving(quick)


FIGURES: Dict[str, Callable[[bool], Any]] = {
    "serving": _serving,
    "workers": workers,
    "list": list_pages,
    "recall": recall,
    "upload": upload,
}


def main(argv: Optional[List[str]] = None) -> int:
    from benchmarks import run

    return run.main(argv, run.emulator_suite())


if __name__ == "__main__":
    sys.exit(main())
