"""Helpers of the packaging tests: a clean environment, and servers started from it."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import httpx

ROOT = Path(__file__).resolve().parents[1]
ENV_NAMES = ("base", "cli-proxy", "testing", "all")
"""The environments `./dev` makes: no extra, `cli,proxy`, `cli,testing` (and pytest), `all` (and pytest)."""


def _clean_environ() -> Dict[str, str]:
    """This process's environment without Python, virtualenv or Coze settings that could leak in."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COZE", "VIRTUAL_ENV"))}


class Env:
    """One clean virtual environment with the fresh wheel installed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bin = root / "bin"

    def run(
        self, args: Sequence[str], *, cwd: Path, timeout: float = 120, env: Optional[Dict[str, str]] = None
    ) -> subprocess.CompletedProcess[str]:
        program = str(self.bin / args[0])
        return subprocess.run(
            [program, *args[1:]],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,  # a hang guard only
            env={**_clean_environ(), **(env or {})},
            check=False,
        )

    def python(self, code: str, *, cwd: Path) -> subprocess.CompletedProcess[str]:
        return self.run(["python", "-c", code], cwd=cwd)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60  # a hang guard only
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[0]
        try:
            httpx.get(url, timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not come up")


def start(
    env: Env, args: Sequence[str], cwd: Path, procs: List[subprocess.Popen[str]]
) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [str(env.bin / args[0]), *args[1:]],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**_clean_environ(), "COZEKIT_EMULATOR_OPENAI_BASE_URL": ""},
    )
    procs.append(proc)
    return proc
