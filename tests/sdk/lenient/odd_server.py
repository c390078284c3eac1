"""A loopback HTTP server that answers each (method, path) with a canned body: the odd answers the
lenient-reading tests need, sent over a real socket like Coze's."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Tuple, Union

LOGID = "odd-logid"

Answer = Tuple[int, str, bytes]


def sse(*events: Tuple[str, Any]) -> str:
    """An event-stream body; each data is sent as given (text) or JSON-encoded."""
    out = []
    for index, (name, data) in enumerate(events):
        text = data if isinstance(data, str) else json.dumps(data)
        out.append(f"id:{index}\nevent:{name}\ndata:{text}\n\n")
    return "".join(out)


def envelope(data: Any) -> Dict[str, Any]:
    return {"code": 0, "msg": "", "data": data, "detail": {"logid": LOGID}}


class OddServer:
    """`answer(method, path, body)` sets what a path returns (a dict or list is sent as JSON, text as an
    event stream); unset paths answer 404."""

    def __init__(self) -> None:
        self.answers: Dict[Tuple[str, str], Answer] = {}
        self.paths: List[str] = []
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def answer(
        self, method: str, path: str, body: Union[Dict[str, Any], List[Any], str], status: int = 200
    ) -> None:
        if isinstance(body, str):
            self.answers[(method, path)] = (status, "text/event-stream", body.encode("utf-8"))
        else:
            self.answers[(method, path)] = (status, "application/json", json.dumps(body).encode("utf-8"))

    def start(self) -> OddServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _handler(self) -> type:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                owner.paths.append(path)
                missing = (404, "application/json", b'{"code": 4200, "msg": "no such path"}')
                status, content_type, body = owner.answers.get((self.command, path), missing)
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(body)))
                self.send_header("x-tt-logid", LOGID)
                self.end_headers()
                self.wfile.write(body)

            do_GET = _serve
            do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
