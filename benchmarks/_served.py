"""The installed emulator as its users run it: `cozekit serve` in a process of its own (its own process
group), on a free loopback port, with a data dir of the benchmark's. Whatever `serve` is installed is
what gets measured: `--workers N` is passed only when `serve --help` offers it, and any other options
(e.g. `--database-url postgresql://...`) come from the benchmark's `--serve-arg`.

The server's memory is read from /proc for its process and every process below it (workers).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import socket
import subprocess
import sys
import time
from typing import Any, Dict, List, Optional, Sequence

from . import _loadgen
from ._loadgen import Request

SERVE = [sys.executable, "-m", "cozekit.cli", "serve"]


@functools.cache
def serve_help() -> str:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    proc = subprocess.run([*SERVE, "--help"], capture_output=True, text=True, env=env, timeout=120)
    return proc.stdout + proc.stderr


def accepts_workers() -> bool:
    """Whether the installed `cozekit serve` has a `--workers` option."""
    return option_offered(serve_help(), "--workers")


def accepts_chunk_delay() -> bool:
    """Whether the installed `cozekit serve` takes the streaming delay at start (`--chunk-delay-ms`)."""
    return option_offered(serve_help(), "--chunk-delay-ms")


def option_offered(help_text: str, option: str) -> bool:
    """Whether `option` appears as an option name in a command's help (not inside another word)."""
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", help_text) is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def descendants(pid: int) -> List[int]:
    """`pid` and every process below it (from /proc/*/stat)."""
    children: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def status_bytes(pid: int, field: str) -> int:
    """A `VmRSS`/`VmHWM` line of /proc/<pid>/status, in bytes (0 if the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            match = re.search(field + r":\s+(\d+) kB", f.read())
    except OSError:
        return 0
    return int(match.group(1)) * 1024 if match else 0


def reset_peak(pid: int) -> bool:
    """Resets a process's VmHWM to its current RSS (Linux >= 4.0); False if not allowed."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class ServedEmulator:
    """`with ServedEmulator(data_dir, workers=2) as emu:` gives `emu.url`, `emu.token`, `emu.bot_id`,
    `emu.workspace_id`; the streaming delay of `serve` is set to 0 at start (`--chunk-delay-ms 0`), or
    through the control plane by a `serve` without that option (which, with several workers, refuses)."""

    def __init__(self, data_dir: str, workers: int = 1, extra_args: Sequence[str] = ()) -> None:
        self.data_dir = data_dir
        self.workers = workers
        self.extra_args = list(extra_args)
        self.proc: Optional[subprocess.Popen[bytes]] = None
        self.url = ""
        self.token = ""
        self.bot_id = ""
        self.workspace_id = ""
        self.info: Dict[str, Any] = {}
        self._log = ""

    def command(self, port: int) -> List[str]:
        cmd = [*SERVE, "--port", str(port), "--data-dir", self.data_dir]
        if self.workers > 1:
            cmd += ["--workers", str(self.workers)]
        if accepts_chunk_delay():
            cmd += ["--chunk-delay-ms", "0"]
        return cmd + self.extra_args

    def __enter__(self) -> ServedEmulator:
        port = free_port()
        os.makedirs(self.data_dir, exist_ok=True)
        self._log = os.path.join(self.data_dir, "serve.log")
        with open(self._log, "wb") as log:
            self.proc = subprocess.Popen(
                self.command(port), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"`cozekit serve` exited ({self.proc.returncode}): {self.log()[-2000:]}")
            try:
                r = _loadgen.call(self.url, Request("GET", "/_emulator/info"))
                if r.status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"`cozekit serve` did not answer in 120 s: {self.log()[-2000:]}")
            time.sleep(0.2)
        self.info = r.json()["data"]
        self.token = self.info["token"]
        self.bot_id = self.info["demo_bot_id"]
        self.workspace_id = self.info["workspace_id"]
        if not accepts_chunk_delay():
            self.set_config(chunk_delay_ms=0)
        elif (delay := self.info["config"]["chunk_delay_ms"]) != 0:
            raise RuntimeError(f"`serve --chunk-delay-ms 0` reports a delay of {delay} ms")
        return self

    def set_config(self, **changes: Any) -> None:
        """PATCHes the control plane's settings on several fresh connections, so that every worker
        (when settings are per process) hears it."""
        for _ in range(8 * max(1, self.workers) if self.workers > 1 else 1):
            r = _loadgen.call(self.url, Request("PATCH", "/_emulator/config", body=changes))
            if r.status != 200:
                raise RuntimeError(f"PATCH /_emulator/config: {r.status} {r.body[:300]!r}")

    def log(self) -> str:
        try:
            with open(self._log, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def pids(self) -> List[int]:
        assert self.proc is not None
        return descendants(self.proc.pid)

    def memory(self, field: str = "VmRSS") -> Dict[int, int]:
        return {pid: status_bytes(pid, field) for pid in self.pids()}

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)  # the group `serve` leads (its workers)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def __exit__(self, *exc: object) -> None:
        self.stop()
