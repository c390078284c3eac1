"""Progress (rich) for uploads, document processing and long waits: on a terminal only, never in pipes or
tests' output."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import List

import pytest
from click.testing import Result
from rich.console import Console
from typer.testing import CliRunner

from cozekit import Coze, TokenAuth, _cli_progress
from cozekit.cli import app
from cozekit.emulator import ThreadedEmulator
from cozekit.types.dataset import DocumentProgress
from cozekit.types.document import DocumentFormatType

UPPER = {
    "name": "upper",
    "nodes": [
        {"id": "start", "type": "start", "inputs": {"text": {"type": "string", "required": True}}},
        {"id": "c", "type": "code", "outputs": {"upper": "upper(start['text'])"}},
        {"id": "end", "type": "end", "outputs": {"output": "{{c.upper}}"}},
    ],
}


def invoke(runner: CliRunner, args: List[str]) -> Result:
    return runner.invoke(app, args, catch_exceptions=False)


@pytest.fixture
def run(coze_emulator: ThreadedEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    monkeypatch.setenv("COZEKIT_TOKEN_FILE", str(tmp_path / "no-saved-login.json"))
    monkeypatch.setenv("COZE_API_BASE", coze_emulator.base_url)
    monkeypatch.setenv("COZE_API_TOKEN", coze_emulator.token)
    return CliRunner()  # click >= 8.2 keeps stderr apart


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """What a terminal would show: the CLI's progress console, forced to be one, writing here."""
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    monkeypatch.setattr(_cli_progress, "console", lambda: console)
    return screen


def _big_file(tmp_path: Path) -> Path:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 300_000)  # several multipart chunks
    return path


def test_no_progress_when_not_a_terminal(
    run: CliRunner, tmp_path: Path, coze_emulator: ThreadedEmulator
) -> None:
    uploaded = invoke(run, ["files", "upload", str(_big_file(tmp_path))])
    assert uploaded.exit_code == 0, uploaded.output
    assert json.loads(uploaded.stdout)["bytes"] == 300_000
    assert uploaded.stderr == ""
    wf = coze_emulator.control.create_workflow(UPPER)["workflow_id"]
    ran = invoke(run, ["workflows", "run", wf, "-p", "text=hi"])
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout) == {"output": "HI"}
    assert ran.stderr == ""


def test_a_terminal_shows_the_bytes_sent(run: CliRunner, tmp_path: Path, terminal: io.StringIO) -> None:
    uploaded = invoke(run, ["files", "upload", str(_big_file(tmp_path))])
    assert uploaded.exit_code == 0, uploaded.output
    record = json.loads(uploaded.stdout)  # stdout stays the record alone
    assert record["file_name"] == "big.txt" and record["bytes"] == 300_000
    shown = terminal.getvalue()
    assert "uploading big.txt" in shown
    assert "300.0/300.0 kB" in shown
    assert "\x1b[" in shown  # drawn as a terminal bar


def test_a_terminal_shows_a_long_wait(
    run: CliRunner, coze_emulator: ThreadedEmulator, terminal: io.StringIO
) -> None:
    wf = coze_emulator.control.create_workflow(UPPER)["workflow_id"]
    ran = invoke(run, ["workflows", "run", wf, "-p", "text=hi"])
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout) == {"output": "HI"}
    assert f"running workflow {wf}" in terminal.getvalue()


def test_a_missing_file_still_gets_the_sdk_message(
    run: CliRunner, tmp_path: Path, terminal: io.StringIO
) -> None:
    with _cli_progress.upload_source(str(tmp_path / "absent")) as source:
        assert source == str(tmp_path / "absent")  # the SDK names the missing file
    assert terminal.getvalue() == ""


def test_read_progress_reports_positions_and_starts_over_on_seek(tmp_path: Path) -> None:
    path = _big_file(tmp_path)
    positions: List[int] = []
    with path.open("rb") as raw:
        reader = _cli_progress.ReadProgress(raw, positions.append)
        assert reader.read(100_000) == b"x" * 100_000
        reader.seek(0)  # a retried request reads again from the start
        while reader.read(128_000):
            pass
        assert reader.name == str(path)
    assert positions == [100_000, 0, 128_000, 256_000, 300_000, 300_000]


def _dataset(emulator: ThreadedEmulator, tmp_path: Path) -> tuple[str, Path, Path]:
    with Coze(TokenAuth(emulator.token), emulator.base_url) as coze:
        created = coze.datasets.create(
            name="handbook", space_id=emulator.workspace_id, format_type=DocumentFormatType.DOCUMENT
        )
    hours, wifi = tmp_path / "hours.txt", tmp_path / "wifi.md"
    hours.write_text("The cafe opens at eight and closes at six.\n")
    wifi.write_text("# Wifi\n\nThe guest network is cozekit-guest.\n")
    return created.dataset_id, hours, wifi


def test_dataset_processing_without_a_terminal_prints_only_the_documents(
    run: CliRunner, coze_emulator: ThreadedEmulator, tmp_path: Path
) -> None:
    dataset_id, hours, wifi = _dataset(coze_emulator, tmp_path)
    uploaded = invoke(run, ["datasets", "upload", dataset_id, str(hours), str(wifi)])
    assert uploaded.exit_code == 0, uploaded.output
    docs = json.loads(uploaded.stdout)
    assert [(d["document_name"], d["status"], d["progress"]) for d in docs] == [
        ("hours.txt", 1, 100),
        ("wifi.md", 1, 100),
    ]
    assert uploaded.stderr == ""


def test_a_terminal_shows_each_documents_processing(
    run: CliRunner, coze_emulator: ThreadedEmulator, tmp_path: Path, terminal: io.StringIO
) -> None:
    dataset_id, hours, wifi = _dataset(coze_emulator, tmp_path)
    coze_emulator.control.configure_ingestion(step_delay_ms=300)  # still processing at the first poll
    uploaded = invoke(run, ["datasets", "upload", dataset_id, str(hours), str(wifi)])
    assert uploaded.exit_code == 0, uploaded.output
    assert [d["status"] for d in json.loads(uploaded.stdout)] == [1, 1]  # stdout stays the documents
    shown = terminal.getvalue()
    assert "processing hours.txt" in shown and "processing wifi.md" in shown
    assert "100%" in shown
    assert "\x1b[" in shown


def test_no_wait_prints_the_documents_as_created(
    run: CliRunner, coze_emulator: ThreadedEmulator, tmp_path: Path, terminal: io.StringIO
) -> None:
    dataset_id, hours, _ = _dataset(coze_emulator, tmp_path)
    coze_emulator.control.configure_ingestion(hold=True)
    uploaded = invoke(run, ["datasets", "upload", dataset_id, str(hours), "--no-wait"])
    assert uploaded.exit_code == 0, uploaded.output
    [doc] = json.loads(uploaded.stdout)
    assert doc["name"] == "hours.txt" and doc["status"] == 0  # still processing
    assert terminal.getvalue() == ""


def test_processing_bars_follow_each_documents_percent() -> None:
    screen = io.StringIO()
    with _cli_progress.processing(Console(file=screen, force_terminal=True, width=100)) as show:
        assert show is not None
        show([DocumentProgress(document_id="1", document_name="a.txt", progress=40)])
        show([DocumentProgress(document_id="1", document_name="a.txt", progress=100)])
    assert "processing a.txt" in screen.getvalue() and "100%" in screen.getvalue()
    with _cli_progress.processing(Console(file=io.StringIO())) as show:  # not a terminal: no callback
        assert show is None
