"""How the emulator is started: the pytest plugin, `python -m cozekit.emulator`, `cozekit serve`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import List

import httpx
from typer.testing import CliRunner

from cozekit.cli import app
from cozekit.emulator import ThreadedEmulator


def test_the_plugin_imports_nothing_heavy() -> None:
    code = (
        "import sys, cozekit.emulator.pytest_plugin; "
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette', 'multipart') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_fixture_yields_a_reset_seeded_emulator(coze_emulator: ThreadedEmulator) -> None:
    resp = httpx.get(
        coze_emulator.base_url + "/v1/users/me", headers={"Authorization": f"Bearer {coze_emulator.token}"}
    )
    assert resp.json()["data"]["user_id"] == coze_emulator.user_id == "7000000000000000001"
    assert coze_emulator.base_url.startswith("http://127.0.0.1:")


def test_cli_has_a_serve_command() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--port" in result.output and "--data-dir" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(data_dir: Path, port: int) -> tuple[subprocess.Popen[str], List[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "cozekit.emulator", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COZEKIT_EMULATOR_OPENAI_BASE_URL": ""},
    )
    assert proc.stdout is not None
    lines = [proc.stdout.readline() for _ in range(6)]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/_emulator/info")
            break
        except httpx.TransportError:
            time.sleep(0.02)
    return proc, lines


def test_python_m_serves_seeds_and_persists(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc, lines = _start(tmp_path, port)
    try:
        assert any(base in line for line in lines)
        assert any("pat_cozekit_emulator_dev_token" in line for line in lines)
        auth = {"Authorization": "Bearer pat_cozekit_emulator_dev_token"}
        conv = httpx.post(base + "/v1/conversation/create", headers=auth, json={"name": "kept"}).json()[
            "data"
        ]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert (tmp_path / "emulator.sqlite3").exists()
    proc, _ = _start(tmp_path, port)
    try:
        got = httpx.get(
            base + "/v1/conversation/retrieve", headers=auth, params={"conversation_id": conv["id"]}
        )
        assert got.json()["data"]["name"] == "kept"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
