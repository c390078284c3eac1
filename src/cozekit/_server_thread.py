"""An ASGI app served by uvicorn on a loopback port in a background thread (emulator and proxy)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any, Optional, Type

import uvicorn
from typing_extensions import Self

__all__ = ["Served", "ServerThread"]


class ServerThread:
    """Binds 127.0.0.1:`port` (0 picks a free one), runs `app` until `stop()`.

    >>> thread = ServerThread(app); port = thread.start(); ...; thread.stop()
    """

    def __init__(self, app: Any, *, port: int = 0, name: str = "server", **uvicorn_options: Any) -> None:
        self._app = app
        self._port = port
        self._name = name
        self._options = {"log_level": "warning", "timeout_graceful_shutdown": 1, **uvicorn_options}
        self._server: Optional[uvicorn.Server] = None
        self._thread: Optional[threading.Thread] = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self, timeout: float = 10.0) -> int:
        """Start serving; returns the bound port once the server accepts connections."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", self._port))
        port: int = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(self._app, **self._options))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                sock.close()
                raise RuntimeError(f"the {self._name} did not start")
            time.sleep(0.005)
        self._server, self._thread = server, thread
        return port

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the server to exit and wait for its thread (at most `timeout` seconds)."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=timeout)
        self._server = self._thread = None


class Served:
    """A server run by `start()`/`stop()`, or by a `with` block around its use."""

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()
