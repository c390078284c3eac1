"""Which Coze operations each test sends to the session emulator, as the emulator receives them.

`RequestLog.middleware` is an ASGI middleware the suite's conftest adds, outermost, to the session emulator
(`coze_emulator`): it notes every HTTP request and WebSocket handshake with the id of the test running at
the time. `OperationLog` is a pytest plugin (registered by the conftest) that keeps the running test's id,
and at the end of a complete run (every test of the suite collected and run, nothing deselected) that
passed, matches each request sent by cozekit (its `User-Agent`) to an operation of
scripts/endpoint_coverage.py, writes the record there (`RECORD`) and fails the run if docs/coverage.md
does not list, for every operation, the test files that sent it. A partial run records nothing.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Awaitable, Callable, Dict, List, MutableMapping, Set, Tuple
from urllib.parse import parse_qsl

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def coverage_script() -> ModuleType:
    """scripts/endpoint_coverage.py, loaded once."""
    name = "endpoint_coverage"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "endpoint_coverage.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]


@dataclass(frozen=True)
class Entry:
    """One request the emulator received, and the test running when it arrived ("" between tests)."""

    test: str
    method: str
    path: str
    websocket: bool
    query: str
    user_agent: str
    bearer: str
    body: bytes

    @property
    def from_cozekit(self) -> bool:
        return self.user_agent.startswith("cozekit/")

    def received(self) -> Any:
        """The `Received` the coverage script matches to an operation."""
        form: Dict[str, Any] = {}
        if self.body:
            try:
                parsed = json.loads(self.body)
                form = parsed if isinstance(parsed, dict) else {}
            except ValueError:
                form = dict(parse_qsl(self.body.decode("latin-1")))
        query = dict(parse_qsl(self.query))
        cov = coverage_script()
        return cov.Received(self.method, self.path, self.websocket, query, form, self.bearer)


class RequestLog:
    """The requests an emulator received, each with the test running at the time."""

    def __init__(self) -> None:
        self.current = ""
        self.entries: List[Entry] = []
        self._lock = threading.Lock()

    def middleware(self, app: ASGIApp) -> ASGIApp:
        """Wrap `app` (as `app.add_middleware(log.middleware)` would): note each request, then serve it."""
        log = self

        async def logged(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] not in ("http", "websocket"):
                await app(scope, receive, send)
                return
            websocket = scope["type"] == "websocket"
            test = log.current
            body = b""
            if not websocket and scope["path"] == coverage_script().TOKEN_PATH:
                body, receive = await _buffered(receive)
            headers = {name.decode("latin-1").lower(): value for name, value in scope["headers"]}
            authorization = headers.get("authorization", b"").decode("latin-1")
            entry = Entry(
                test=test,
                method="GET" if websocket else scope["method"],
                path=scope["path"],
                websocket=websocket,
                query=scope.get("query_string", b"").decode("latin-1"),
                user_agent=headers.get("user-agent", b"").decode("latin-1"),
                bearer=authorization[len("Bearer ") :] if authorization.startswith("Bearer ") else "",
                body=body,
            )
            with log._lock:
                log.entries.append(entry)
            await app(scope, receive, send)

        return logged

    def sent_by(self, test: str) -> List[Tuple[str, bool]]:
        """(doc_page, from cozekit) of each request received during `test` that is an operation."""
        cov = coverage_script()
        with self._lock:
            entries = [entry for entry in self.entries if entry.test == test]
        found = [(cov.operation_of(entry.received()), entry.from_cozekit) for entry in entries]
        return [(page, cozekit) for page, cozekit in found if page]

    def record(self) -> Dict[str, List[str]]:
        """doc_page -> the ids of the tests during which cozekit sent it."""
        cov = coverage_script()
        tests: Dict[str, Set[str]] = {}
        with self._lock:
            entries = [entry for entry in self.entries if entry.test and entry.from_cozekit]
        for entry in entries:
            page = cov.operation_of(entry.received())
            if page:
                tests.setdefault(page, set()).add(entry.test)
        return {page: sorted(ids) for page, ids in sorted(tests.items())}


async def _buffered(receive: Receive) -> Tuple[bytes, Receive]:
    """The whole request body, and a `receive` that hands the app the same messages again."""
    messages: List[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    body = b"".join(message.get("body", b"") for message in messages)

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return body, replay


class OperationLog:
    """The pytest side: which test is running, whether the whole suite ran, and the check at its end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.requests = RequestLog()
        self.collected = 0
        self.deselected = 0
        self.ran = 0
        self.verdict = ""

    def complete(self, session: pytest.Session) -> bool:
        """Whether every test of the suite was collected and run."""
        here = Path(self.config.invocation_params.dir)
        args = self.config.args or [str(TESTS)]
        whole = all("::" not in arg and (here / arg).resolve() == TESTS for arg in args)
        options = ("lf", "stepwise", "keyword", "markexpr", "ignore", "ignore_glob", "collectonly")
        narrowed = any(self.config.getoption(name, default=None) for name in options)
        stopped = bool(session.shouldstop or session.shouldfail)
        return whole and not narrowed and not stopped and not self.deselected and self.ran == self.collected

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Any:
        self.requests.current = item.nodeid
        self.ran += 1
        yield
        self.requests.current = ""

    def pytest_deselected(self, items: List[pytest.Item]) -> None:
        self.deselected += len(items)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.collected = len(session.items)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if exitstatus != 0 or not self.complete(session) or session.testsfailed:
            return
        cov = coverage_script()
        record = self.requests.record()
        cov.RECORD.parent.mkdir(parents=True, exist_ok=True)
        cov.RECORD.write_text(json.dumps({"operations": record}, indent=1) + "\n", encoding="utf-8")
        problem = stale_table(cov.DOC.read_text(encoding="utf-8"), cov.tested_files(record))
        if problem:
            self.verdict = problem
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.verdict:
            terminalreporter.section("docs/coverage.md", sep="=", red=True, bold=True)
            terminalreporter.line(self.verdict)


def stale_table(document: str, tested: Dict[str, List[str]]) -> str:
    """Why `document`'s Tests column disagrees with `tested` (doc_page -> test files), or ""."""
    cov = coverage_script()
    listed = cov.tested_in_doc(document)
    changed = sorted(page for page in set(listed) | set(tested) if listed.get(page) != tested.get(page))
    if not changed:
        return ""
    lines = [
        f"docs/coverage.md lists other tests than this run sent {len(changed)} operation(s) to the emulator;",
        f"the run's record is in {cov.RECORD.relative_to(ROOT)}: run scripts/endpoint_coverage.py.",
    ]
    for page in changed:
        lines.append(f"  {page}: listed {listed.get(page, [])}, sent by {tested.get(page, [])}")
    return "\n".join(lines)
