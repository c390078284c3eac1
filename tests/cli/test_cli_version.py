"""`cozekit --version` prints the package's one version."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

import cozekit
from cozekit.cli import app

ROOT = Path(__file__).resolve().parents[2]


def test_version_flag_prints_the_package_version_and_exits_0() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"cozekit {cozekit.__version__}"


def test_the_version_is_written_in_one_place() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r"^version\s*=", pyproject, re.M) is None
    assert 'dynamic = ["version"]' in pyproject
    assert 'path = "src/cozekit/_version.py"' in pyproject
