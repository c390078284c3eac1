"""The pytest plugin every environment with cozekit registers stays cheap: loading it imports no
third-party package and none of the emulator (measured in a fresh interpreter)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PROBE = (
    "import json, sys, pytest; before = set(sys.modules); import cozekit.emulator.pytest_plugin; "
    "print(json.dumps(sorted(set(sys.modules) - before)))"
)


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True)
    new = json.loads(out.stdout)
    assert "cozekit.emulator.pytest_plugin" in new
    cozekit = [m for m in new if m.split(".")[0] == "cozekit"]
    assert set(cozekit) <= {
        "cozekit",
        "cozekit._lazy",
        "cozekit._version",
        "cozekit.auth",
        "cozekit.types",
        "cozekit.emulator",
        "cozekit.emulator.pytest_plugin",
    }
    others = {m.split(".")[0] for m in new} - {"cozekit"}
    assert others <= set(sys.stdlib_module_names), others - set(sys.stdlib_module_names)


def test_the_fixture_is_registered_and_can_be_disabled(tmp_path: Path) -> None:
    (tmp_path / "test_uses_it.py").write_text(
        "def test_it(coze_emulator):\n    assert coze_emulator.base_url.startswith('http://127.0.0.1:')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_uses_it.py"]
    used = subprocess.run(base, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120)
    assert used.returncode == 0, used.stdout + used.stderr
    assert "1 passed" in used.stdout
    off = subprocess.run(
        [*base, "-p", "no:cozekit_emulator"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert off.returncode != 0 and "fixture 'coze_emulator' not found" in off.stdout
