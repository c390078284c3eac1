"""Running the proxy: `ThreadedProxy` (tests, examples) and `serve()` (the `cozekit proxy` command)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Optional, Type

import uvicorn
from fastapi import FastAPI

__all__ = ["ThreadedProxy", "serve"]


class ThreadedProxy:
    """A proxy app on a free loopback port in a background thread.

    >>> with ThreadedProxy(create_proxy_app(coze, bots=[BOT])) as proxy:
    ...     httpx.post(proxy.base_url + "/chat", ...)
    """

    def __init__(self, app: FastAPI, *, port: int = 0) -> None:
        self.app = app
        self._port = port
        self._server: Optional[uvicorn.Server] = None
        self._thread: Optional[threading.Thread] = None
        self.base_url = ""

    def start(self) -> ThreadedProxy:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self._port))
        config = uvicorn.Config(self.app, log_level="warning", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the proxy did not start")
            time.sleep(0.005)
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> ThreadedProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()


def serve(app: FastAPI, *, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Run the proxy in the foreground until interrupted."""
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)
