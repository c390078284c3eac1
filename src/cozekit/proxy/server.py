"""Running the proxy: `ThreadedProxy` (tests, examples) and `serve()` (the `cozekit proxy` command)."""

from __future__ import annotations

import uvicorn
from fastapi import FastAPI
from typing_extensions import Self

from .._server_thread import Served, ServerThread

__all__ = ["ThreadedProxy", "serve"]


class ThreadedProxy(Served):
    """A proxy app on a free loopback port in a background thread.

    >>> with ThreadedProxy(create_proxy_app(coze, bots=[BOT])) as proxy:
    ...     httpx.post(proxy.base_url + "/chat", ...)
    """

    def __init__(self, app: FastAPI, *, port: int = 0) -> None:
        self.app = app
        self._thread = ServerThread(app, port=port, name="proxy")
        self.base_url = ""

    def start(self) -> Self:
        self.base_url = f"http://127.0.0.1:{self._thread.start()}"
        return self

    def stop(self) -> None:
        self._thread.stop()


def serve(app: FastAPI, *, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Run the proxy in the foreground until interrupted."""
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=True)
