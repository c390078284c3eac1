"""The emulator in its own process (so its work never competes for the client's GIL).

`with EmulatorProcess() as emu:` gives `emu["base_url"]`, `emu["token"]`, `emu["demo_bot_id"]`, or
raises `EmulatorUnavailable` if `cozekit.emulator` cannot start here. Within `with shared():` (the whole
run of `benchmarks.run`), the figures that use it share one emulator, started by the first and
stopped at the end, instead of paying for a start and a stop each.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from typing import Any, Dict, Iterator, List, Optional


class EmulatorUnavailable(RuntimeError):
    pass


def _serve() -> None:
    from cozekit.emulator import ThreadedEmulator

    with ThreadedEmulator() as emu:
        info = {"base_url": emu.base_url, "token": emu.token, "demo_bot_id": emu.demo_bot_id}
        print(json.dumps(info), flush=True)
        sys.stdin.read()


_SESSIONS: List[Dict[str, Any]] = []
"""The open `shared()` blocks, innermost last: each holds its running process and info, once started."""


@contextlib.contextmanager
def shared() -> Iterator[None]:
    """Every `EmulatorProcess` inside shares one emulator process, stopped when the block ends."""
    session: Dict[str, Any] = {}
    _SESSIONS.append(session)
    try:
        yield
    finally:
        _SESSIONS.remove(session)
        if "process" in session:
            session["process"].stop()


class EmulatorProcess:
    def __init__(self) -> None:
        self._proc: Optional[subprocess.Popen[str]] = None
        self._shared = False

    def __enter__(self) -> Dict[str, Any]:
        if _SESSIONS:
            session = _SESSIONS[-1]
            if "process" not in session:
                process = EmulatorProcess()
                session["info"] = process.start()
                session["process"] = process
            self._shared = True
            info: Dict[str, Any] = session["info"]
            return info
        return self.start()

    def start(self) -> Dict[str, Any]:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._emulator"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=root,
        )
        assert self._proc.stdout is not None and self._proc.stderr is not None
        line = self._proc.stdout.readline()
        if not line.startswith("{"):
            self._proc.kill()
            raise EmulatorUnavailable(f"the emulator did not start: {self._proc.stderr.read()[-2000:]}")
        info: Dict[str, Any] = json.loads(line)
        return info

    def __exit__(self, *exc: object) -> None:
        if not self._shared:
            self.stop()

    def stop(self) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


if __name__ == "__main__":
    _serve()
