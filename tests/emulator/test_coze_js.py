"""The official @coze/api client (Node), unchanged, against the emulator: a malformed id is a 4000-family
error, `variables.update` with only `{bot_id, data}` works, a chat streams. `./dev test` installs the
client (tests/node, pinned by its package-lock.json)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
SCRIPT = NODE_DIR / "coze_api_smoke.mjs"
INSTALL_HINT = "run ./dev test, or: npm ci --prefix tests/node"


def test_coze_api_runs_unchanged_against_the_emulator(coze_emulator: Any) -> None:
    node = shutil.which("node")
    assert node, "node is needed for the @coze/api test (Node 20+)"
    assert (NODE_DIR / "node_modules" / "@coze" / "api").is_dir(), (
        f"@coze/api is not installed: {INSTALL_HINT}"
    )
    env = {
        **os.environ,
        "COZE_API_BASE": coze_emulator.base_url,
        "COZE_API_TOKEN": coze_emulator.token,
        "COZE_BOT_ID": coze_emulator.demo_bot_id,
        "COZE_WORKSPACE_ID": coze_emulator.workspace_id,
    }
    done = subprocess.run(
        [node, str(SCRIPT)], cwd=NODE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["create_error"]["name"] == "BadRequestError"
    assert seen["create_error"]["code"] == 4000
    assert seen["variables"] == [["city", "Nanjing"]]
    assert seen["events"][:2] == ["conversation.chat.created", "conversation.chat.in_progress"]
    assert "conversation.chat.completed" in seen["events"]
    assert seen["answer"] == "Cozekit Demo Bot (turn 1) heard: Hello from node"
    # Everything it sent is known to the emulator (the suite's emulator is strict, so it would have failed).
    assert coze_emulator.control.unknown_fields() == []
