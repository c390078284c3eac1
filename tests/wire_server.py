"""A loopback HTTP server that answers with given bytes, verbatim: for tests of what the SDK makes of
exactly what a server sends (framing quirks, bodies cut off, connections that stall or drop).

Import it by name (`from wire_server import Reply, WireServer`), as `sync_or_async`.

>>> with WireServer() as server:
...     server.replies.append(Reply(b"event:done\\ndata:\\"[DONE]\\""))
...     ...  # point a client at server.url
"""

from __future__ import annotations

import socket
import socketserver
import threading
from dataclasses import dataclass, field
from typing import Any, List, Optional, Sequence, Tuple

LOGID = "wire-logid"


@dataclass
class Reply:
    """One answer. `body` is sent as `pieces` (one write each) if given, else whole.

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


@dataclass
class Received:
    method: str
    path: str
    body: bytes


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        sock: socket.socket = self.request
        reader = sock.makefile("rb")
        while True:
            request_line = reader.readline()
            if not request_line.strip():
                return
            length = 0
            while True:
                line = reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            method, path = request_line.decode("latin-1").split()[:2]
            self.server.owner.received.append(Received(method, path, reader.read(length)))
            reply = self.server.owner.next_reply()
            if reply.silent:
                self.server.owner.stalled.set()
                self.server.owner.stop.wait()
                return
            try:
                sock.sendall(reply.head())
                for part in reply.parts():
                    sock.sendall(part)
            except OSError:
                return
            if reply.stall:
                self.server.owner.stalled.set()
                self.server.owner.stop.wait()
                return
            if reply.framing == "close" or reply.cut:
                sock.shutdown(socket.SHUT_RDWR)
                return


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: WireServer


@dataclass
class WireServer:
    """Serves `replies` in order (the last one again when they run out); records what it received."""

    replies: List[Reply] = field(default_factory=list)
    received: List[Received] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    stalled: threading.Event = field(default_factory=threading.Event)
    """Set when a stalling reply has sent its pieces."""

    def next_reply(self) -> Reply:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def __enter__(self) -> WireServer:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __exit__(self, *exc: Any) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()
