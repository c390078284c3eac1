"""The one fake server of the SDK tests: canned answers for what a test expects the SDK to send, and a
record of what it sent. Import it by name (`from fake_server import FakeServer, Reply, envelope`).

>>> server = FakeServer(envelope({"id": "1"}))               # one answer (the last one repeats)
>>> server.route("GET", "/v1/bots/b1", envelope({...}))      # or answers by method and path
>>> coze = server.client("sync")                             # in-process (httpx.MockTransport)
>>> with FakeServer(Reply(b"event:done\\n", framing="chunked", cut=True)) as server:
...     ...  # over a loopback socket: point a client at server.url

An answer is an `httpx.Response`; a dict or list (sent as JSON, 200); text (an event stream, 200); a `Reply`
(bytes sent verbatim, framing quirks included: meant for the socket); an exception (raised to the client
in-process; over the socket the connection is dropped); or a callable taking the `httpx.Request` and
returning one of those. A dict, list or text answer carries an `x-tt-logid` header `logid-<n>`, n counting
requests; an `envelope` carries `logid-1`.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import httpx

from cozekit import AsyncCoze, Coze, TokenAuth
from sync_or_async import NO_WAIT, Client, collect, run

LOGID = "wire-logid"
"""The log id header of a `Reply` unless it says otherwise."""

BASE = "http://coze.test"
TOKEN = "pat_test"


def envelope(
    data: Any = None,
    code: int = 0,
    msg: str = "",
    status: int = 200,
    headers: Optional[Dict[str, str]] = None,
    **top: Any,
) -> httpx.Response:
    """A Coze answer: `{code, msg, detail: {logid}, data}` (`data` left out when None, as Coze does for empty
    results); `top` adds top-level keys (some endpoints put their payload there)."""
    body: Dict[str, Any] = {"code": code, "msg": msg, "detail": {"logid": "body-logid"}, **top}
    if data is not None:
        body["data"] = data
    return httpx.Response(status, json=body, headers={"x-tt-logid": "logid-1", **(headers or {})})


def ok(data: Any = None, **top: Any) -> Dict[str, Any]:
    """A success envelope as a dict (for tests that compare or edit the body)."""
    return dict(json.loads(envelope(data, **top).content))


@dataclass
class Reply:
    """Bytes sent as they are. `body` is sent as `pieces` (one write each) if given, else whole.

    framing: "close" (no length: the body ends when the connection closes, as many proxies send
    streams), "chunked" (one HTTP chunk per piece) or "length" (`Content-Length` of `body`).
    stall: after the pieces, keep the connection open and send nothing more until the server stops.
    silent: the same, but before even the status line. cut: end the connection without finishing the
    body (no last chunk, or fewer bytes than `Content-Length`).
    """

    body: bytes = b""
    status: int = 200
    content_type: str = "text/event-stream"
    headers: Sequence[Tuple[str, str]] = (("x-tt-logid", LOGID),)
    pieces: Optional[Sequence[bytes]] = None
    framing: str = "close"
    stall: bool = False
    silent: bool = False
    cut: bool = False

    def head(self) -> bytes:
        lines = [f"HTTP/1.1 {self.status} X", f"Content-Type: {self.content_type}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        if self.framing == "chunked":
            lines.append("Transfer-Encoding: chunked")
        elif self.framing == "length":
            size = len(self.body) + (10 if self.cut else 0)
            lines.append(f"Content-Length: {size}")
        if self.framing == "close" or self.cut:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def parts(self) -> List[bytes]:
        pieces = list(self.pieces) if self.pieces is not None else [self.body]
        if self.framing != "chunked":
            return pieces
        out = [b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces if piece]
        if not (self.cut or self.stall):
            out.append(b"0\r\n\r\n")
        return out

    def response(self) -> httpx.Response:
        """The same answer as an `httpx.Response` (framing has no meaning in-process)."""
        headers = [("content-type", self.content_type), *self.headers]
        body = b"".join(self.pieces) if self.pieces is not None else self.body
        return httpx.Response(self.status, headers=headers, content=body)


Answer = Any
"""See the module docstring."""


class FakeServer:
    """Answers each request and records it in `requests`.

    A request with a route (`route(method, path, *answers)`) gets the route's answers in order, the last one
    repeating; any other gets `replies` in order, the last one repeating, or, once they are used up,
    `default` when there is one; with neither, a 404 (code 4200)."""

    def __init__(
        self,
        *replies: Answer,
        default: Answer = None,
        routes: Optional[Dict[Tuple[str, str], Answer]] = None,
        keep_bodies_up_to: Optional[int] = None,
    ) -> None:
        """`routes` maps (method, path) to an answer, or to a list of answers served in order.
        `keep_bodies_up_to`: over the socket, a longer request body is read in pieces and dropped (the
        recorded request has an empty body), so that a huge upload costs the server no memory; every
        body's size is in `body_sizes`."""
        self.replies: List[Answer] = list(replies)
        self.default = default
        self.routes: Dict[Tuple[str, str], List[Answer]] = {}
        for (method, path), answers in (routes or {}).items():
            self.route(method, path, *(answers if isinstance(answers, list) else [answers]))
        self.requests: List[httpx.Request] = []
        self.stalled = threading.Event()
        """Set when a stalling or silent `Reply` has sent what it sends."""
        self.stopping = threading.Event()
        self.connections = 0
        """How many connections the loopback socket accepted (keep-alive reuses one)."""
        self.keep_bodies_up_to = keep_bodies_up_to
        self.body_sizes: List[int] = []
        """The size of each request body received over the socket, in order of arrival."""
        self._lock = threading.Lock()
        self._socket: Optional[_Server] = None

    # -- answers ----------------------------------------------------------------------------------------
    def route(self, method: str, path: str, *answers: Answer) -> FakeServer:
        self.routes[(method, path)] = list(answers)
        return self

    def reply(self, *answers: Answer) -> FakeServer:
        self.replies.extend(answers)
        return self

    def _answer_for(self, request: httpx.Request) -> Answer:
        with self._lock:
            self.requests.append(request)
            queue = self.routes.get((request.method, _raw_path(request)))
            if queue is None and self.default is not None:
                answer = self.replies.pop(0) if self.replies else self.default
            elif queue is None and not self.replies:
                path = request.url.path
                answer = envelope(code=4200, msg=f"no route {request.method} {path}", status=404)
            else:
                queue = self.replies if queue is None else queue
                answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return self._resolved(answer, request)

    def _resolved(self, answer: Answer, request: httpx.Request) -> Answer:
        if callable(answer) and not isinstance(answer, type):
            answer = answer(request)
        logid = {"x-tt-logid": f"logid-{len(self.requests)}"}
        if isinstance(answer, (dict, list)):
            return httpx.Response(200, json=answer, headers=logid)
        if isinstance(answer, str):
            return httpx.Response(200, text=answer, headers={**logid, "content-type": "text/event-stream"})
        if isinstance(answer, httpx.Response):
            return _fresh(answer)
        return answer

    # -- in-process -------------------------------------------------------------------------------------
    def __call__(self, request: httpx.Request) -> httpx.Response:
        """The handler `httpx.MockTransport` calls."""
        request.read()
        answer = self._answer_for(request)
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, Reply):
            return answer.response()
        return answer  # type: ignore[no-any-return]

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def client(self, mode: str, token: str = TOKEN, base_url: str = BASE, **options: Any) -> Client:
        """A `Coze` (mode "sync") or `AsyncCoze` reaching this server in-process."""
        return fake_client(mode, self, token=token, base_url=base_url, **options)

    async def run(self, mode: str, call: Callable[[Any], Any]) -> Any:
        """`call(client)` with a client of `mode`, its result awaited if need be."""
        return await run(call(self.client(mode)))

    async def collect(self, mode: str, call: Callable[[Any], Any]) -> List[Any]:
        """Every item of the pager or stream `call(client)` makes with a client of `mode`."""
        return await collect(call(self.client(mode)))

    def sync(self, **options: Any) -> Coze:
        return self.client("sync", **options)  # type: ignore[return-value]

    def asyn(self, **options: Any) -> AsyncCoze:
        return self.client("async", **options)  # type: ignore[return-value]

    # -- what was sent ----------------------------------------------------------------------------------
    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def body(self, index: int = -1) -> Any:
        content = self.requests[index].content
        return json.loads(content) if content else None

    def query(self, index: int = -1) -> Dict[str, str]:
        return dict(self.requests[index].url.params)

    def paths(self) -> List[str]:
        return [request.url.path for request in self.requests]

    def wire(self, index: int = -1) -> Tuple[str, str]:
        """Method and path (percent-encoding kept) of a request."""
        request = self.requests[index]
        return request.method, _raw_path(request)

    # -- over a loopback socket -------------------------------------------------------------------------
    def __enter__(self) -> FakeServer:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.owner = self
        self._socket = server
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    @property
    def url(self) -> str:
        assert self._socket is not None, "serve first: `with server:`"
        return f"http://127.0.0.1:{self._socket.server_address[1]}"

    def __exit__(self, *exc: Any) -> None:
        self.stopping.set()
        if self._socket is not None:
            self._socket.shutdown()
            self._socket.server_close()
            self._socket = None


def fake_client(mode: str, handler: Callable[[httpx.Request], Any], **options: Any) -> Client:
    """A `Coze` (mode "sync") or `AsyncCoze` whose requests go to `handler` in-process; `token` and
    `base_url` may be given, other options go to the client (retries do not sleep unless told to)."""
    options.setdefault("retry_policy", NO_WAIT)
    auth = TokenAuth(options.pop("token", TOKEN))
    base_url = options.pop("base_url", BASE)
    transport = httpx.MockTransport(handler)
    if mode == "sync":
        return Coze(auth, base_url, http_client=httpx.Client(transport=transport), **options)
    return AsyncCoze(auth, base_url, http_client=httpx.AsyncClient(transport=transport), **options)


def _raw_path(request: httpx.Request) -> str:
    return request.url.raw_path.decode("ascii").split("?")[0]


def _fresh(response: httpx.Response) -> httpx.Response:
    """A copy: a response is read once, by one client."""
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return response
    return httpx.Response(response.status_code, headers=response.headers, content=content)


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        sock: socket.socket = self.request
        reader = sock.makefile("rb")
        owner = self.server.owner
        with owner._lock:
            owner.connections += 1
        while True:
            request = _read_request(reader, owner)
            if request is None:
                return
            answer = owner._answer_for(request)
            if isinstance(answer, BaseException):
                return  # the connection drops
            reply = answer if isinstance(answer, Reply) else _as_reply(answer)
            if reply.silent:
                owner.stalled.set()
                owner.stopping.wait()
                return
            try:
                sock.sendall(reply.head())
                for part in reply.parts():
                    sock.sendall(part)
            except OSError:
                return
            if reply.stall:
                owner.stalled.set()
                owner.stopping.wait()
                return
            if reply.framing == "close" or reply.cut:
                sock.shutdown(socket.SHUT_RDWR)
                return


def _read_request(reader: Any, owner: FakeServer) -> Optional[httpx.Request]:
    request_line = reader.readline()
    if not request_line.strip():
        return None
    headers: List[Tuple[str, str]] = []
    while True:
        line = reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers.append((name.strip(), value.strip()))
    fields = {name.lower(): value for name, value in headers}
    body = _Body(owner.keep_bodies_up_to)
    if fields.get("transfer-encoding", "").lower() == "chunked":
        while True:
            length = int(reader.readline().split(b";")[0].strip() or b"0", 16)
            if not length:
                reader.readline()
                break
            body.read(reader, length)
            reader.readline()
    else:
        body.read(reader, int(fields.get("content-length") or 0))
    with owner._lock:
        owner.body_sizes.append(body.size)
    method, target = request_line.decode("latin-1").split()[:2]
    kept = [(name, value) for name, value in headers if name.lower() != "transfer-encoding"]
    return httpx.Request(method, owner.url + target, headers=kept, content=body.content())


class _Body:
    """A request body as it arrives: kept, or past `keep` bytes only counted."""

    def __init__(self, keep: Optional[int]) -> None:
        self.keep = keep
        self.size = 0
        self.pieces: List[bytes] = []

    def read(self, reader: Any, length: int) -> None:
        buffer = memoryview(bytearray(min(length, 1 << 20)))
        left = length
        while left:
            n = reader.readinto(buffer[: min(left, len(buffer))])
            if not n:
                return
            left -= n
            self.size += n
            if self.keep is None or self.size <= self.keep:
                self.pieces.append(bytes(buffer[:n]))
            else:
                self.pieces.clear()

    def content(self) -> bytes:
        return b"" if self.keep is not None and self.size > self.keep else b"".join(self.pieces)


def _as_reply(response: httpx.Response) -> Reply:
    skip = {"content-type", "content-length", "transfer-encoding", "connection"}
    headers = tuple((name, value) for name, value in response.headers.multi_items() if name not in skip)
    content_type = response.headers.get("content-type", "application/json")
    return Reply(response.content, response.status_code, content_type, headers, framing="length")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # a burst of connections at once is accepted without SYN retries
    owner: FakeServer
