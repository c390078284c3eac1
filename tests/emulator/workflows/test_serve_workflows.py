"""`python -m cozekit.emulator --workflows DIR` and `cozekit serve --workflows`: loaded at start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import List, Tuple

import httpx
from typer.testing import CliRunner

from cozekit.cli import app
from cozekit.emulator import example_workflows

EXAMPLES = Path(example_workflows())
AUTH = {"Authorization": "Bearer pat_cozekit_emulator_dev_token"}


def test_cli_serve_takes_workflows() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--workflows" in result.output and "--example-workflows" in result.output


def _start(data_dir: Path, *args: str) -> Tuple[subprocess.Popen[str], str, List[str]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    cmd = [sys.executable, "-m", "cozekit.emulator", "--port", str(port), "--data-dir", str(data_dir)]
    proc = subprocess.Popen(
        [*cmd, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COZEKIT_EMULATOR_OPENAI_BASE_URL": ""},
    )
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(9)]
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10  # hang guard
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/_emulator/info")
            break
        except httpx.TransportError:
            time.sleep(0.02)
    return proc, base, lines


def test_python_m_loads_the_workflow_directory_once(tmp_path: Path) -> None:
    proc, base, lines = _start(tmp_path, "--workflows", str(EXAMPLES))
    try:
        assert any("7000000000000000101  weather_question (workflow, v0.0.1)" in line for line in lines)
        body = {"workflow_id": "7000000000000000101", "parameters": {"city": "Oslo"}}
        ran = httpx.post(base + "/v1/workflow/run", headers=AUTH, json=body).json()
        assert ran["code"] == 0 and ran["interrupt_data"]["type"] == 2
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    # Same data dir, the bundled examples (the same files): unchanged definitions publish no new version.
    proc, base, lines = _start(tmp_path, "--example-workflows")
    try:
        assert any("7000000000000000103  helpdesk_chatflow" in line for line in lines)
        versions = httpx.get(base + "/v1/workflows/7000000000000000101/versions", headers=AUTH).json()
        assert [v["version"] for v in versions["data"]["items"]] == ["v0.0.1"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
