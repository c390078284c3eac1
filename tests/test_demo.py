"""The main job: the demo streams a reply from the embedded emulator's demo bot."""

from __future__ import annotations

import io
import subprocess
import sys

from cozekit import ChatStatus
from cozekit.demo import run


def test_demo_streams_a_reply() -> None:
    out = io.StringIO()
    result = run("What can you do?", out)
    text = out.getvalue()
    assert result.status == ChatStatus.COMPLETED
    assert result.text and result.text in text
    assert "you: What can you do?" in text
    assert "logid" in text


def test_demo_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cozekit.demo", "ping"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "bot: " in done.stdout and "completed" in done.stdout
