"""The framework's ceiling: a trivial FastAPI app on the same uvicorn as the emulator, answering the
benchmark's requests with bodies captured from the emulator itself (the same bytes, so the same size;
a chat stream is sent one event per write, as the emulator does). Nothing is stored or computed: what
this app serves per second is the most any FastAPI app on this uvicorn can serve here.

Run by `CeilingServer`: `python -m benchmarks._ceiling --port P [--workers N]` with the captured bodies
in the file named by `COZEKIT_BENCH_BODIES` (JSON: name -> text, `stream` -> list of event frames).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from typing import Any, Optional

from . import _loadgen
from ._loadgen import Request

BODIES_ENV = "COZEKIT_BENCH_BODIES"


def _from_env() -> Any:
    path = os.environ.get(BODIES_ENV)
    if not path:
        return None
    from ._ceiling_app import build  # lazy: only the server process needs fastapi

    with open(path, encoding="utf-8") as f:
        return build(json.load(f))


app = _from_env()
"""The app uvicorn's workers import (`benchmarks._ceiling:app`)."""


class CeilingServer:
    """`with CeilingServer(bodies_path, workers) as url:` runs the ceiling app in its own process group."""

    def __init__(self, bodies_path: str, workers: int = 1) -> None:
        self.bodies_path = bodies_path
        self.workers = workers
        self.proc: Optional[subprocess.Popen[bytes]] = None

    def __enter__(self) -> str:
        from ._served import free_port

        port = free_port()
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {**os.environ, BODIES_ENV: self.bodies_path}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks._ceiling",
                "--port",
                str(port),
                "--workers",
                str(self.workers),
            ],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                assert self.proc.stderr is not None
                raise RuntimeError(f"the ceiling app exited: {self.proc.stderr.read()[-2000:]!r}")
            try:
                if _loadgen.call(url, Request("GET", "/_ready")).status == 200:
                    return url
            except OSError:
                pass
            if time.monotonic() > deadline:
                self._stop()
                raise RuntimeError("the ceiling app did not answer in 60 s")
            time.sleep(0.1)

    def _stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass

    def __exit__(self, *exc: object) -> None:
        self._stop()


if __name__ == "__main__":
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if args.workers > 1:
        uvicorn.run(
            "benchmarks._ceiling:app",
            host="127.0.0.1",
            port=args.port,
            workers=args.workers,
            log_level="warning",
        )
    else:
        uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
