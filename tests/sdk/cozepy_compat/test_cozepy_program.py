"""Done when a cozepy program runs on cozekit unchanged: `cozepy_program.py` (cozepy's API only) runs in a
subprocess, `cozepy` resolved to cozekit by the shim package, against the emulator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cozekit
from cozekit.emulator import ThreadedEmulator

from .conftest import WEATHER

HERE = Path(__file__).parent
SRC = Path(cozekit.__file__).parent.parent


def test_a_cozepy_program_runs_unchanged_on_cozekit(emu: ThreadedEmulator, tmp_path: Path) -> None:
    workflow_id = str(emu.control.create_workflow(WEATHER)["workflow_id"])
    upload = tmp_path / "notes.txt"
    upload.write_bytes(b"twelve bytes")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE / "shim"), str(SRC)]),
        "COZE_API_BASE": emu.base_url,
        "COZE_API_TOKEN": emu.token,
        "COZE_WORKSPACE_ID": emu.workspace_id,
        "COZE_BOT_ID": emu.demo_bot_id,
        "COZE_WORKFLOW_ID": workflow_id,
    }
    done = subprocess.run(
        [sys.executable, str(HERE / "cozepy_program.py"), str(upload), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    workflow = [line for line in lines if line.startswith("workflow ")]
    assert [line for line in lines if not line.startswith("workflow ")] == [
        "bots: ['Cozekit Demo Bot'] has_more: False logid: True",
        "workspaces: ['7000000000000000002'] logid: True",
        "chat: Cozekit Demo Bot (turn 1) heard: hello | tokens: True",
        "chat stream logid: True",
        "stream logid: True",
        "uploaded: notes.txt 12 logid: True",
        "websocket chat: Cozekit Demo Bot (turn 1) heard: hi",
        "async bots: ['Cozekit Demo Bot'] logid: True",
        "async chat: Cozekit Demo Bot (turn 1) heard: again",
        "speech: 24000 Hz True",
        "done",
    ]
    assert workflow[:2] == ["workflow message: Question Which day in Lima?", "workflow interrupt: 2"]
    report = "workflow message: Report "
    assert (
        "".join(line[len(report) :] for line in workflow if line.startswith(report))
        == "Lima on Tuesday: sunny"
    )
    assert workflow[-1].startswith("workflow message: End ") and "Lima on Tuesday: sunny" in workflow[-1]
    # setup_logging(DEBUG) printed the SDK's records, in cozepy's format, under cozekit's name.
    assert "[cozekit][DEBUG]" in done.stderr and "request: GET /v1/workspaces" in done.stderr
    assert "[cozekit][INFO]" in done.stderr and "websocket chat completed" in done.stderr
    assert emu.token not in done.stderr
