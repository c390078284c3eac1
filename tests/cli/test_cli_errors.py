"""`cozekit` (cli.main) prints a user's mistakes as one line and exits non-zero, never with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

import pytest

from cozekit.cli import main
from cozekit.emulator import ThreadedEmulator

SRC = Path(__file__).resolve().parents[2] / "src"


def run_main(
    argv: List[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["cozekit", *argv])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


@pytest.fixture
def env(coze_emulator: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ThreadedEmulator:
    monkeypatch.setenv("COZEKIT_TOKEN_FILE", str(tmp_path / "no-saved-login.json"))
    monkeypatch.setenv("COZE_API_BASE", coze_emulator.base_url)
    monkeypatch.setenv("COZE_API_TOKEN", coze_emulator.token)
    return coze_emulator


def test_a_missing_file_is_one_line(
    env: ThreadedEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(["files", "upload", str(tmp_path / "absent.pdf")], monkeypatch, capsys)
    assert code == 1
    assert err == f"error: no such file to upload: {tmp_path / 'absent.pdf'}\n"


def test_a_file_over_512_mb_is_refused_before_sending(
    env: ThreadedEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.bin"
    with open(big, "wb") as out:  # sparse: no disk space used
        out.truncate(512 * 1024 * 1024 + 1)
    code, _, err = run_main(["files", "upload", str(big)], monkeypatch, capsys)
    assert code == 1
    assert err.startswith("error: file is 536870913 bytes; Coze accepts at most") and err.count("\n") == 1
    assert "Traceback" not in err


def test_a_coze_error_names_code_and_logid(
    env: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_main(["files", "retrieve", "7999999999999999999"], monkeypatch, capsys)
    assert code == 1
    assert err.startswith("error: ") and "logid" in err and err.count("\n") == 1


def _run_without(blocked: str, args: List[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Runs `cozekit ARGS` in a fresh interpreter where importing `blocked` fails, as on a smaller install."""
    code = (
        f"import sys; sys.modules[{blocked!r}] = None; from cozekit.cli import main; "
        f"sys.argv[1:] = {args!r}; main()"
    )
    environment = {**os.environ, "PYTHONPATH": str(SRC), "COZEKIT_TOKEN_FILE": str(tmp_path / "none.json")}
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )


def test_a_base_install_names_the_cli_extra(tmp_path: Path) -> None:
    result = _run_without("typer", ["--help"], tmp_path)
    assert result.returncode == 1
    assert result.stderr == "error: this command needs the `typer` package: pip install 'cozekit[cli]'\n"


def test_serve_without_the_emulator_extra_names_it(tmp_path: Path) -> None:
    result = _run_without("uvicorn", ["serve", "--port", "0"], tmp_path)
    assert result.returncode == 1
    assert (
        result.stderr == "error: this command needs the `uvicorn` package: pip install 'cozekit[emulator]'\n"
    )


def test_serve_with_s3_files_without_boto3_names_the_s3_extra(tmp_path: Path) -> None:
    args = ["serve", "--port", "0", "--data-dir", str(tmp_path / "state"), "--files-url", "s3://bucket/files"]
    result = _run_without("boto3", args, tmp_path)
    assert result.returncode == 1
    assert result.stderr == "error: this command needs the `boto3` package: pip install 'cozekit[s3]'\n"


def test_proxy_without_its_extra_names_the_proxy_extra(tmp_path: Path) -> None:
    result = _run_without("uvicorn", ["proxy", "--bot", "7000000000000000001"], tmp_path)
    assert result.returncode == 1
    assert result.stderr == "error: this command needs the `uvicorn` package: pip install 'cozekit[proxy]'\n"


def test_a_missing_document_file_is_one_line(
    env: ThreadedEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["datasets", "upload", "7000", str(tmp_path / "absent.txt")]
    code, out, err = run_main(argv, monkeypatch, capsys)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and "absent.txt" in err and err.count("\n") == 1
