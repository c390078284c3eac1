"""An emulator in a child process, started as a deployment starts it (`python -m cozekit.emulator
--workers 2 ...`), for the tests of several workers and several hosts."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, Iterator, List

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def child_emulator(args: List[str], log_path: Path, env: Dict[str, str], workers: int = 2) -> Iterator[str]:
    """Start `python -m cozekit.emulator --workers <workers> <args>` on a free port, wait until every
    worker has answered, yield the base URL; stop it (killed if it hangs) on the way out. Its output goes
    to `log_path`, quoted by a failure to start."""
    port = free_port()
    command = [sys.executable, "-m", "cozekit.emulator", "--port", str(port), "--workers", str(workers)]
    command += args
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            _wait_ready(base, proc, log_path, workers)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
                proc.kill()
                proc.wait()


def _wait_ready(base: str, proc: subprocess.Popen[bytes], log: Path, workers: int) -> None:
    """Until `workers` worker processes have answered (each request on a new connection may reach any)."""
    seen = set()
    for _ in range(3000):
        assert proc.poll() is None, log.read_text()
        try:
            seen.add(httpx.get(base + "/_emulator/info", timeout=5).json()["data"]["worker_pid"])
        except httpx.TransportError:
            time.sleep(0.05)
            continue
        if len(seen) >= workers:
            return
    raise AssertionError(f"not every worker answered: {seen}\n{log.read_text()}")
