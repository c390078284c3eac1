"""A one-shot HTTP listener on 127.0.0.1 that receives the browser's OAuth redirect (RFC 8252 §7.3).

For CLIs and desktop apps using the code or PKCE flow: register `http://127.0.0.1/callback` (any port)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import TracebackType
from typing import Dict, Optional, Type
from urllib.parse import parse_qsl, urlsplit

__all__ = ["RedirectListener"]

CALLBACK_PATH = "/callback"
_DONE = b"<!doctype html><title>cozekit</title><p>cozekit: you can close this window.</p>"


class RedirectListener:
    """Listens on `127.0.0.1:port` (0: any free port) for one request to `/callback`.

    >>> with RedirectListener() as listener:
    ...     url = app.get_oauth_url(listener.redirect_uri, verifier, state=state)
    ...     params = listener.wait(timeout=300)
    """

    def __init__(self, port: int = 0) -> None:
        self._params: Optional[Dict[str, str]] = None
        self._arrived = threading.Event()
        self._server = HTTPServer(("127.0.0.1", port), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}{CALLBACK_PATH}"

    def _handler(self) -> Type[BaseHTTPRequestHandler]:
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != CALLBACK_PATH or listener._arrived.is_set():
                    self.send_error(404)
                    return
                listener._params = dict(parse_qsl(url.query))
                self.send_response(200)
                self.send_header("content-type", "text/html; charset=utf-8")
                self.send_header("content-length", str(len(_DONE)))
                self.end_headers()
                self.wfile.write(_DONE)
                listener._arrived.set()

            def log_message(self, format: str, *args: object) -> None:  # the query holds the code
                return

        return Handler

    def wait(self, timeout: Optional[float] = None) -> Dict[str, str]:
        """The redirect's query parameters (`code` and `state`, or `error`); TimeoutError if none came."""
        if not self._arrived.wait(timeout):
            raise TimeoutError("no browser came back to the redirect URI in time")
        assert self._params is not None
        return self._params

    def __enter__(self) -> RedirectListener:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
